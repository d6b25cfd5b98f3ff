import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isInputError, InputError } from '../../src/shared/errors';
import { parseCsv } from '../../src/worker/datasets/csv';
import { readCsv, readDatasetFile, readJson, readJsonl, readParquet } from '../../src/worker/datasets/readers';
import { EXAMPLES, tempDir } from './paths';

/** Runs `fn`, expects an InputError naming `file` at `line`, returns it. */
async function expectInputError(fn: () => Promise<unknown>, file: string, line: number | undefined, pattern: RegExp): Promise<InputError> {
  try {
    await fn();
  } catch (error) {
    assert.ok(isInputError(error), `expected an InputError, got ${String(error)}`);
    assert.equal(error.file, file);
    assert.equal(error.line, line, `line in: ${error.message}`);
    assert.match(error.message, pattern);
    return error;
  }
  assert.fail('expected an InputError');
}

function withFiles(files: Record<string, string | Buffer>, fn: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir('readers');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return fn(dir).finally(cleanup);
}

test('JSONL: records with their line numbers; blank lines, CRLF and a BOM are fine', async () => {
  await withFiles({ 'a.jsonl': '\ufeff{"q": "x"}\r\n\n{"q": "東京 😀"}\n' }, async (dir) => {
    const records = await readJsonl(join(dir, 'a.jsonl'));
    assert.deepEqual(records.map((r) => [r.fields.q, r.source.line, r.source.unit]), [['x', 1, 'line'], ['東京 😀', 3, 'line']]);
  });
  const hellaswag = await readDatasetFile(join(EXAMPLES, 'data/hellaswag/validation.jsonl'));
  assert.equal(hellaswag.length, 6);
  assert.equal(hellaswag[2]!.source.line, 3);
});

test('JSONL: a broken line or a non-object line is an InputError with file and line', async () => {
  await withFiles({ 'bad.jsonl': '{"q": 1}\n{"q": 2,}\n', 'arr.jsonl': '{"q": 1}\n\n[1, 2]\n' }, async (dir) => {
    await expectInputError(() => readJsonl(join(dir, 'bad.jsonl')), join(dir, 'bad.jsonl'), 2, /bad\.jsonl:2:9: line 2 is not valid JSON: Expected a double-quoted property name but found "\}"\. Fix the JSON syntax there/);
    await expectInputError(() => readJsonl(join(dir, 'arr.jsonl')), join(dir, 'arr.jsonl'), 3, /line 3 is an array, not a JSON object/);
  });
});

test('JSON: arrays, {"data": [...]} and the official SQuAD nesting, each record with its line', async () => {
  await withFiles(
    {
      'array.json': '[\n  {"a": 1},\n  {"a": 2}\n]',
      'data.json': '{"version": 2, "data": [\n{"a": 1},\n\n{"a": 2}]}',
    },
    async (dir) => {
      assert.deepEqual((await readJson(join(dir, 'array.json'))).map((r) => [r.fields.a, r.source.line]), [[1, 2], [2, 3]]);
      assert.deepEqual((await readJson(join(dir, 'data.json'))).map((r) => [r.fields.a, r.source.line]), [[1, 2], [2, 4]]);
    },
  );
  const squad = await readJson(join(EXAMPLES, 'data/squad/dev-v1.1.json'));
  assert.equal(squad.length, 6);
  assert.deepEqual(squad[0]!.fields.answers, { text: ['4.6 billion years ago', '4.6 billion years'], answer_start: [24, 24] });
  assert.equal(squad[0]!.fields.title, 'Solar_System');
  assert.equal(squad[0]!.source.line, 10, 'the line of the question object');
});

