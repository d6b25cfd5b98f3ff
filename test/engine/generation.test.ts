import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { readRun, readSamples } from '../../src/node/runFolder/reader';
import type { RunReport, SampleRecord } from '../../src/shared/report/schema';
import { assertClose, logProbabilities, openSession, readDecoderConfig, tokenFacts } from '../helpers/bruteForce';
import { DEMO_PROMPTS, runWorker, TEST_THREADS, testRequest, withTempDir } from '../helpers/engineRun';
import { FIXTURE_MODELS, FIXTURE_ROOT } from '../helpers/fixtures';
import { logitsOf } from '../helpers/forward';

env.allowRemoteModels = false;
env.localModelPath = FIXTURE_ROOT + '/';

const MAX_NEW_TOKENS = 16;
const DTYPES = ['fp32', 'fp16', 'q8', 'q4'] as const;
const FILES: Record<string, string> = { fp32: 'model.onnx', fp16: 'model_fp16.onnx', q8: 'model_quantized.onnx', q4: 'model_q4.onnx' };

function firstDifference(a: readonly number[], b: readonly number[]): number | null {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return null;
}

for (const folder of FIXTURE_MODELS) {
  const id = basename(folder);

  test(`${id}: generations match transformers.js greedy generate per dtype; per-token arrays, first divergence and teacher-forced KLD are right`, async () => {
    const { report, samples } = await withTempDir('ql-generation-', async (out) => {
      const run = await runWorker(testRequest(folder, { measures: ['generation'], maxNewTokens: MAX_NEW_TOKENS, contextLength: 128 }), out);
      assert.equal(run.outcome.done?.status, 'completed', JSON.stringify(run.messages.filter((m) => m.type === 'error')));
      return { report: readRun(run.outcome.runFolder!).report as RunReport, samples: readSamples(run.outcome.runFolder!) };
    });
    const prompts = readFileSync(DEMO_PROMPTS, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    const byVariant = new Map<string, SampleRecord[]>();
    for (const s of samples) byVariant.set(s.variantId, [...(byVariant.get(s.variantId) ?? []), s]);
    for (const dtype of DTYPES) {
      const list = byVariant.get(dtype) ?? [];
      assert.deepEqual(list.map((s) => s.promptIndex), prompts.map((_, i) => i), `${dtype}: one sample per prompt, in order`);
    }
    const baseline = byVariant.get('fp32')!;
    const EOS = (JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as { eos_token_id: number }).eos_token_id;

    // Shape of every sample; baseline samples compare with themselves.
    for (const s of samples) {
      const n = s.tokenIds.length;
      assert.ok(n >= 1 && n <= MAX_NEW_TOKENS, `${s.variantId}#${s.promptIndex}: ${n} tokens`);
      assert.equal(s.kld.length, n, `${s.variantId}#${s.promptIndex}: kld per token`);
      assert.equal(s.deltaP.length, n, `${s.variantId}#${s.promptIndex}: Δp per token`);
      assert.equal(s.tokenTexts.length, n, `${s.variantId}#${s.promptIndex}: text per token`);
      assert.equal(s.tokenTexts.join(''), s.output, `${s.variantId}#${s.promptIndex}: token texts add up to the output`);
      assert.equal(s.prompt, prompts[s.promptIndex]);
      if (s.stoppedBy === 'eos') assert.equal(s.tokenIds[n - 1], EOS, `${s.variantId}#${s.promptIndex}: stopped at EOS`);
      else assert.equal(n, MAX_NEW_TOKENS, `${s.variantId}#${s.promptIndex}: fewer tokens than asked only at EOS`);
      if (s.firstDivergence !== null) assert.ok(s.firstDivergence >= 0 && s.firstDivergence < n, `firstDivergence ${s.firstDivergence} of ${n}`);
      const base = baseline[s.promptIndex]!;
      if (s.variantId === 'fp32') {
        assert.ok(s.kld.every((k) => k === 0) && s.deltaP.every((d) => d === 0), 'baseline against itself: all zero');
        assert.equal(s.firstDivergence, null);
      } else {
        // With identical prefixes the baseline's teacher-forced argmax is its own greedy token, so the
        // first divergence is exactly where the token ids first differ.
        assert.equal(s.firstDivergence, firstDifference(s.tokenIds, base.tokenIds), `${s.variantId}#${s.promptIndex}: ${JSON.stringify(s.tokenIds)} vs ${JSON.stringify(base.tokenIds)}`);
        if (s.output === base.output) assert.equal(s.firstDivergence, null);
      }
    }
    for (const dtype of DTYPES) {
      const result = report.variants.find((v) => v.id === dtype)!.generation!;
      const list = byVariant.get(dtype)!;
      assert.equal(result.samples, prompts.length);
      assert.equal(result.differsFromBaseline, list.filter((s) => s.firstDivergence !== null).length);
    }
    assert.ok(byVariant.get('q4')!.some((s) => s.firstDivergence !== null), 'q4 diverges somewhere, or the comparison proves little');

    // Our decode loop and KV cache against transformers.js's own generate, per dtype.
    const tokenizer = await AutoTokenizer.from_pretrained(id);
    for (const dtype of DTYPES) {
      const model = await AutoModelForCausalLM.from_pretrained(id, { dtype, device: 'cpu' });
      try {
        for (const [i, prompt] of prompts.entries()) {
          const inputs = tokenizer(prompt);
          const promptLength = (inputs.input_ids as unknown as { dims: number[] }).dims[1]!;
          const generated = (await model.generate({ ...inputs, max_new_tokens: MAX_NEW_TOKENS, do_sample: false })) as unknown as { tolist(): bigint[][] };
          const expected = generated.tolist()[0]!.slice(promptLength).map(Number);
          const sample = byVariant.get(dtype)![i]!;
          assert.deepEqual(sample.tokenIds, expected, `${dtype} "${prompt}"`);
          assert.equal(sample.output, tokenizer.decode(expected, { skip_special_tokens: true }));
        }
      } finally {
        await model.dispose();
      }
    }

    // The q4 samples' per-token KLD and Δp, teacher-forced through plain sessions.
    const config = readDecoderConfig(folder);
    const V = config.vocab_size;
    const baseSession = await openSession(join(folder, 'onnx', FILES.fp32!), TEST_THREADS);
    const q4Session = await openSession(join(folder, 'onnx', FILES.q4!), TEST_THREADS);
    for (const s of byVariant.get('q4')!) {
      const promptIds = tokenizer.encode(s.prompt) as number[];
      const sequence = [...promptIds, ...s.tokenIds.slice(0, -1)];
      const p = (await logitsOf(baseSession, config, sequence)).logits;
      const q = (await logitsOf(q4Session, config, sequence)).logits;
      s.tokenIds.forEach((token, j) => {
        const row = (promptIds.length - 1 + j) * V;
        const facts = tokenFacts(logProbabilities(p, row, V), logProbabilities(q, row, V), token);
        assertClose(s.kld[j]!, Math.max(facts.kld, 0), `q4#${s.promptIndex} token ${j} KLD`);
        assertClose(s.deltaP[j]!, facts.deltaP, `q4#${s.promptIndex} token ${j} Δp`, 1e-6, 1e-9);
      });
    }
  });
}
