import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AutoTokenizer, env } from '@huggingface/transformers';
import type * as ort from 'onnxruntime-node';
import { readRun, readSamples } from '../../src/node/runFolder/reader';
import type { RunCard, SampleRecord, UnitResult } from '../../src/shared/report/schema';
import { checkRuns, comparabilityWarnings } from '../../src/shared/report/comparability';
import { sampleKeyOf } from '../../src/worker/passes/generationPass';
import { logProbabilities, openSession, readDecoderConfig } from '../helpers/bruteForce';
import { addChatTemplate, copyModel, runCli, runWorker, TEST_THREADS, testRequest, withTempDir } from '../helpers/engineRun';
import { FIXTURE_ROOT, TINY_LLAMA } from '../helpers/fixtures';
import { logitsOf } from '../helpers/forward';
import type { RunRequest } from '../../src/shared/protocol';

env.allowRemoteModels = false;
env.localModelPath = FIXTURE_ROOT + '/';

const MAX_NEW_TOKENS = 8;
const PROMPTS = ['The river runs through', 'The fox lives in'];
// A template that puts the BOS in itself, as Llama-style chat templates do.
const TEMPLATE = "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|> {{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|> {% endif %}";
/** What TEMPLATE renders for one user message, written out by hand (no jinja). */
const rendered = (prompt: string): string => `<s><|user|> ${prompt}\n<|assistant|> `;
const EOS = 2;

interface Run {
  card: RunCard;
  results: UnitResult[];
  samples: SampleRecord[];
}

let scratch = '';
let chatModel = '';
let promptsFile = '';
let auto: Run;
let off: Run;
let session: ort.InferenceSession;
let tokenizer: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
const config = readDecoderConfig(TINY_LLAMA);

async function evaluate(overrides: Partial<RunRequest>, out: string): Promise<Run> {
  const run = await runWorker(testRequest(chatModel, { measures: ['generation'], variants: ['fp32', 'q8'], maxNewTokens: MAX_NEW_TOKENS, contextLength: 128, promptsFile, ...overrides }), out);
  assert.equal(run.outcome.done?.status, 'completed', JSON.stringify(run.messages.filter((m) => m.type === 'error')));
  const { card, results } = readRun(run.outcome.runFolder!);
  return { card, results, samples: readSamples(run.outcome.runFolder!) };
}

/** Greedy decoding by plain full forwards (no KV cache), stopping at EOS: independent of the engine's decode loop. */
async function independentGreedy(promptIds: number[]): Promise<number[]> {
  const tokens: number[] = [];
  while (tokens.length < MAX_NEW_TOKENS) {
    const sequence = [...promptIds, ...tokens];
    const { logits } = await logitsOf(session, config, sequence);
    const row = logits.subarray((sequence.length - 1) * config.vocab_size, sequence.length * config.vocab_size);
    let best = 0;
    for (let v = 1; v < row.length; v++) if (row[v]! > row[best]!) best = v;
    tokens.push(best);
    if (best === EOS) break;
  }
  return tokens;
}

/** −ln P_base(token) for each generated token, teacher-forced after `promptIds`. */
async function teacherForcedNll(promptIds: number[], generated: number[]): Promise<number[]> {
  const { logits } = await logitsOf(session, config, [...promptIds, ...generated.slice(0, -1)]);
  return generated.map((token, j) => -logProbabilities(logits, (promptIds.length - 1 + j) * config.vocab_size, config.vocab_size)[token]!);
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ql-chat-prompts-'));
  chatModel = copyModel(TINY_LLAMA, scratch, 'chat-llama');
  addChatTemplate(chatModel, TEMPLATE);
  promptsFile = join(scratch, 'prompts.txt');
  writeFileSync(promptsFile, PROMPTS.join('\n') + '\n');
  tokenizer = await AutoTokenizer.from_pretrained('quantlens-tiny-llama');
  session = await openSession(join(TINY_LLAMA, 'onnx', 'model.onnx'), TEST_THREADS);
  // The request leaves chatTemplate out: the worker's default is auto, as the CLI's and the settings' are.
  auto = await evaluate({}, join(scratch, 'auto'));
  off = await evaluate({ chatTemplate: 'off' }, join(scratch, 'off'));
});

