import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { JsonSyntaxError, parseJson, parseJsonWithLines, readJsonFile } from '../../src/node/jsonFile';
import { isInputError } from '../../src/shared/errors';

function withFile(name: string, content: string, use: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'ql-json-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, content);
    use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('readJsonFile: a syntax error is an InputError at FILE:LINE:COLUMN saying what to do', () => {
  withFile('config.json', '{\n  "model_type": "llama",\n    }\n', (file) => {
    assert.throws(() => readJsonFile(file, 'Fix the JSON syntax there (or re-export the model).'), (error: unknown) => {
      assert.ok(isInputError(error));
      assert.equal(error.file, file);
      assert.equal(error.line, 3);
      assert.equal(error.column, 5);
      assert.equal(error.message, `${file}:3:5: is not valid JSON: Expected a double-quoted property name but found "}". Fix the JSON syntax there (or re-export the model).`);
      return true;
    });
  });
  withFile('cut.json', '{"a": [1, 2', (file) => {
    assert.throws(() => readJsonFile(file, 'R.'), { message: `${file}:1:12: is not valid JSON: Expected ',' or ']' after an array element but found the end of the file. R.` });
  });
  withFile('bom.json', '\ufeff{"a": 1}', (file) => assert.deepEqual(readJsonFile(file, 'R.'), { a: 1 }));
  assert.throws(() => readJsonFile('/nonexistent/x.json', 'R.'), (error: unknown) => isInputError(error) && /does not exist/.test(error.problem));
});

test('parseJson: the JSON.parse value, or a placed JsonSyntaxError (columns count from 1, CRLF lines too)', () => {
  assert.deepEqual(parseJson('{"__proto__": 1, "b": [true, null]}'), JSON.parse('{"__proto__": 1, "b": [true, null]}'));
  for (const [text, line, column] of [['{\r\n  "a": 1,\r\n  "b": }', 3, 8], ['[1,]', 1, 4], ['{"a": "x\ny"}', 1, 9], ['  ', 1, 3], ['{"a": 1} {}', 1, 10]] as const) {
    assert.throws(() => parseJson(text), (e: unknown) => e instanceof JsonSyntaxError && e.line === line && e.column === column, JSON.stringify(text));
  }
});

test('parseJsonWithLines: the line each object and array starts on', () => {
  const { value, lineOf } = parseJsonWithLines('[\n  {"a": 1},\n\n  {"b": [\n 2]}\n]');
  const rows = value as Array<Record<string, unknown>>;
  assert.equal(lineOf.get(rows), 1);
  assert.equal(lineOf.get(rows[0]!), 2);
  assert.equal(lineOf.get(rows[1]!), 4);
  assert.equal(lineOf.get(rows[1]!.b as object), 4);
});
