/**
 * Finding the interpreter for a language: python3 (then python, when it is Python 3) for Python,
 * the running Node (or `node` on PATH when this process is Electron) for JavaScript. The resolved
 * executable is what runs in the sandbox, so a pyenv/asdf shim's environment is not needed there.
 */
import { spawnSync } from 'node:child_process';
import type { CodeLanguage } from './types';

export interface Interpreter {
  language: CodeLanguage;
  /** The executable as resolved (sys.executable / process.execPath). */
  path: string;
  version: string;
}

/** No interpreter for the language on this machine: the message says what was tried and what to install. */
export class InterpreterMissingError extends Error {
  override readonly name = 'InterpreterMissingError';
}

const found = new Map<CodeLanguage, Interpreter>();

function probe(command: string, args: string[]): string | undefined {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.trim();
}

function findPython(): Interpreter {
  const tried: string[] = [];
  for (const command of [process.env.QUANTLENS_PYTHON, 'python3', 'python'].filter((c): c is string => !!c)) {
    tried.push(command);
    const out = probe(command, ['-c', 'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])']);
    const [path, version] = out?.split('\n') ?? [];
    if (path && version?.startsWith('3.')) return { language: 'python', path, version };
  }
  throw new InterpreterMissingError(`Python code tasks need Python 3, and none was found (tried ${tried.join(', ')} on PATH). Install Python 3, or set QUANTLENS_PYTHON to its executable.`);
}

function findNode(): Interpreter {
  // Under VS Code this process is Electron; its Node needs ELECTRON_RUN_AS_NODE, which the scrubbed
  // sandbox environment does not carry, so a real `node` on PATH is preferred there.
  const candidates = process.versions.electron ? ['node'] : [process.execPath, 'node'];
  for (const command of candidates) {
    const out = probe(command, ['-e', 'console.log(process.execPath); console.log(process.versions.node)']);
    const [path, version] = out?.split('\n') ?? [];
    if (path && version) return { language: 'javascript', path, version };
  }
  throw new InterpreterMissingError('JavaScript code tasks need Node.js, and no `node` was found on PATH. Install Node.js 20 or later.');
}

/** The interpreter for `language`, found once per process. @throws InterpreterMissingError */
export function findInterpreter(language: CodeLanguage): Interpreter {
  let interpreter = found.get(language);
  if (!interpreter) {
    interpreter = language === 'python' ? findPython() : findNode();
    found.set(language, interpreter);
  }
  return interpreter;
}
