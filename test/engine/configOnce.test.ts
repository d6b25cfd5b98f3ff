import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { copyModel, runCli, withTempDir } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';

// The run reads config.json once, through discovery's summary; a config.json it cannot read stops
// the run before any model loads, with discovery's problem (file and line), as bad input.
test('a config.json that is not JSON stops the run as bad input naming config.json and the line (CLI exit 2)', async () => {
  await withTempDir('ql-config-once-', async (dir) => {
    const model = copyModel(TINY_LLAMA, dir, 'broken-config');
    const configFile = join(model, 'config.json');
    writeFileSync(configFile, '{\n  "model_type": "llama",\n  "vocab_size": 100,\n}\n');
    const cli = await runCli(['eval', model, '--context', '64', '--measure', 'fidelity', '--threads', '2', '--provider', 'cpu', '--out', dir]);
    assert.equal(cli.code, 2, cli.stderr);
    assert.ok(cli.stderr.includes(`error: ${configFile}:4:1: is not valid JSON: Expected a double-quoted property name`), cli.stderr);
  });
});
