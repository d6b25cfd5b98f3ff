import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { buildSync } from 'esbuild';
import { ANNOTATIONS_FILE, AnnotationStore, modelFolderKey, parseAnnotationsText } from '../../src/node/annotations/annotationStore';
import { JsonSyntaxError, parseJsonWithPaths } from '../../src/node/jsonFile';
import { createAnnotation } from '../../src/shared/annotations/sampleAnnotations';
import type { Annotation, AnnotationsFile } from '../../src/shared/annotations/types';
import { isInputError } from '../../src/shared/errors';

const T0 = '2026-01-01T00:00:00.000Z';
const OUTPUT = ' the town. The children came to the town.';
const temps: string[] = [];
let storeBundle = '';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ql-annotations-'));
  temps.push(dir);
  return dir;
}

function annotation(id: string, extra: Partial<Annotation> = {}): Annotation {
  return { ...createAnnotation({ id, modelFolder: 'models/tiny', variantId: 'q4', sampleKey: 'abc123', output: OUTPUT, range: { start: 15, end: 23 }, category: 'repetition', note: `note ${id}`, author: 'ana', at: T0 }), ...extra };
}

before(() => {
  // Child processes load the store the extension and the CLI bundle, built from the same source.
  const dir = workspace();
  storeBundle = join(dir, 'store.js');
  buildSync({ entryPoints: [resolve('src/node/annotations/annotationStore.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: storeBundle, logLevel: 'warning' });
});

after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Runs `script` in a fresh node with `store` = the bundled module and `args`; resolves with its exit code or signal and output. */
function child(script: string, args: unknown): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, ['-e', `const store = require(${JSON.stringify(storeBundle)}); const args = ${JSON.stringify(args)};\n${script}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stderr, stdout });
    });
  });
}

function filesIn(root: string): string[] {
  return readdirSync(join(root, '.quantlens')).sort();
}

test('load: missing, then ok after a write; the file is 2-space JSON in canonical order and reads back the same', async () => {
  const root = workspace();
  const store = new AnnotationStore(root);
  assert.equal(store.path, join(root, ANNOTATIONS_FILE));
  assert.deepEqual(store.load(), { state: 'missing' });
  const written = await store.apply([{ type: 'add', annotation: annotation('b', { range: { start: 30, end: 34 }, quotedText: 'to t' }) }, { type: 'add', annotation: annotation('a') }]);
  assert.equal(written.written, true);
  assert.deepEqual(written.results.map((r) => r.applied), [true, true]);
  const loaded = store.load();
  assert.equal(loaded.state, 'ok');
  if (loaded.state !== 'ok') return;
  assert.deepEqual(loaded.file, written.file);
  assert.deepEqual(loaded.file.annotations.map((a) => a.id), ['a', 'b'], 'sorted by range');
  const text = readFileSync(store.path, 'utf8');
  assert.match(text, /^\{\n {2}"schemaVersion": "1\.0\.0",\n {2}"annotations": \[\n {4}\{\n {6}"id": "a",\n {6}"modelFolder": "models\/tiny",/);
  assert.deepEqual(filesIn(root), ['annotations.json'], 'no lock or temporary file left behind');
  const none = await store.apply({ type: 'delete', id: 'nope' });
  assert.equal(none.written, false, 'an operation that changes nothing does not rewrite the file');
});

test('bad file: a syntax error on line 7 is reported with file and line; apply refuses and the file stays byte-identical', async () => {
  const root = workspace();
  mkdirSync(join(root, '.quantlens'));
  const store = new AnnotationStore(root);
  const lines = [
    '{',
    '  "schemaVersion": "1.0.0",',
    '  "annotations": [',
    '    {',
    '      "id": "a",',
    '      "note": "hand edited"',
    '      "category": "repetition"',
    '    }',
    '  ],',
    '  "dismissedFlags": []',
    '}',
  ];
  const bad = lines.join('\r\n') + '\r\n';
  writeFileSync(store.path, bad);
  const loaded = store.load();
  assert.equal(loaded.state, 'broken');
  if (loaded.state !== 'broken') return;
  assert.ok(isInputError(loaded.error));
  assert.equal(loaded.error.file, store.path);
  assert.equal(loaded.error.line, 7);
  assert.equal(loaded.error.column, 7);
  assert.match(loaded.error.problem, /^is not valid JSON: Expected ',' or '\}' after a property value but found "\\"". ?$/);
  assert.match(loaded.error.remedy, /^Fix the JSON syntax there\. .*kept as it is.*new annotations wait until you fix it or move it aside/);
  assert.ok(loaded.error.message.startsWith(`${store.path}:7:7: is not valid JSON: `), loaded.error.message);

  await assert.rejects(store.apply({ type: 'add', annotation: annotation('new') }), (error: unknown) => isInputError(error) && error.line === 7);
  assert.equal(readFileSync(store.path, 'utf8'), bad, 'never overwritten');
  assert.deepEqual(filesIn(root), ['annotations.json'], 'lock released');

  // Moved aside: writes go on in a fresh file; the bad one is still there for the user.
  const aside = `${store.path}.bad`;
  writeFileSync(aside, readFileSync(store.path));
  rmSync(store.path);
  await store.apply({ type: 'add', annotation: annotation('new') });
  assert.equal(store.load().state, 'ok');
  assert.equal(readFileSync(aside, 'utf8'), bad);
});

test('bad file: structure errors name the field and its line; a newer schema major and duplicate ids are refused; other syntax errors have lines', () => {
  const file = '/ws/.quantlens/annotations.json';
  const valid = (extra: Partial<Annotation> = {}): AnnotationsFile => ({ schemaVersion: '1.0.0', annotations: [annotation('a'), annotation('b', extra)], dismissedFlags: [] });
  const broken = (text: string) => {
    const r = parseAnnotationsText(file, text);
    assert.equal(r.state, 'broken', text.slice(0, 80));
    return r.state === 'broken' ? r.error : assert.fail();
  };
  const negative = JSON.stringify(valid({ range: { start: -1, end: 3 } }), null, 2);
  const e1 = broken(negative);
  assert.match(e1.problem, /^annotations\[1\]\.range\.start must be 0 or more\.$/);
  assert.equal(e1.line, negative.split('\n').findIndex((l) => l.includes('"start": -1')) + 1);

  const status = JSON.stringify(valid({ status: 'done' as never }), null, 2);
  const e2 = broken(status);
  assert.match(e2.problem, /^annotations\[1\]\.status must be "open" or "resolved"\.$/);
  assert.equal(e2.line, status.split('\n').findIndex((l) => l.includes('"status": "done"')) + 1);

  const missing = valid();
  delete (missing.annotations[1] as Partial<Annotation>).sampleKey;
  const missingText = JSON.stringify(missing, null, 2);
  const e3 = broken(missingText);
  assert.match(e3.problem, /^annotations\[1\]\.sampleKey is missing\.$/);
  const secondObjectLine = missingText.split('\n').findIndex((l, i, all) => l === '    {' && all.slice(0, i).some((x) => x === '    {')) + 1;
  assert.equal(e3.line, secondObjectLine, 'a missing field: the line its object starts on');

  const reversed = JSON.stringify(valid({ range: { start: 9, end: 3 } }), null, 2);
  assert.match(broken(reversed).problem, /^annotations\[1\]\.range\.end must not be before start\.$/);
  assert.match(broken(JSON.stringify({ ...valid(), schemaVersion: '2.0.0' })).problem, /newer than this QuantLens understands/);
  assert.match(broken(JSON.stringify({ ...valid(), annotations: [annotation('a'), annotation('a')] })).problem, /annotations\[1\]\.id "a" is also the id of annotations\[0\]/);
  assert.match(broken(JSON.stringify({ annotations: [] })).problem, /^schemaVersion is missing\.$/);
  assert.match(broken('[]').problem, /^The file is invalid/);

  const trailingComma = '{\n  "schemaVersion": "1.0.0",\n  "annotations": [],\n}\n';
  assert.equal(broken(trailingComma).line, 4);
  assert.equal(broken('{\n  "schemaVersion": "1.0.0",\n  "annotations": [\n').line, 4, 'cut short: the end of the file');
  assert.equal(broken('').line, 1);
  assert.equal(broken('{"a": "line\nbreak"}').line, 1);
});

test('unknown categories, flag kinds and fields are kept through load and write; optional fields get defaults', async () => {
  const root = workspace();
  mkdirSync(join(root, '.quantlens'));
  const store = new AnnotationStore(root);
  const handWritten = {
    schemaVersion: '1.2.0',
    annotations: [{ ...annotation('a', { category: 'hallucinated-citation', origin: { flag: 'future-flag-kind' } }), reviewedBy: 'bo' }],
    dismissedFlags: [{ modelFolder: 'models/tiny', variantId: 'q4', sampleKey: 'abc123', flag: 'another-future-kind' }],
    writtenBy: 'a newer QuantLens',
  };
  const minimal = { id: 'm', modelFolder: '', variantId: 'q8', sampleKey: 'k', range: { start: 0, end: 0 }, quotedText: '', outputHash: 'x', category: 'other', status: 'open', author: '', createdAt: T0, updatedAt: T0 };
  handWritten.annotations.push(minimal as never);
  writeFileSync(store.path, JSON.stringify(handWritten));
  await store.apply({ type: 'add', annotation: annotation('b') });
  const loaded = store.load();
  assert.equal(loaded.state, 'ok');
  if (loaded.state !== 'ok') return;
  const a = loaded.file.annotations.find((x) => x.id === 'a')! as Annotation & { reviewedBy?: string };
  assert.equal(a.category, 'hallucinated-citation');
  assert.deepEqual(a.origin, { flag: 'future-flag-kind' });
  assert.equal(a.reviewedBy, 'bo');
  const m = loaded.file.annotations.find((x) => x.id === 'm')!;
  assert.deepEqual([m.note, m.replies, m.origin], ['', [], 'human']);
  assert.deepEqual(loaded.file.dismissedFlags.map((d) => d.flag), ['another-future-kind']);
  assert.equal((loaded.file as AnnotationsFile & { writtenBy?: string }).writtenBy, 'a newer QuantLens');
  assert.equal(loaded.file.schemaVersion, '1.2.0', 'a newer minor version is kept, not downgraded');
});

test('atomic write: a writer killed between writing the temporary file and the rename leaves the old file intact; the next writer goes on', async () => {
  const root = workspace();
  const store = new AnnotationStore(root);
  await store.apply({ type: 'add', annotation: annotation('kept') });
  const before = readFileSync(store.path, 'utf8');

  const crashed = await child(
    `const s = new store.AnnotationStore(args.root, { beforeRename: () => process.kill(process.pid, 'SIGKILL') });
     s.apply({ type: 'add', annotation: args.annotation }).then(() => console.log('not killed'));`,
    { root, annotation: annotation('lost') },
  );
  assert.equal(crashed.signal, 'SIGKILL', crashed.stderr + crashed.stdout);
  assert.equal(readFileSync(store.path, 'utf8'), before, 'the file is exactly as before the crash');
  assert.equal(store.load().state, 'ok');
  const left = filesIn(root);
  assert.ok(left.includes('annotations.json.lock'), `the dead writer's lock is still there: ${left}`);
  const temp = left.find((f) => f.startsWith('annotations.json.tmp-'));
  assert.ok(temp, `the finished temporary file is still there: ${left}`);
  assert.ok(readFileSync(join(root, '.quantlens', temp), 'utf8').includes('"lost"'));

  // The lock's process is gone: the next writer breaks it at once rather than waiting 10 s.
  const started = Date.now();
  const next = await new AnnotationStore(root).apply({ type: 'add', annotation: annotation('after') });
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  assert.deepEqual(next.file.annotations.map((a) => a.id).sort(), ['after', 'kept']);
  assert.ok(!filesIn(root).includes('annotations.json.lock'));
  // A temporary file older than the stale age is cleaned up by a later write.
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(root, '.quantlens', temp), old, old);
  await store.apply({ type: 'delete', id: 'after' });
  assert.deepEqual(filesIn(root), ['annotations.json']);
});

test('atomic write: a failing rename (injected) leaves the old file intact, removes the temporary file and releases the lock', async () => {
  const root = workspace();
  await new AnnotationStore(root).apply({ type: 'add', annotation: annotation('kept') });
  const before = readFileSync(join(root, ANNOTATIONS_FILE), 'utf8');
  const failing = new AnnotationStore(root, {
    beforeRename: () => {
      throw Object.assign(new Error('EIO: simulated failure'), { code: 'EIO' });
    },
  });
  await assert.rejects(failing.apply({ type: 'add', annotation: annotation('lost') }), /simulated failure/);
  assert.equal(readFileSync(join(root, ANNOTATIONS_FILE), 'utf8'), before);
  assert.deepEqual(filesIn(root), ['annotations.json']);
});

test('concurrent writers: 4 processes adding 25 annotations each at once lose none of the 100', async () => {
  const root = workspace();
  const store = new AnnotationStore(root);
  await store.apply({ type: 'add', annotation: annotation('seed') });
  const startAt = Date.now() + 400;
  const runs = await Promise.all(
    [0, 1, 2, 3].map((w) =>
      child(
        `const s = new store.AnnotationStore(args.root);
         while (Date.now() < args.startAt) {}
         (async () => {
           for (let i = 0; i < 25; i++) {
             const a = { ...args.template, id: 'w' + args.w + '-' + i, note: 'writer ' + args.w + ' #' + i, range: { start: i, end: i + 1 }, quotedText: 'x' };
             const r = await s.apply({ type: 'add', annotation: a });
             if (!r.written) throw new Error('not written: ' + JSON.stringify(r.results));
           }
         })().catch((e) => { console.error(e); process.exit(1); });`,
        { root, startAt, w, template: annotation('template') },
      ),
    ),
  );
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const loaded = store.load();
  assert.equal(loaded.state, 'ok');
  if (loaded.state !== 'ok') return;
  const ids = loaded.file.annotations.map((a) => a.id);
  assert.equal(ids.length, 101);
  assert.equal(new Set(ids).size, 101);
  for (let w = 0; w < 4; w++) for (let i = 0; i < 25; i++) assert.ok(ids.includes(`w${w}-${i}`), `w${w}-${i}`);
  assert.deepEqual(filesIn(root), ['annotations.json']);
});

test('lock: a live writer\'s lock is waited for, then apply gives up with the lock file named; a stale one (older than 10 s) is broken', async () => {
  const root = workspace();
  const store = new AnnotationStore(root, { lockTimeoutMs: 300 });
  await store.apply({ type: 'add', annotation: annotation('a') });
  const before = readFileSync(store.path, 'utf8');
  // Another machine's lock (a shared folder): its process cannot be checked, only its age.
  writeFileSync(store.lockPath, JSON.stringify({ pid: 1, hostname: 'elsewhere', token: 't', at: T0 }));
  await assert.rejects(store.apply({ type: 'add', annotation: annotation('b') }), (error: unknown) => isInputError(error) && error.file === store.lockPath && /delete the lock file/.test(error.remedy));
  assert.equal(readFileSync(store.path, 'utf8'), before);
  assert.ok(existsSync(store.lockPath), 'a fresh lock of another writer is not removed');
  const old = new Date(Date.now() - 11_000);
  utimesSync(store.lockPath, old, old);
  const result = await store.apply({ type: 'add', annotation: annotation('b') });
  assert.deepEqual(result.file.annotations.map((a) => a.id), ['a', 'b']);
  assert.ok(!existsSync(store.lockPath));
});

test('modelFolderKey: relative to the workspace root with / separators', () => {
  assert.equal(modelFolderKey('/ws', '/ws/models/tiny'), 'models/tiny');
  assert.equal(modelFolderKey('/ws', '/ws/models/tiny/'), 'models/tiny');
  assert.equal(modelFolderKey('/ws', '/ws'), '');
  assert.equal(modelFolderKey('/ws', 'models/tiny'), 'models/tiny');
  assert.equal(modelFolderKey('/ws', '/elsewhere/model'), '/elsewhere/model', 'outside the workspace: absolute');
});

test('parseJsonWithPaths: the line of each value by path, and of the first syntax error', () => {
  const text = '{\n  "a": [\n    1,\n    {"b": true}\n  ],\n  "c": "x"\n}';
  const scan = parseJsonWithPaths(text);
  assert.deepEqual(scan.value, JSON.parse(text));
  assert.equal(scan.lineOfPath(['a']), 2);
  assert.equal(scan.lineOfPath(['a', 1, 'b']), 4);
  assert.equal(scan.lineOfPath(['c']), 6);
  assert.equal(scan.lineOfPath(['zzz']), undefined);
  for (const [bad, line] of [['{"a": 01}', 1], ['{\n"a": tru}', 2], ['{\n\n"a": "\\x"}', 3], ['[1,\n2,\n]', 3], ['{} x', 1], ['"\\u12G4"', 1]] as const) {
    assert.throws(() => parseJsonWithPaths(bad), (e: unknown) => e instanceof JsonSyntaxError && e.line === line, bad);
    assert.throws(() => JSON.parse(bad), SyntaxError, `JSON.parse agrees ${bad} is invalid`);
  }
});
