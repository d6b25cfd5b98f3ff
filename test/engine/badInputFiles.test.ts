import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunReport } from '../../src/shared/report/schema';
import { loadTokenizer } from '../../src/worker/backend/tokenizer';
import { copyModel, DEMO_CORPUS, runCli, withTempDir } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';

/** CLI flags for a quick run; the corpus and prompts default to the bundled demo files. */
const QUICK = ['--context', '64', '--stride', '32', '--max-new-tokens', '8', '--threads', '2', '--provider', 'cpu'];
const EXIT = { ok: 0, badInput: 2 };

test('CLI: a config.json with a syntax error exits 2 naming config.json:LINE:COLUMN and what to do', async () => {
  await withTempDir('ql-bad-config-', async (dir) => {
    const model = copyModel(TINY_LLAMA, dir, 'model');
    const config = join(model, 'config.json');
    writeFileSync(config, readFileSync(config, 'utf8').replace(/\n\}\s*$/, ',\n    }\n'));
    const lines = readFileSync(config, 'utf8').split('\n');
    const cli = await runCli(['eval', model, ...QUICK, '--measure', 'fidelity', '--out', dir]);
    assert.equal(cli.code, EXIT.badInput, cli.stderr);
    assert.ok(
      cli.stderr.includes(`error: ${config}:${lines.length - 1}:5: is not valid JSON: Expected a double-quoted property name but found "}". Fix the JSON syntax there (or copy config.json from the model's source again, or re-export the model).`),
      cli.stderr,
    );
  });
});

test('a tokenizer.json or tokenizer_config.json that transformers.js cannot parse is placed at FILE:LINE:COLUMN', async () => {
  await withTempDir('ql-bad-tokenizer-', async (dir) => {
    const model = copyModel(TINY_LLAMA, dir, 'model');
    const tokenizerConfig = join(model, 'tokenizer_config.json');
    writeFileSync(tokenizerConfig, '{\n  "model_max_length": 64\n  "eos_token": "</s>"\n}\n');
    await assert.rejects(loadTokenizer(model, undefined), {
      name: 'InputError',
      message: `${tokenizerConfig}:3:3: is not valid JSON: Expected ',' or '}' after a property value but found "\\"". Fix the JSON syntax there (or copy the tokenizer files from the model export again).`,
    });

    // tokenizer.json (tens of MB in real models) is checked first, and only after the failure.
    const tokenizer = join(model, 'tokenizer.json');
    writeFileSync(tokenizer, readFileSync(tokenizer, 'utf8').replace(/\}\s*$/, ',]'));
    const lines = readFileSync(tokenizer, 'utf8').split('\n');
    const where = `${tokenizer}:${lines.length}:${lines.at(-1)!.length}: `;
    await assert.rejects(loadTokenizer(model, undefined), (error: unknown) => {
      assert.ok(error instanceof Error && error.message.startsWith(`${where}is not valid JSON: Expected a double-quoted property name but found "]". `), String(error));
      return true;
    });
  });
});

/** The demo corpus with two bytes that are not UTF-8 (0xC3 0x28: a lead byte without its continuation) after its first 3000 bytes. */
function corpusWithBadBytes(dir: string): { file: string; offset: number } {
  const text = readFileSync(DEMO_CORPUS);
  const offset = 3000;
  const file = join(dir, 'corpus.bin');
  writeFileSync(file, Buffer.concat([text.subarray(0, offset), Buffer.from([0xc3, 0x28]), text.subarray(offset)]));
  return { file, offset };
}

test('CLI: a corpus that is not valid UTF-8 is a warning naming the file and byte offset, in the output and the run', async () => {
  await withTempDir('ql-bad-utf8-', async (dir) => {
    const { file, offset } = corpusWithBadBytes(dir);
    const message = `${file}: not valid UTF-8 at byte ${offset} (0xC3 0x28 0x6E 0x73 …); decoded with replacement characters, so its scores mean little. Save it as UTF-8 text (--strict refuses such files).`;
    const cli = await runCli(['eval', TINY_LLAMA, ...QUICK, '--measure', 'fidelity', '--variants', 'q8', '--corpus', file, '--out', dir, '--json'], undefined, 120_000);
    assert.equal(cli.code, EXIT.ok, cli.stderr);
    assert.ok(cli.stderr.includes(`warning: ${message}`), cli.stderr);
    const report = JSON.parse(cli.stdout) as RunReport;
    assert.ok(report.warnings.includes(message), `report.json warnings: ${JSON.stringify(report.warnings)}`);
  });
});

test('CLI --strict: a corpus or prompt file that is not valid UTF-8 is refused (exit 2) with the same message', async () => {
  await withTempDir('ql-strict-utf8-', async (dir) => {
    const { file, offset } = corpusWithBadBytes(dir);
    const corpus = await runCli(['eval', TINY_LLAMA, ...QUICK, '--measure', 'fidelity', '--corpus', file, '--out', dir, '--strict']);
    assert.equal(corpus.code, EXIT.badInput, corpus.stderr);
    assert.ok(corpus.stderr.includes(`error: ${file}: not valid UTF-8 at byte ${offset} (0xC3 0x28 0x6E 0x73 …); decoded with replacement characters, so its scores mean little. Save it as UTF-8 text (--strict refuses such files).`), corpus.stderr);

    const prompts = join(dir, 'prompts.txt');
    writeFileSync(prompts, Buffer.concat([Buffer.from('The river runs through\nThe old man'), Buffer.from([0xff]), Buffer.from(' sits\n')]));
    const cli = await runCli(['eval', TINY_LLAMA, ...QUICK, '--measure', 'generation', '--prompts', prompts, '--out', dir, '--strict']);
    assert.equal(cli.code, EXIT.badInput, cli.stderr);
    assert.ok(cli.stderr.includes(`error: ${prompts}: not valid UTF-8 at byte 34 (0xFF 0x20 0x73 0x69 …);`), cli.stderr);
  });
});
