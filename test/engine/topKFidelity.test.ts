import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { inspectModelFolder } from '../../src/node/discovery';
import type { LockstepUnitResult, PerplexityUnitResult } from '../../src/shared/report/schema';
import { logSoftmaxRow } from '../../src/shared/stats/partialKld';
import type { ModelBackend, NextTokenScores, TextTokenizer } from '../../src/worker/backend/modelBackend';
import { runGenerationPass } from '../../src/worker/passes/generationPass';
import { choiceLogLikelihoods, rollingLogLikelihood } from '../../src/worker/passes/taskPass';
import { OnnxDecoderBackend } from '../../src/worker/backend/onnxBackend';
import { loadTokenizer } from '../../src/worker/backend/tokenizer';
import { tokenizeCorpus, TokenizedCorpus } from '../../src/worker/inputs/corpus';
import { runLockstepPass, runPerplexityPass } from '../../src/worker/passes/corpusPasses';
import { LockstepScorer } from '../../src/worker/scoring/lockstepScorer';
import { scoreBatch } from '../../src/worker/scoring/scoreBatch';
import { DEMO_CORPUS, TEST_THREADS } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';
import { TopKBackend } from '../helpers/topKBackend';

/** A full backend that hands out float64 log-probabilities (what a server returning the whole vocabulary gives) instead of float32 logits. */
class LogprobBackend implements ModelBackend {
  readonly distributions = { kind: 'full' } as const;
  readonly executionProvider = 'served';
  constructor(private readonly inner: ModelBackend) {}
  get variantId(): string {
    return this.inner.variantId;
  }
  get vocabSize(): number {
    return this.inner.vocabSize;
  }
  async forward(tokens: readonly number[]): Promise<NextTokenScores> {
    const scores = await this.inner.forward(tokens);
    const V = this.vocabSize;
    const out = new Float64Array(scores.length);
    for (let i = 0; i < tokens.length; i++) out.set(logSoftmaxRow(scores, i * V, V), i * V);
    return out;
  }
  generateGreedy: ModelBackend['generateGreedy'] = (p, o) => this.inner.generateGreedy(p, o);
  async dispose(): Promise<void> {}
}

const never = (): boolean => false;
const quiet = (): void => undefined;
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** A served model with no prompt log-probabilities (llama.cpp server): it only generates. */
class GenerateOnlyBackend extends LogprobBackend {
  override readonly distributions = { kind: 'none', reason: 'http://127.0.0.1:9/v1 (llama.cpp server) returns log-probabilities of generated tokens only' } as never;
  override forward(): Promise<NextTokenScores> {
    throw new Error('forward must not be called on a backend without log-probabilities');
  }
}

async function setup(): Promise<{ corpus: TokenizedCorpus; fp32: OnnxDecoderBackend; q4: OnnxDecoderBackend; tokenizer: TextTokenizer }> {
  const folder = await inspectModelFolder(TINY_LLAMA);
  const tokenizer = await loadTokenizer(TINY_LLAMA, 2);
  const corpus = tokenizeCorpus(DEMO_CORPUS, readFileSync(DEMO_CORPUS, 'utf8'), tokenizer, { kind: 'sliding', contextLength: 64, stride: 32 });
  const load = (id: string): Promise<OnnxDecoderBackend> =>
    OnnxDecoderBackend.load({ modelFolder: TINY_LLAMA, variant: folder.variants.find((v) => v.id === id)!, executionProvider: 'cpu', threads: { intraOp: TEST_THREADS, interOp: 1 }, eosTokenIds: [] });
  return { corpus, fp32: await load('fp32'), q4: await load('q4'), tokenizer };
}