test('JSON: syntax errors and non-record content name file and line', async () => {
  await withFiles(
    {
      'syntax.json': '[\n  {"a": 1},\n  {"a": 2\n  {"a": 3}\n]',
      'scalar.json': '[\n {"a": 1},\n 7\n]',
      'none.json': '{"a": 1, "b": 2}',
    },
    async (dir) => {
      await expectInputError(() => readJson(join(dir, 'syntax.json')), join(dir, 'syntax.json'), 4, /syntax\.json:4:3: is not valid JSON: Expected ',' or '\}' after a property value but found "\{"\. Fix the JSON syntax there/);
      await expectInputError(() => readJson(join(dir, 'scalar.json')), join(dir, 'scalar.json'), 1, /record 2 is a number/);
      await expectInputError(() => readJson(join(dir, 'none.json')), join(dir, 'none.json'), 1, /holds no list of records/);
    },
  );
});

test('CSV (RFC 4180): quoted commas, doubled quotes, line breaks inside quotes, CRLF; records keep their first line', async () => {
  const rows = parseCsv('a,b\r\n"x, y","say ""hi"""\r\n"multi\nline",2\r\n\r\nlast,""\n');
  assert.deepEqual(rows.map((r) => [r.values, r.line]), [
    [['a', 'b'], 1],
    [['x, y', 'say "hi"'], 2],
    [['multi\nline', '2'], 3],
    [['last', ''], 6],
  ]);
  const sst2 = await readCsv(join(EXAMPLES, 'data/glue/sst2/validation.csv'));
  assert.equal(sst2.length, 8);
  assert.equal(sst2[4]!.fields.sentence, 'the "twist" ending is so obvious that it barely registers .');
  assert.equal(sst2[5]!.fields.sentence, 'a gorgeous, witty, seductive movie .\n(and the soundtrack is great)');
  assert.deepEqual(sst2.map((r) => r.source.line), [2, 3, 4, 5, 6, 7, 9, 10]);
});

test('CSV: unterminated quotes, stray quotes, text after a quote and ragged rows are errors with the line', async () => {
  await withFiles(
    {
      'open.csv': 'a,b\n1,2\n"never closed,3\n4,5\n',
      'stray.csv': 'a,b\n1,x"y\n',
      'after.csv': 'a,b\n"x"y,2\n',
      'ragged.csv': 'a,b\n1,2\n3\n',
      'header.csv': 'a,a\n1,2\n',
      'empty.csv': '',
    },
    async (dir) => {
      const f = (n: string): string => join(dir, n);
      await expectInputError(() => readCsv(f('open.csv')), f('open.csv'), 3, /quoted field that opens on line 3 is never closed/);
      await expectInputError(() => readCsv(f('stray.csv')), f('stray.csv'), 2, /quote inside an unquoted field/);
      await expectInputError(() => readCsv(f('after.csv')), f('after.csv'), 2, /unexpected text after a closing quote/);
      await expectInputError(() => readCsv(f('ragged.csv')), f('ragged.csv'), 3, /record on line 3 has 1 fields, the header has 2/);
      await expectInputError(() => readCsv(f('header.csv')), f('header.csv'), 1, /names column "a" twice/);
      await expectInputError(() => readCsv(f('empty.csv')), f('empty.csv'), 1, /is empty/);
    },
  );
});

test('Parquet: a damaged file is an InputError naming it; unknown extensions and missing files too', async () => {
  await withFiles({ 'broken.parquet': Buffer.from('PAR1 not really parquet PAR1'), 'data.txt': 'x' }, async (dir) => {
    await expectInputError(() => readParquet(join(dir, 'broken.parquet')), join(dir, 'broken.parquet'), undefined, /is not a readable Parquet file/);
    await expectInputError(() => readDatasetFile(join(dir, 'data.txt')), join(dir, 'data.txt'), undefined, /not a dataset format/);
    await expectInputError(() => readJsonl(join(dir, 'missing.jsonl')), join(dir, 'missing.jsonl'), undefined, /does not exist/);
  });
  const mmlu = await readParquet(join(EXAMPLES, 'data/mmlu/all/test-00000-of-00001.parquet'));
  assert.equal(mmlu.length, 8);
  assert.deepEqual(mmlu[0]!.source, { file: join(EXAMPLES, 'data/mmlu/all/test-00000-of-00001.parquet'), line: 1, unit: 'row' });
  assert.equal(typeof mmlu[0]!.fields.answer, 'number', 'INT64 arrives as a plain number');
});