after(async () => {
  await session?.release();
  rmSync(scratch, { recursive: true, force: true });
});

test('auto with a template: each prompt is rendered as a user turn, generated from and teacher-forced under the baseline as rendered', async () => {
  const sha = createHash('sha256').update(readFileSync(join(chatModel, 'tokenizer_config.json'))).digest('hex');
  assert.deepEqual(auto.card.spec.chatTemplate, { requested: 'auto', applied: true, source: 'tokenizer_config.json', sha256: sha, performancePrompts: 'raw' });
  assert.equal(auto.card.spec.modelFiles?.tokenizerConfig?.sha256, sha, 'the same hash as the model files record');
  assert.equal(auto.samples.length, PROMPTS.length * 2);
  for (const s of auto.samples) {
    const prompt = PROMPTS[s.promptIndex]!;
    assert.equal(s.prompt, prompt, 'the raw prompt, for display');
    assert.equal(s.input, rendered(prompt), 'the rendered input');
    assert.equal(s.sampleKey, sampleKeyOf(prompt, MAX_NEW_TOKENS, rendered(prompt)));
    // The rendered text carries its BOS: tokenized without adding another.
    const ids = tokenizer.encode(rendered(prompt), { add_special_tokens: false }) as number[];
    assert.equal(ids[0], 1, 'the template’s <s> is the BOS token');
    assert.notEqual(ids[1], 1, 'and only one');
    if (s.variantId === 'fp32') assert.deepEqual(s.tokenIds, await independentGreedy(ids), `"${prompt}" greedy from the rendered prompt`);
    const nll = await teacherForcedNll(ids, s.tokenIds);
    nll.forEach((x, j) => assert.ok(Math.abs(s.baselineNll![j]! - x) <= 1e-4, `${s.variantId} "${prompt}" token ${j}: ${s.baselineNll![j]} vs ${x}`));
  }
  const fp32 = auto.samples.filter((s) => s.variantId === 'fp32');
  const raw = off.samples.filter((s) => s.variantId === 'fp32');
  assert.ok(fp32.some((s, i) => JSON.stringify(s.tokenIds) !== JSON.stringify(raw[i]!.tokenIds)), 'the template changes some generation, or the test proves little');
  assert.ok(auto.card.methods.some((m) => m.includes("rendered as one user message through the model's chat template (tokenizer_config.json")), auto.card.methods.join('\n'));
});

test('off: the prompts go in raw (BOS added by the tokenizer), their keys as before the setting existed', async () => {
  assert.deepEqual(off.card.spec.chatTemplate, { requested: 'off', applied: false, source: 'tokenizer_config.json', sha256: auto.card.spec.chatTemplate!.sha256, performancePrompts: 'raw' });
  for (const s of off.samples) {
    const prompt = PROMPTS[s.promptIndex]!;
    assert.equal(s.input, undefined);
    assert.equal(s.sampleKey, sampleKeyOf(prompt, MAX_NEW_TOKENS));
    assert.notEqual(s.sampleKey, auto.samples.find((a) => a.promptIndex === s.promptIndex)!.sampleKey, 'a rendered input is another sample');
    if (s.variantId === 'fp32') assert.deepEqual(s.tokenIds, await independentGreedy(tokenizer.encode(prompt) as number[]), `"${prompt}" greedy from the raw prompt`);
  }
});

test('the comparability checklist warns when two runs differ in whether the chat template applied', () => {
  const warnings = comparabilityWarnings(checkRuns(auto.card, auto.results, off.card, off.results));
  const chat = warnings.filter((w) => w.startsWith('Chat template — differs between the runs: '));
  assert.equal(chat.length, 1, warnings.join('\n'));
  assert.match(chat[0]!, /run A .*chatTemplate\.applied true.*chatTemplate\.requested "auto".* vs run B .*chatTemplate\.applied false.*chatTemplate\.requested "off"/);
  assert.deepEqual(comparabilityWarnings(checkRuns(auto.card, auto.results, auto.card, auto.results)), []);
});