test('top-20 served variant on the tiny llama: PPL from target logprobs equals the full PPL, the KLD lower bound ≤ the exact lockstep KLD (gap printed), Δp / same-top / NLL exact', async () => {
  const { corpus, fp32, q4 } = await setup();
  try {
    // Perplexity: the top-k path reads only the actual tokens' log-probabilities.
    const fullPpl = (await runPerplexityPass(q4, corpus, quiet, never)) as PerplexityUnitResult;
    const topPpl = (await runPerplexityPass(new TopKBackend(q4, 20), corpus, quiet, never)) as PerplexityUnitResult;
    assert.ok(rel(topPpl.perplexity.tokenPerplexity.value, fullPpl.perplexity.tokenPerplexity.value) <= 1e-12, `PPL ${topPpl.perplexity.tokenPerplexity.value} vs ${fullPpl.perplexity.tokenPerplexity.value}`);
    assert.equal(topPpl.perplexity.tokens, fullPpl.perplexity.tokens);
    assert.deepEqual(topPpl.windowTotals!.tokens, fullPpl.windowTotals!.tokens);

    const exact = (await runLockstepPass(fp32, q4, corpus, quiet, never)) as LockstepUnitResult;
    assert.equal(exact.kld.bound, undefined, 'the full path stays exact and says nothing of bounds');
    const served = new TopKBackend(q4, 20);
    const bound = (await runLockstepPass(fp32, served, corpus, quiet, never)) as LockstepUnitResult;
    assert.equal(served.calls, corpus.windows.length, 'one prompt-logprobs request per window');
    const b = bound.kld;
    const e = exact.kld;
    assert.equal(b.bound, 'lower');
    assert.equal(b.tokens, e.tokens);
    assert.ok(b.kld.mean <= e.kld.mean, `mean bound ${b.kld.mean} > exact ${e.kld.mean}`);
    assert.ok(b.kld.max <= e.kld.max + 1e-12 && b.reverseKld.mean <= e.reverseKld.mean, 'max and reverse are bounds too');
    for (const [label, exactValue] of Object.entries(e.kld.percentiles)) assert.ok(b.kld.percentiles[label]! <= exactValue + 1e-12, `KLD p${label}: bound ${b.kld.percentiles[label]} > exact ${exactValue}`);
    bound.windowTotals!.kld!.forEach((k, w) => assert.ok(k <= exact.windowTotals!.kld![w]! + 1e-9, `window ${w}: Σ bound ${k} > Σ exact ${exact.windowTotals!.kld![w]}`));
    assert.ok(b.kld.mean > 0, 'the bound is informative');
    // The exact figures stay exact.
    assert.ok(rel(bound.perplexity.tokenPerplexity.value, exact.perplexity.tokenPerplexity.value) <= 1e-12, 'variant PPL');
    assert.ok(rel(b.meanNllBase.mean, e.meanNllBase.mean) <= 1e-12, 'base NLL');
    assert.ok(Math.abs(b.deltaP.mean - e.deltaP.mean) <= 1e-9, `Δp mean ${b.deltaP.mean} vs ${e.deltaP.mean}`);
    assert.ok(Math.abs(b.rmsDeltaP.value - e.rmsDeltaP.value) <= 1e-9, 'RMS Δp');
    assert.equal(b.sameTop.value, e.sameTop.value, 'same top');
    const t = b.topK!;
    assert.deepEqual([t.k, t.baseK, t.variantK], [20, null, 20]);
    assert.deepEqual(t.askedIds, { tokens: b.tokens, returned: b.tokens, honoured: true }, 'every asked id came back');
    assert.equal(t.sameTopDecided, b.tokens);
    assert.ok(t.sharedIds.min >= 20 && t.baseTailMass.mean > 0 && t.baseTailMass.max <= 1 && t.baseTailMass.max >= t.baseTailMass.mean);
    console.log(`# top-20 KLD bound on tiny-llama q4: ${b.kld.mean.toExponential(4)} ≤ exact ${e.kld.mean.toExponential(4)} nats (gap ${(e.kld.mean - b.kld.mean).toExponential(3)}, ${((100 * b.kld.mean) / e.kld.mean).toFixed(1)}% of it), mean tail p_T ${(100 * t.baseTailMass.mean).toFixed(2)}% (max ${(100 * t.baseTailMass.max).toFixed(1)}%), |S| ${t.sharedIds.mean.toFixed(1)}`);

    // A server that ignores the asked ids: S is only its own top-k, the bound is no higher (a coarser partition) and the report says so.
    const deaf = (await runLockstepPass(fp32, new TopKBackend(q4, 20, false), corpus, quiet, never)) as LockstepUnitResult;
    const deafAsked = deaf.kld.topK!.askedIds;
    assert.equal(deafAsked.honoured, false);
    assert.ok(deafAsked.tokens === b.tokens && deafAsked.returned < deafAsked.tokens, `${deafAsked.returned} of ${deafAsked.tokens} tokens had every asked id among the server's own top-20`);
    deaf.windowTotals!.kld!.forEach((k, w) => assert.ok(k <= bound.windowTotals!.kld![w]! + 1e-9, `window ${w}: without the asked ids the bound rose`));

    // Both sides served at top-20, and a served baseline against a full variant.
    for (const [baseline, variant, what] of [
      [new TopKBackend(fp32, 20), new TopKBackend(q4, 20), 'top-20 × top-20'],
      [new TopKBackend(fp32, 5), q4, 'top-5 baseline × full variant'],
    ] as const) {
      const r = (await runLockstepPass(baseline, variant, corpus, quiet, never)) as LockstepUnitResult;
      assert.equal(r.kld.bound, 'lower', what);
      assert.ok(r.kld.kld.mean <= e.kld.mean && r.kld.reverseKld.mean <= e.reverseKld.mean, `${what}: ${r.kld.kld.mean} > ${e.kld.mean}`);
      assert.ok(rel(r.perplexity.tokenPerplexity.value, exact.perplexity.tokenPerplexity.value) <= 1e-12, `${what}: PPL`);
      assert.equal(r.kld.sameTop.value, e.sameTop.value, `${what}: same top`);
      console.log(`# ${what}: bound ${r.kld.kld.mean.toExponential(4)} (gap ${(e.kld.mean - r.kld.kld.mean).toExponential(3)}), tail ${(100 * r.kld.topK!.baseTailMass.mean).toFixed(2)}%`);
    }
  } finally {
    await fp32.dispose();
    await q4.dispose();
  }
});

