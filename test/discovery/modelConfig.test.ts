import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { v8ErrorPosition } from '../../src/node/jsonFile';
import { readModelConfig } from '../../src/node/modelConfig';
import { TINY_CONFIG, tempDir, writeModelFolder } from './support/modelFolders';

test('a complete config.json is summarised under its own key names', async (t) => {
  const folder = writeModelFolder(tempDir(t));
  assert.deepEqual(await readModelConfig(folder), { config: TINY_CONFIG, problems: [] });
});

test('num_key_value_heads falls back to num_attention_heads', async (t) => {
  const { num_key_value_heads: _omitted, ...withoutKvHeads } = TINY_CONFIG;
  const folder = writeModelFolder(tempDir(t), { config: withoutKvHeads });
  const { config } = await readModelConfig(folder);
  assert.equal(config.num_key_value_heads, TINY_CONFIG.num_attention_heads);
});

test('config.json that is not JSON is reported with the line of the fault', async (t) => {
  const folder = writeModelFolder(tempDir(t), { config: '{\n  "model_type": "llama",\n  "vocab_size": 100,\n}\n' });
  const { problems } = await readModelConfig(folder);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].file, join(folder, 'config.json'));
  assert.equal(problems[0].line, 4);
  assert.equal(problems[0].column, 1);
  assert.match(problems[0].problem, /is not valid JSON: Expected a double-quoted property name but found "\}"\./);
  assert.match(problems[0].remedy, /^Fix the JSON syntax there \(or copy config\.json from the model's source again, or re-export the model\)\.$/);
});

test('missing required keys are listed by name, and wrong values say what was expected', async (t) => {
  const folder = writeModelFolder(tempDir(t), { config: { model_type: 'llama', vocab_size: 'many', hidden_size: 64 } });
  const { config, problems } = await readModelConfig(folder);
  assert.deepEqual(config, { model_type: 'llama', hidden_size: 64 });
  assert.equal(problems.length, 2);
  assert.match(problems[0].problem, /lacks required keys: num_hidden_layers, num_attention_heads\./);
  assert.match(problems[1].problem, /vocab_size \("many", expected a positive integer\)/);
});

test('a missing config.json, or one that is a JSON array, is a problem, not a throw', async (t) => {
  const dir = tempDir(t);
  const missing = await readModelConfig(writeModelFolder(join(dir, 'a'), { config: null }));
  assert.match(missing.problems[0].problem, /is missing/);
  const array = await readModelConfig(writeModelFolder(join(dir, 'b'), { config: '[1, 2]' }));
  assert.match(array.problems[0].problem, /is not a JSON object/);
});

test('v8ErrorPosition reads V8\'s position, line, or end-of-input messages', () => {
  const text = '{\n"a": 1,\n"b": }\n';
  assert.equal(v8ErrorPosition(text, 'Unexpected token } in JSON at position 15').line, 3);
  assert.deepEqual(v8ErrorPosition(text, 'Unexpected token (line 2 column 3)'), { offset: 4, line: 2, column: 3 });
  assert.equal(v8ErrorPosition('{\n"a":\n', 'Unexpected end of JSON input').line, 2);
});
