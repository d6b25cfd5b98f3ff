import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { copyModel, runCli, withTempDir } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';

const QUICK = ['--stride', '32', '--max-new-tokens', '8', '--threads', '2', '--provider', 'cpu', '--measure', 'generation'];
const LONG_PROMPT = 'The old man sits on the bench '.repeat(12).trim();

/** A copy of the tiny Llama whose config.json states `maxPositions` as max_position_embeddings. */
function modelWithPositions(dir: string, maxPositions: number): { model: string; configFile: string } {
  const model = copyModel(TINY_LLAMA, dir, `llama-${maxPositions}`);
  const configFile = join(model, 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(configFile, JSON.stringify({ ...config, max_position_embeddings: maxPositions }, null, 2));
  return { model, configFile };
}

/** Runs generation on a model stating `maxPositions`, under `--context context`, with a long prompt on line 4: it must be refused. */
async function refusedLongPrompt(dir: string, maxPositions: number, context: number): Promise<{ stderr: string; prompts: string; configFile: string; tokens: number }> {
  const { model, configFile } = modelWithPositions(dir, maxPositions);
  const prompts = join(dir, 'prompts.txt');
  writeFileSync(prompts, ['The river runs through', '', '# a comment', LONG_PROMPT, 'The fox lives in'].join('\n'));
  const cli = await runCli(['eval', model, '--context', String(context), ...QUICK, '--prompts', prompts, '--out', dir]);
  assert.equal(cli.code, 2, cli.stderr);
  const tokens = Number(/Prompt 2 is (\d+) tokens/.exec(cli.stderr)?.[1]);
  assert.ok(tokens + 8 > Math.min(context, maxPositions) && tokens + 8 <= Math.max(context, maxPositions), cli.stderr);
  return { stderr: cli.stderr, prompts, configFile, tokens };
}

test('a prompt longer than the context setting says so, names the file and line, and states the model’s own limit too', async () => {
  await withTempDir('ql-prompt-context-', async (dir) => {
    const { stderr, prompts, configFile, tokens } = await refusedLongPrompt(dir, 1024, 64);
    assert.ok(
      stderr.includes(
        `error: ${prompts}:4: Prompt 2 is ${tokens} tokens; with 8 new tokens it is longer than the context of 64 ` +
          `(the context setting, --context / quantlens.contextLength; the model's own max_position_embeddings (${configFile}) is 1024). ` +
          'Shorten the prompt, lower the new tokens (--max-new-tokens / quantlens.maxNewTokens), or raise the context (up to 1024).',
      ),
      stderr,
    );
  });
});

test('a prompt longer than the model’s max_position_embeddings, under a larger context setting, names that limit and config.json', async () => {
  await withTempDir('ql-prompt-positions-', async (dir) => {
    const { stderr, prompts, configFile, tokens } = await refusedLongPrompt(dir, 48, 128);
    assert.ok(
      stderr.includes(
        `error: ${prompts}:4: Prompt 2 is ${tokens} tokens; with 8 new tokens it is longer than the model's own limit of 48 tokens ` +
          `(max_position_embeddings in ${configFile}); the context setting (--context / quantlens.contextLength) of 128 is larger, but the model has no positions past 48. ` +
          'Shorten the prompt or lower the new tokens (--max-new-tokens / quantlens.maxNewTokens).',
      ),
      stderr,
    );
  });
});
