import { createHash } from 'node:crypto';
import { compareTokenDistributions, logSumExp, negativeLogLikelihood } from '../../shared/stats/tokenComparison';
import type { GenerationUnitResult, SampleRecord } from '../../shared/report/schema';
import { kldLowerBound, topIds } from '../../shared/stats/partialKld';
import { targetLogprobs, windowRows } from './partialRows';
import type { ModelBackend, TextTokenizer } from '../backend/modelBackend';
import type { PassProgress } from './corpusPasses';
import { promptTokenIds, PromptSet } from '../inputs/prompts';

/**
 * The sample's stable key: annotations and run comparisons match samples by it. A rendered input
 * joins the key, so a prompt fed through a (changed) template is not matched with its raw self;
 * raw prompts keep the key they always had.
 */
export function sampleKeyOf(prompt: string, maxNewTokens: number, input?: string): string {
  return createHash('sha256').update(JSON.stringify({ prompt, maxNewTokens, decoding: 'greedy', ...(input !== undefined ? { input } : {}) })).digest('hex').slice(0, 16);
}

/**
 * Greedy generations of one variant for every prompt. For a variant other than the baseline, its
 * output is then scored teacher-forced under both models: per generated token KL(base ‖ variant),
 * Δp of the chosen token, and the first position where the baseline's greedy choice differs.
 */
export async function runGenerationPass(
  variant: ModelBackend,
  base: ModelBackend | null,
  tokenizer: TextTokenizer,
  promptSet: PromptSet,
  options: { maxNewTokens: number },
  progress: PassProgress,
  shouldStop: () => boolean,
): Promise<{ result: GenerationUnitResult; samples: SampleRecord[] } | null> {
  // Checked before generating: the prompts are in the baseline's tokenizer, so a variant with another
  // vocabulary would otherwise die inside onnxruntime (an out-of-range Gather) with no hint why.
  if (base && base !== variant && base.vocabSize !== variant.vocabSize) {
    throw new Error(`${variant.variantId} has a vocabulary of ${variant.vocabSize} tokens but the baseline ${base.variantId} has ${base.vocabSize}: its generations cannot be fed the baseline's tokens nor compared token by token. Compare variants that share the baseline's tokenizer.`);
  }
  const samples: SampleRecord[] = [];
  let kldSum = 0;
  let kldCount = 0;
  for (const [index, prompt] of promptSet.prompts.entries()) {
    // Every prompt fits the context: prepareRun checked them all before any model loaded (checkPromptsFit).
    const promptIds = promptTokenIds(tokenizer, promptSet, prompt);
    const generated = await variant.generateGreedy(promptIds, { maxNewTokens: options.maxNewTokens, stopOnEos: true, shouldStop });
    if (generated.stoppedBy === 'cancelled' || shouldStop()) return null;
    const bothFull = base?.distributions.kind === 'full' && variant.distributions.kind === 'full';
    const scored = base && base !== variant
      ? bothFull ? await scoreUnderBaseline(base, variant, promptIds, generated.tokens) : await scorePartialUnderBaseline(base, variant, promptIds, generated.tokens)
      : { kld: generated.tokens.map(() => 0), deltaP: generated.tokens.map(() => 0), firstDivergence: null, baselineNll: base === variant ? await selfNll(variant, promptIds, generated.tokens) : undefined };
    for (const k of scored.kld) {
      kldSum += k;
      kldCount++;
    }
    samples.push({
      sampleKey: sampleKeyOf(prompt.text, options.maxNewTokens, promptSet.chatTemplated ? prompt.input : undefined),
      promptIndex: index,
      variantId: variant.variantId,
      prompt: prompt.text,
      ...(promptSet.chatTemplated ? { input: prompt.input } : {}),
      output: tokenizer.decode(generated.tokens),
      tokenIds: generated.tokens,
      tokenTexts: incrementalTokenTexts(tokenizer, generated.tokens),
      kld: scored.kld,
      deltaP: scored.deltaP,
      baselineNll: scored.baselineNll,
      firstDivergence: scored.firstDivergence,
      stoppedBy: generated.stoppedBy === 'eos' ? 'eos' : 'max-new-tokens',
    });
    progress(index + 1, promptSet.prompts.length);
  }
  const result: GenerationUnitResult = {
    kind: 'generation',
    variantId: variant.variantId,
    samples: samples.length,
    differsFromBaseline: samples.filter((s) => s.firstDivergence !== null).length,
    meanKld: kldCount ? kldSum / kldCount : 0,
    stoppedByEos: samples.filter((s) => s.stoppedBy === 'eos').length,
  };
  if (base && base !== variant) Object.assign(result, partialComparison(base, variant));
  return { samples, result };
}

/** What the teacher-forced comparison could not be, when a side is served with top-k or nothing. */
function partialComparison(base: ModelBackend, variant: ModelBackend): Pick<GenerationUnitResult, 'kldBound' | 'kldUnavailable' | 'divergenceUnavailable'> {
  const none = [base, variant].find((b) => b.distributions.kind === 'none');
  const out: Pick<GenerationUnitResult, 'kldBound' | 'kldUnavailable' | 'divergenceUnavailable'> = {};
  if (none && none.distributions.kind === 'none') out.kldUnavailable = `${none.variantId} gives no prompt log-probabilities (${none.distributions.reason}): no per-token KLD or Δp`;
  else if (base.distributions.kind !== 'full' || variant.distributions.kind !== 'full') out.kldBound = 'lower';
  if (base.distributions.kind === 'none') out.divergenceUnavailable = `the baseline ${base.variantId} gives no prompt log-probabilities (${base.distributions.reason}): its greedy choice under the variant's output is unknown`;
  return out;
}