test('full float64 log-probabilities (a server giving the whole vocabulary) give the in-process PPL and KLD to 1e-9, through the scoring thread', async () => {
  const { corpus, fp32, q4 } = await setup();
  try {
    const exact = (await runLockstepPass(fp32, q4, corpus, quiet, never)) as LockstepUnitResult;
    const served = (await runLockstepPass(fp32, new LogprobBackend(q4), corpus, quiet, never)) as LockstepUnitResult;
    assert.equal(served.kld.bound, undefined);
    for (const [what, a, b] of [
      ['KLD mean', served.kld.kld.mean, exact.kld.kld.mean],
      ['KLD p99', served.kld.kld.percentiles['99']!, exact.kld.kld.percentiles['99']!],
      ['reverse KLD', served.kld.reverseKld.mean, exact.kld.reverseKld.mean],
      ['PPL', served.perplexity.tokenPerplexity.value, exact.perplexity.tokenPerplexity.value],
    ] as const) assert.ok(rel(a, b) <= 1e-9, `${what}: ${a} vs ${b}`);
    const ppl = (await runPerplexityPass(new LogprobBackend(q4), corpus, quiet, never)) as PerplexityUnitResult;
    assert.ok(rel(ppl.perplexity.tokenPerplexity.value, served.perplexity.tokenPerplexity.value) <= 1e-9);

    // The thread takes Float64Array buffers (transferred) and answers what scoring inline answers.
    const scorer = LockstepScorer.start();
    assert.ok((scorer as unknown as { worker?: unknown }).worker, 'the scoring thread started (dist/scoring-thread.js)');
    try {
      const V = q4.vocabSize;
      const slice = corpus.tokens.slice(0, 16);
      const base = await new LogprobBackend(fp32).forward(slice);
      const variant = await new LogprobBackend(q4).forward(slice);
      assert.ok(base instanceof Float64Array);
      const job = { base, variant, vocab: V, rows: Int32Array.from({ length: 15 }, (_, i) => i), targets: Int32Array.from(slice.slice(1)) };
      const inline = scoreBatch({ ...job, base: base.slice(), variant: variant.slice(), rows: job.rows.slice(), targets: job.targets.slice() });
      const threaded = await scorer.score(job);
      assert.equal(base.byteLength, 0, 'the buffer moved to the thread');
      assert.deepEqual(Array.from(threaded.kld), Array.from(inline.kld));
      assert.deepEqual(Array.from(threaded.nllVariant), Array.from(inline.nllVariant));
    } finally {
      await scorer.close();
    }
  } finally {
    await fp32.dispose();
    await q4.dispose();
  }
});