test('on: chat_template.jinja applies (and is recorded as the source); a model without any template exits 2 naming tokenizer_config.json', async () => {
  await withTempDir('ql-chat-on-', async (dir) => {
    const jinjaModel = copyModel(TINY_LLAMA, dir, 'jinja-llama');
    writeFileSync(join(jinjaModel, 'chat_template.jinja'), TEMPLATE);
    const run = await runWorker(testRequest(jinjaModel, { measures: ['generation'], variants: ['fp32'], maxNewTokens: MAX_NEW_TOKENS, contextLength: 128, promptsFile, chatTemplate: 'on' }), join(dir, 'out'));
    assert.equal(run.outcome.done?.status, 'completed', JSON.stringify(run.messages.filter((m) => m.type === 'error')));
    const card = readRun(run.outcome.runFolder!).card;
    const sha = createHash('sha256').update(TEMPLATE).digest('hex');
    assert.deepEqual(card.spec.chatTemplate, { requested: 'on', applied: true, source: 'chat_template.jinja', sha256: sha, performancePrompts: 'raw' });
    assert.deepEqual(readSamples(run.outcome.runFolder!).map((s) => s.input), PROMPTS.map(rendered));

    const cli = await runCli(['eval', TINY_LLAMA, '--chat-template', 'on', '--measure', 'generation', '--prompts', promptsFile, '--threads', '2', '--provider', 'cpu', '--out', dir]);
    assert.equal(cli.code, 2, cli.stderr);
    assert.ok(
      cli.stderr.includes(
        `error: ${join(TINY_LLAMA, 'tokenizer_config.json')}: The chat template is required (--chat-template / quantlens.chatTemplate on), but the model folder ${TINY_LLAMA} has none: ` +
          'tokenizer_config.json has no chat_template and there is no chat_template.jinja. ' +
          "Use auto or off to feed the prompts raw, or add the model's chat template (the chat_template entry of its tokenizer_config.json, or chat_template.jinja) from the original export.",
      ),
      cli.stderr,
    );
  });
});

test('the prompt-vs-context check counts the rendered prompt: one that fits raw but not rendered is refused', async () => {
  await withTempDir('ql-chat-limit-', async (dir) => {
    const prompts = join(dir, 'prompts.txt');
    writeFileSync(prompts, ['# one prompt', PROMPTS[0]!].join('\n'));
    const rawTokens = (tokenizer.encode(PROMPTS[0]!) as number[]).length;
    const renderedTokens = (tokenizer.encode(rendered(PROMPTS[0]!), { add_special_tokens: false }) as number[]).length;
    const context = rawTokens + MAX_NEW_TOKENS;
    assert.ok(renderedTokens + MAX_NEW_TOKENS > context, `${renderedTokens} rendered tokens must not fit a context of ${context}`);
    const cli = await runCli(['eval', chatModel, '--context', String(context), '--stride', '8', '--max-new-tokens', String(MAX_NEW_TOKENS), '--threads', '2', '--provider', 'cpu', '--measure', 'generation', '--prompts', prompts, '--out', dir]);
    assert.equal(cli.code, 2, cli.stderr);
    assert.ok(
      cli.stderr.includes(
        `error: ${prompts}:2: Prompt 1 is ${renderedTokens} tokens as the chat template renders it; with ${MAX_NEW_TOKENS} new tokens it is longer than the context of ${context} ` +
          `(the context setting, --context / quantlens.contextLength; the model's own max_position_embeddings (${join(chatModel, 'config.json')}) is 1024). ` +
          'Shorten the prompt, lower the new tokens (--max-new-tokens / quantlens.maxNewTokens), or raise the context (up to 1024). ' +
          'The chat template adds tokens of its own: off (--chat-template / quantlens.chatTemplate) feeds the prompts raw.',
      ),
      cli.stderr,
    );
    // Raw, the same prompt fits the same context: the check passes and the run goes on.
    const raw = await runCli(['eval', chatModel, '--context', String(context), '--stride', '8', '--max-new-tokens', String(MAX_NEW_TOKENS), '--threads', '2', '--provider', 'cpu', '--measure', 'generation', '--variants', 'fp32', '--prompts', prompts, '--out', dir, '--chat-template', 'off']);
    assert.equal(raw.code, 0, raw.stderr);
  });
});