/**
 * scoreUnderBaseline for a side that gives only its top-k (KLD a lower bound, Δp and the baseline's
 * NLL exact from the actual tokens, divergence from the baseline's top-1) or nothing (no KLD and Δp;
 * without the baseline's, no divergence or NLL either).
 */
async function scorePartialUnderBaseline(base: ModelBackend, variant: ModelBackend, promptIds: number[], generated: number[]): Promise<{ kld: number[]; deltaP: number[]; firstDivergence: number | null; baselineNll?: number[] }> {
  if (generated.length === 0) return { kld: [], deltaP: [], firstDivergence: null, baselineNll: [] };
  if (base.distributions.kind === 'none') return { kld: [], deltaP: [], firstDivergence: null };
  // The whole output this time: promptTopK gives rows only for positions whose next token is in the sequence.
  const sequence = [...promptIds, ...generated];
  const baseRows = await windowRows(base, sequence);
  const at = (j: number): number => promptIds.length - 1 + j;
  let firstDivergence: number | null = null;
  const baselineNll = generated.map((token, j) => {
    const row = baseRows.row(at(j));
    const top = row.kind === 'full' ? topIds(row, 1)[0] : row.ids[argmaxIndex(row.logprobs)];
    if (firstDivergence === null && top !== token) firstDivergence = j;
    return -baseRows.targetLogprob(at(j));
  });
  if (variant.distributions.kind === 'none') return { kld: [], deltaP: [], firstDivergence, baselineNll };
  const k = variant.distributions.kind === 'top-k' ? variant.distributions.k : base.distributions.kind === 'top-k' ? base.distributions.k : 0;
  const ask = variant.distributions.kind === 'top-k' ? sequence.slice(1).map((_, i) => (i >= at(0) ? baseRows.idsToAsk(i, k) : [])) : undefined;
  const variantRows = await windowRows(variant, sequence, ask);
  const kld: number[] = [];
  const deltaP: number[] = [];
  generated.forEach((token, j) => {
    const b = kldLowerBound(baseRows.row(at(j)), variantRows.row(at(j)), token);
    kld.push(b.kld);
    deltaP.push(b.deltaP ?? NaN);
  });
  return { kld, deltaP, firstDivergence, baselineNll };
}

function argmaxIndex(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

async function scoreUnderBaseline(base: ModelBackend, variant: ModelBackend, promptIds: number[], generated: number[]): Promise<{ kld: number[]; deltaP: number[]; firstDivergence: number | null; baselineNll: number[] }> {
  const kld: number[] = [];
  const deltaP: number[] = [];
  const baselineNll: number[] = [];
  let firstDivergence: number | null = null;
  if (generated.length === 0) return { kld, deltaP, firstDivergence, baselineNll };
  // The last generated token is never fed back, so the sequence stops one short of it.
  const sequence = [...promptIds, ...generated.slice(0, -1)];
  const baseLogits = await base.forward(sequence);
  const variantLogits = await variant.forward(sequence);
  const V = base.vocabSize;
  generated.forEach((token, j) => {
    const offset = (promptIds.length - 1 + j) * V;
    const c = compareTokenDistributions(baseLogits, variantLogits, offset, V, token);
    kld.push(c.kld);
    deltaP.push(c.deltaP);
    baselineNll.push(c.nllBase);
    if (firstDivergence === null && logSumExp(baseLogits, offset, V).argmax !== token) firstDivergence = j;
  });
  return { kld, deltaP, firstDivergence, baselineNll };
}

/** −ln P(token) of a model's own generation, teacher-forced (the baseline's surprise at its own output). */
async function selfNll(model: ModelBackend, promptIds: number[], generated: number[]): Promise<number[] | undefined> {
  if (generated.length === 0) return [];
  if (model.distributions.kind === 'none') return undefined;
  if (model.distributions.kind === 'top-k') {
    const logprobs = await targetLogprobs(model, [...promptIds, ...generated.slice(0, -1), generated.at(-1)!]);
    return generated.map((_, j) => -logprobs.at(promptIds.length - 1 + j));
  }
  const logits = await model.forward([...promptIds, ...generated.slice(0, -1)]);
  return generated.map((token, j) => negativeLogLikelihood(logits, (promptIds.length - 1 + j) * model.vocabSize, model.vocabSize, token).nll);
}

/** Text each token adds to the decoded output (byte-level tokens may split a character). */
function incrementalTokenTexts(tokenizer: TextTokenizer, tokens: number[]): string[] {
  const texts: string[] = [];
  let previous = '';
  for (let i = 1; i <= tokens.length; i++) {
    const decoded = tokenizer.decode(tokens.slice(0, i));
    texts.push(decoded.slice(previous.length));
    previous = decoded;
  }
  return texts;
}
