import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { corpusCodeBleu } from '../../src/node/codebleu/index';

// dist-test/codebleu/ → the repository root; the bundled CLI loads the wasm files from dist/tree-sitter/.
const CLI = resolve(__dirname, '..', '..', 'dist', 'cli.js');

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const HYP = ['def f ( a ) :    return a + 1', 'def g ( x ) :    return x'];
const REF = ['def f ( a ) :    return a', 'def g ( y ) :    return y * 2'];

test('quantlens score --metric codebleu: CodeXGLUE line files and JSONL give the corpus CodeBLEU of the library', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quantlens-codebleu-'));
  try {
    writeFileSync(join(dir, 'hyp.txt'), HYP.join('\n') + '\n');
    writeFileSync(join(dir, 'ref.txt'), REF.join('\n') + '\n');
    writeFileSync(join(dir, 'items.jsonl'), HYP.map((p, i) => JSON.stringify({ prediction: p, references: [REF[i]] })).join('\n') + '\n');
    const expected = await corpusCodeBleu(HYP, REF.map((r) => [r]), 'python');
    for (const args of [
      ['--predictions', join(dir, 'hyp.txt'), '--references', join(dir, 'ref.txt')],
      ['--input', join(dir, 'items.jsonl')],
    ]) {
      const r = run(['score', '--metric', 'codebleu', '--language', 'python', '--json', ...args]);
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { corpus: { value: number; details: Record<string, number> }; items: unknown[] };
      assert.equal(report.items.length, 2);
      assert.ok(Math.abs(report.corpus.value - expected.codebleu) < 1e-12);
      assert.ok(Math.abs(report.corpus.details.syntaxMatch! - expected.syntaxMatch) < 1e-12);
    }
    const noLanguage = run(['score', '--metric', 'codebleu', '--input', join(dir, 'items.jsonl')]);
    assert.equal(noLanguage.status, 2);
    assert.match(noLanguage.stderr, /codebleu needs --language python\|javascript/);
    writeFileSync(join(dir, 'short.txt'), `${REF[0]}\n`);
    const short = run(['score', '--metric', 'codebleu', '--language', 'python', '--predictions', join(dir, 'hyp.txt'), '--references', join(dir, 'short.txt')]);
    assert.equal(short.status, 2);
    assert.match(short.stderr, /short\.txt: has 1 lines but .*hyp\.txt has 2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
