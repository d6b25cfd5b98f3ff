import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../src/node/atomicWrite';
import { allRunsGlob, rootOfRunFolder, runFile, runFilesGlob, runFolderOf, runsFolderOf } from '../../src/node/runFolder/layout';

test('the run folder layout: <root>/.quantlens/runs/<runId>/ with its four files, and back to the root', () => {
  const root = join(tmpdir(), 'ws');
  assert.equal(runsFolderOf(root), join(root, '.quantlens', 'runs'));
  const folder = runFolderOf(root, '20260101T000000Z-m-12345678');
  assert.equal(folder, join(root, '.quantlens', 'runs', '20260101T000000Z-m-12345678'));
  assert.equal(rootOfRunFolder(folder), root);
  assert.deepEqual(['card', 'events', 'samples', 'report'].map((r) => runFile(folder, r as 'card')), ['run.json', 'events.jsonl', 'samples.jsonl', 'report.json'].map((n) => join(folder, n)));
  assert.equal(runFilesGlob(['events', 'report', 'samples']), '{events.jsonl,report.json,samples.jsonl}');
  assert.equal(allRunsGlob(['card', 'report']), '**/.quantlens/runs/*/{run.json,report.json}');
});

test('writeFileAtomic: the old file stays whole until the synced temporary file replaces it; nothing is left behind', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ql-atomic-'));
  try {
    const file = join(folder, 'sub', 'f.json');
    writeFileAtomic(file, 'old\n');
    let seen: { temp: string; current: string } | undefined;
    writeFileAtomic(file, 'new\n', { beforeRename: (temp) => (seen = { temp: readFileSync(temp, 'utf8'), current: readFileSync(file, 'utf8') }) });
    assert.deepEqual(seen, { temp: 'new\n', current: 'old\n' });
    assert.equal(readFileSync(file, 'utf8'), 'new\n');
    assert.deepEqual(readdirSync(join(folder, 'sub')), ['f.json']);
    // A failure before the rename leaves the old file and removes the temporary one.
    assert.throws(() => writeFileAtomic(file, 'lost\n', { beforeRename: () => { throw new Error('crash'); } }), /crash/);
    assert.equal(readFileSync(file, 'utf8'), 'new\n');
    assert.deepEqual(readdirSync(join(folder, 'sub')), ['f.json']);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