test('generation against a top-20 variant: the same tokens, divergence, Δp and baseline NLL as in-process, per-token KLD ≤ exact and marked a lower bound; a variant without log-probabilities gives none, with its reason', async () => {
  const { fp32, q4, tokenizer } = await setup();
  try {
    const prompts = { file: 'prompts.txt', chatTemplated: false, prompts: ['Once upon a time', 'The little robot', 'In the garden'].map((text, i) => ({ text, line: i + 1, input: text })) };
    const run = async (variant: ModelBackend) => (await runGenerationPass(variant, fp32, tokenizer, prompts, { maxNewTokens: 12 }, quiet, never))!;
    const exact = await run(q4);
    const served = await run(new TopKBackend(q4, 20, true, 'q4'));
    const none = await run(new GenerateOnlyBackend(q4));
    assert.equal(exact.result.kldBound, undefined);
    assert.equal(served.result.kldBound, 'lower');
    assert.ok(served.result.meanKld <= exact.result.meanKld && served.result.meanKld > 0, `${served.result.meanKld} vs ${exact.result.meanKld}`);
    assert.equal(served.result.differsFromBaseline, exact.result.differsFromBaseline);
    exact.samples.forEach((e, i) => {
      const s = served.samples[i]!;
      assert.deepEqual(s.tokenIds, e.tokenIds);
      assert.equal(s.firstDivergence, e.firstDivergence, `prompt ${i}: first divergence`);
      e.kld.forEach((k, j) => assert.ok(s.kld[j]! <= k + 1e-9, `prompt ${i} token ${j}: bound ${s.kld[j]} > exact ${k}`));
      e.deltaP.forEach((d, j) => assert.ok(Math.abs(s.deltaP[j]! - d) <= 1e-9, `prompt ${i} token ${j}: Δp`));
      e.baselineNll!.forEach((d, j) => assert.ok(Math.abs(s.baselineNll![j]! - d) <= 1e-9, `prompt ${i} token ${j}: baseline NLL`));
      const n = none.samples[i]!;
      assert.deepEqual([n.kld, n.deltaP], [[], []], 'no KLD or Δp without log-probabilities');
      assert.equal(n.firstDivergence, e.firstDivergence, 'divergence comes from the baseline alone');
    });
    assert.match(none.result.kldUnavailable ?? '', /llama\.cpp server.*no per-token KLD/);
    assert.equal(none.result.divergenceUnavailable, undefined);
  } finally {
    await fp32.dispose();
    await q4.dispose();
  }
});

test('likelihood tasks over a top-20 server: choice and rolling log-likelihoods from the target log-probabilities equal the full path exactly', async () => {
  const { fp32, tokenizer } = await setup();
  try {
    const served = new TopKBackend(fp32, 20);
    const context = 'Question: what does the little robot like?\nAnswer:';
    const choices = [' gardens', ' the rain', ' counting stars all night'];
    assert.deepEqual(await choiceLogLikelihoods(served, tokenizer, context, choices, 64), await choiceLogLikelihoods(fp32, tokenizer, context, choices, 64));
    const text = readFileSync(DEMO_CORPUS, 'utf8').slice(0, 600);
    assert.deepEqual(await rollingLogLikelihood(served, tokenizer, text, 64), await rollingLogLikelihood(fp32, tokenizer, text, 64));
    assert.ok(served.calls > 3);
  } finally {
    await fp32.dispose();
  }
});
