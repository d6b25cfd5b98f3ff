import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { readRun } from '../../src/node/runFolder/reader';
import type { RunReport } from '../../src/shared/report/schema';
import { planWindows } from '../../src/shared/windows';
import { assertClose, expectedLockstep, logProbabilities, mean, openSession, percentile, readDecoderConfig, scoredPositions, TokenFacts, tokenFacts, windowLogits } from '../helpers/bruteForce';
import { DEMO_CORPUS, runWorker, TEST_THREADS, testRequest, withTempDir } from '../helpers/engineRun';
import { FIXTURE_MODELS, FIXTURE_ROOT } from '../helpers/fixtures';

env.allowRemoteModels = false;
env.localModelPath = FIXTURE_ROOT + '/';

const CONTEXT = 64;
const STRIDE = 32;
const VARIANT_FILES: Record<string, string> = { fp16: 'model_fp16.onnx', q8: 'model_quantized.onnx', q4: 'model_q4.onnx' };
/** llama.cpp's percentile labels, as the report keys them. */
const KLD_PERCENTILES: Record<string, number> = { '99.9': 0.999, '99': 0.99, '95': 0.95, '90': 0.9, '50': 0.5, '10': 0.1, '5': 0.05, '1': 0.01, '0.1': 0.001 };

for (const folder of FIXTURE_MODELS) {
  const id = basename(folder);

  test(`${id}: lockstep KLD, Δp, same-top and NLL equal a brute-force full-logits computation on the same windows; PPL = exp(mean NLL)`, async () => {
    const report = await withTempDir('ql-lockstep-', async (out) => {
      const run = await runWorker(testRequest(folder, { measures: ['fidelity'], contextLength: CONTEXT, stride: STRIDE }), out);
      assert.equal(run.outcome.done?.status, 'completed', JSON.stringify(run.messages.filter((m) => m.type === 'error')));
      return readRun(run.outcome.runFolder!).report as RunReport;
    });

    // The same token stream and windows, from transformers.js and the window planner.
    const tokenizer = await AutoTokenizer.from_pretrained(id);
    const tokens = tokenizer.encode(readFileSync(DEMO_CORPUS, 'utf8')) as number[];
    const windows = planWindows(tokens.length, { kind: 'sliding', contextLength: CONTEXT, stride: STRIDE });
    assert.ok(windows.length >= 10, `only ${windows.length} windows`);
    const positions = scoredPositions(tokens, windows);
    assert.equal(positions.length, tokens.length - 1, 'every token but the first is scored exactly once');

    const config = readDecoderConfig(folder);
    const V = config.vocab_size;
    const logPs = (logits: Float32Array[]): Float64Array[] => positions.map((p) => logProbabilities(logits[p.window]!, p.row * V, V));
    const base = logPs(await windowLogits(await openSession(join(folder, 'onnx', 'model.onnx'), TEST_THREADS), config, tokens, windows));

    // 2. The baseline's perplexity unit: exp of the mean NLL of an independent forward loop.
    const nll = positions.map((p, i) => -base[i]![p.target]!);
    const baseline = report.variants.find((v) => v.isBaseline)!;
    assert.equal(baseline.id, 'fp32');
    assert.equal(baseline.perplexity!.tokens, positions.length);
    assertClose(baseline.perplexity!.meanNll.value, mean(nll), 'baseline mean NLL');
    assertClose(baseline.perplexity!.tokenPerplexity.value, Math.exp(mean(nll)), 'baseline perplexity');

    // 1. Every variant in lockstep with the baseline.
    for (const [variantId, file] of Object.entries(VARIANT_FILES)) {
      const variantLogits = await windowLogits(await openSession(join(folder, 'onnx', file), TEST_THREADS), config, tokens, windows);
      const variant = logPs(variantLogits);
      const facts: TokenFacts[] = positions.map((p, i) => tokenFacts(base[i]!, variant[i]!, p.target));
      const expected = expectedLockstep(facts);
      const summary = report.variants.find((v) => v.id === variantId);
      assert.ok(summary?.kld, `${variantId} has no KLD in the report`);
      const kld = summary.kld;
      const what = (name: string): string => `${id} ${variantId} ${name}`;
      assert.equal(kld.tokens, expected.tokens, what('tokens'));
      assertClose(kld.kld.mean, expected.kldMean, what('KLD mean'));
      assertClose(kld.kld.max, expected.kldMax, what('KLD max'));
      assertClose(kld.kld.min, Math.max(expected.kldMin, 0), what('KLD min'));
      for (const [label, fraction] of Object.entries(KLD_PERCENTILES)) {
        assertClose(kld.kld.percentiles[label]!, percentile(expected.kld, fraction), what(`KLD p${label}`));
      }
      assertClose(kld.reverseKld.mean, expected.reverseKldMean, what('reverse KLD mean'));
      assertClose(kld.deltaP.mean, expected.deltaPMean, what('Δp mean'), 1e-6, 1e-9);
      assertClose(kld.deltaP.percentiles['50']!, percentile(expected.deltaP, 0.5), what('Δp median'), 1e-6, 1e-9);
      assertClose(kld.rmsDeltaP.value, expected.rmsDeltaP, what('RMS Δp'));
      assert.equal(kld.sameTop.value, expected.sameTop, what('same top'));
      assertClose(kld.meanNllBase.mean, expected.meanNllBase, what('mean NLL base'));
      assertClose(kld.meanNllVariant.mean, expected.meanNllVariant, what('mean NLL variant'));
      assertClose(kld.pplVariant.value, Math.exp(expected.meanNllVariant), what('PPL variant'));
      assertClose(summary.perplexity!.tokenPerplexity.value, Math.exp(expected.meanNllVariant), what('variant perplexity'));
      assertClose(summary.deltaPerplexity!.value, Math.exp(expected.meanNllVariant) - Math.exp(mean(nll)), what('ΔPPL'));
      // Sanity of the fixture itself: fewer bits means more divergence.
      assert.ok(expected.kldMean > 0, what('KLD is positive'));
    }
    const kldOf = (v: string): number => report.variants.find((s) => s.id === v)!.kld!.kld.mean;
    assert.ok(kldOf('fp16') < kldOf('q8') && kldOf('q8') < kldOf('q4'), `KLD order fp16 < q8 < q4: ${kldOf('fp16')}, ${kldOf('q8')}, ${kldOf('q4')}`);
  });
}
