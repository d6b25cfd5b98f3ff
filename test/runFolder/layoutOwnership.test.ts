import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';

/**
 * The run folder's layout is known in one place, src/node/runFolder/layout.ts. Any other file of
 * src/ that spells one of its names (in code, not in comments) is a second copy that a new backend
 * or reader would drift from: it must derive the name from the layout module instead.
 */

const ROOT = resolve('.');
const LAYOUT_MODULE = join('src', 'node', 'runFolder', 'layout.ts');

/** The names of the layout, as they would appear in code. */
const LAYOUT_NAMES: Array<{ name: string; pattern: RegExp }> = [
  // Not `*.quantlens.yaml` (task files, also as a regex `\.quantlens\.`) nor `environment.quantlens` (a field).
  { name: '.quantlens', pattern: /(?<![\w$*\\])\.quantlens(?![.\w\\])/ },
  { name: 'run.json', pattern: /(?<![\w.-])run\.json\b/ },
  { name: 'events.jsonl', pattern: /(?<![\w.-])events\.jsonl\b/ },
  { name: 'samples.jsonl', pattern: /(?<![\w.-])samples\.jsonl\b/ },
  { name: 'report.json', pattern: /(?<![\w.-])report\.json\b/ },
  // How a run folder maps back to its root: rootOfRunFolder.
  { name: "'..', '..'", pattern: /(['"])\.\.\1\s*,\s*(['"])\.\.\2/ },
];

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, folder))) {
    const path = join(folder, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx|mts|cts)$/.test(name)) out.push(path);
  }
  return out;
}

/** The code of a file with its comments blanked (line numbers kept); `//` inside a string such as a URL is left alone. */
function withoutComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .replace(/(^|[\s;{}(),])\/\/.*$/gm, '$1');
}

test('no file of src/ but the layout module spells a name of the run folder layout', () => {
  const found: string[] = [];
  for (const file of sourceFiles('src')) {
    if (file === LAYOUT_MODULE) continue;
    withoutComments(readFileSync(join(ROOT, file), 'utf8')).split('\n').forEach((line, index) => {
      for (const { name, pattern } of LAYOUT_NAMES) {
        if (pattern.test(line)) found.push(`${relative(ROOT, join(ROOT, file)).split(sep).join('/')}:${index + 1}: ${name} (use src/node/runFolder/layout.ts)`);
      }
    });
  }
  assert.deepEqual(found, []);
});

test('the check itself sees a spelled name in code and ignores one in a comment', () => {
  const code = withoutComments(["const a = join(folder, 'run.json'); // events.jsonl", '/** samples.jsonl */', "const b = resolve(f, '..', '..');", 'const c = `${root}/.quantlens/runs`;', "const d = /x\\.quantlens\\.ya?ml/; const e = env.quantlens;"].join('\n')).split('\n');
  const hits = (line: string) => LAYOUT_NAMES.filter((n) => n.pattern.test(line)).map((n) => n.name);
  assert.deepEqual(code.map(hits), [['run.json'], [], ["'..', '..'"], ['.quantlens'], []]);
});

test('the layout module itself still holds every name (the check guards something)', () => {
  const text = readFileSync(join(ROOT, LAYOUT_MODULE), 'utf8');
  for (const { name, pattern } of LAYOUT_NAMES) if (name !== "'..', '..'") assert.match(withoutComments(text), pattern, name);
});
