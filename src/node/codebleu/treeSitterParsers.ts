/**
 * tree-sitter parsers for CodeBLEU from @vscode/tree-sitter-wasm (web-tree-sitter 0.25 and prebuilt
 * grammar wasm files). Bundles find the wasm files in dist/tree-sitter/ (scripts/build.mjs copies
 * them there, and the VSIX ships them); unbundled code (tests) finds them in the package itself.
 * Loaded once per process; one Parser per language, reused (parsing is synchronous).
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Language, Parser } from '@vscode/tree-sitter-wasm';
import { CODE_LANGUAGES, CodeLanguage, CodeParsers, ParsedCode } from '../../shared/metrics/codebleu/index';

const GRAMMAR_FILES: Record<CodeLanguage, string> = {
  python: 'tree-sitter-python.wasm',
  javascript: 'tree-sitter-javascript.wasm',
};

/** Where the runtime and grammar wasm files are: next to the bundle, or in the installed package. */
export function treeSitterWasmDir(): string {
  const candidates = [join(__dirname, 'tree-sitter')];
  try {
    candidates.push(dirname(require.resolve('@vscode/tree-sitter-wasm')));
  } catch {
    // not installed: only the bundled copy can serve
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'tree-sitter.wasm')));
  if (!found) {
    throw new Error(`CodeBLEU needs tree-sitter's wasm files (tree-sitter.wasm and the grammars); looked in ${candidates.join(', ')}. Rebuild with node scripts/build.mjs.`);
  }
  return found;
}

let loading: Promise<CodeParsers> | undefined;

/** The parsers for every CodeBLEU language, loaded on the first call. */
export function loadCodeParsers(): Promise<CodeParsers> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(): Promise<CodeParsers> {
  const dir = treeSitterWasmDir();
  await Parser.init({ locateFile: (file: string) => join(dir, file) });
  const parsers = new Map<CodeLanguage, Parser>();
  for (const language of CODE_LANGUAGES) {
    const grammar = await Language.load(new Uint8Array(await readFile(join(dir, GRAMMAR_FILES[language]))));
    parsers.set(language, new Parser().setLanguage(grammar));
  }
  return {
    parse(code: string, language: CodeLanguage): ParsedCode {
      const parser = parsers.get(language);
      if (!parser) throw new Error(`no tree-sitter grammar loaded for ${language}`);
      const tree = parser.parse(code);
      if (!tree) throw new Error(`tree-sitter returned no tree for ${language} code`);
      return { rootNode: tree.rootNode, delete: () => tree.delete() };
    },
  };
}
