import type { SampleRecord } from '../report/schema';
import type { FlagKind, SampleFlag } from './types';

/**
 * Automatic failure flags: cheap heuristics computed for every generated sample against the
 * baseline's sample of the same prompt. They are suggestions a person accepts (as an annotation) or
 * dismisses, never verdicts. Each flag is independent of the others, so a rate per kind means one
 * thing; one bad output can carry several (an empty output is also an early stop).
 *
 * "Content tokens" are the generated tokens without the final end-of-sequence token of a sample
 * that stopped at EOS.
 */
export interface FlagThresholds {
  /** repetition: share of the output's token 3-grams that repeat an earlier 3-gram, above this. */
  repeatedTrigramRate: number;
  /** repetition: and distinct-2 (unique bigrams ÷ bigrams) below this multiple of the baseline's. */
  distinct2RatioToBaseline: number;
  /** repetition: needs at least this many content tokens (fewer 3-grams say nothing). */
  repetitionMinTokens: number;
  /** gibberish: the baseline's perplexity of the output above this multiple of its perplexity of its own output. */
  perplexityRatio: number;
  /** gibberish: needs at least this many scored tokens in both outputs. */
  perplexityMinTokens: number;
  /** early-stop: stopped at EOS with fewer than this share of the baseline's content tokens. */
  earlyStopShare: number;
  /** length-ratio: content tokens ÷ the baseline's outside [min, max]. */
  lengthRatioMin: number;
  lengthRatioMax: number;
}

export const DEFAULT_FLAG_THRESHOLDS: Readonly<FlagThresholds> = Object.freeze({
  repeatedTrigramRate: 0.5,
  distinct2RatioToBaseline: 0.75,
  repetitionMinTokens: 6,
  perplexityRatio: 4,
  perplexityMinTokens: 4,
  earlyStopShare: 0.5,
  lengthRatioMin: 0.5,
  lengthRatioMax: 2,
});

/** The order flags are listed in (and summaries show them in). */
export const FLAG_KINDS: readonly FlagKind[] = ['empty-output', 'early-stop', 'truncation', 'length-ratio', 'repetition', 'gibberish', 'divergence'];

export const FLAG_LABELS: Readonly<Record<FlagKind, string>> = Object.freeze({
  'empty-output': 'Empty output',
  'early-stop': 'Early stop',
  truncation: 'Truncated at the token limit',
  'length-ratio': 'Length unlike the baseline',
  repetition: 'Repetition',
  gibberish: 'Gibberish (baseline perplexity)',
  divergence: 'Diverges from the baseline',
});

/** What computeFlags reads of a sample; crafted samples in tests need no more. */
export type FlaggableSample = Pick<SampleRecord, 'output' | 'tokenIds' | 'stoppedBy' | 'firstDivergence'> & Partial<Pick<SampleRecord, 'tokenTexts' | 'baselineNll'>>;

/**
 * The flags of one sample. `baseline` is the baseline's sample of the same prompt; for the baseline's
 * own samples (or when the baseline has none) pass undefined: only the flags that need no comparison
 * are computed (empty-output, and repetition by its rate alone).
 */
export function computeFlags(sample: FlaggableSample, baseline: FlaggableSample | undefined, thresholds: Partial<FlagThresholds> = {}): SampleFlag[] {
  const t: FlagThresholds = { ...DEFAULT_FLAG_THRESHOLDS, ...thresholds };
  const flags: SampleFlag[] = [];
  const tokens = contentTokens(sample);
  const baseTokens = baseline ? contentTokens(baseline) : undefined;

  if (tokens.length === 0 || sample.output.trim() === '') {
    flags.push({
      kind: 'empty-output',
      value: tokens.length,
      threshold: null,
      detail: tokens.length === 0 ? 'The model generated nothing before stopping.' : `The output is only whitespace (${tokens.length} token${tokens.length === 1 ? '' : 's'}).`,
    });
  }

  if (baseline && baseTokens) {
    const share = baseTokens.length > 0 ? tokens.length / baseTokens.length : 1;
    if (sample.stoppedBy === 'eos' && baseTokens.length > 0 && share < t.earlyStopShare) {
      flags.push({
        kind: 'early-stop',
        value: share,
        threshold: t.earlyStopShare,
        detail: `Stopped at end-of-sequence after ${plural(tokens.length, 'token')}, ${percent(share)} of the baseline's ${baseTokens.length} (flagged below ${percent(t.earlyStopShare)}).`,
      });
    }
    if (sample.stoppedBy === 'max-new-tokens' && baseline.stoppedBy === 'eos') {
      flags.push({
        kind: 'truncation',
        value: tokens.length,
        threshold: null,
        detail: `Hit the limit of new tokens after ${plural(tokens.length, 'token')}, where the baseline ended by itself after ${baseTokens.length}.`,
      });
    }
    const ratio = tokens.length / Math.max(baseTokens.length, 1);
    if (ratio < t.lengthRatioMin || ratio > t.lengthRatioMax) {
      const bound = ratio < t.lengthRatioMin ? t.lengthRatioMin : t.lengthRatioMax;
      flags.push({
        kind: 'length-ratio',
        value: ratio,
        threshold: bound,
        detail: `${round(ratio, 2)}× the baseline's length (${tokens.length} tokens against ${baseTokens.length}; flagged outside ${t.lengthRatioMin}–${t.lengthRatioMax}×).`,
      });
    }
  }

  if (tokens.length >= t.repetitionMinTokens) {
    const rate = repeatedNgramRate(tokens, 3);
    if (rate > t.repeatedTrigramRate) {
      const d2 = distinctN(tokens, 2);
      const baseD2 = baseTokens && baseTokens.length >= 2 ? distinctN(baseTokens, 2) : undefined;
      if (baseD2 === undefined) {
        flags.push({
          kind: 'repetition',
          value: rate,
          threshold: t.repeatedTrigramRate,
          detail: `${percent(rate)} of the output's 3-grams repeat an earlier one (flagged above ${percent(t.repeatedTrigramRate)}); distinct-2 is ${round(d2, 2)}.`,
        });
      } else if (d2 < t.distinct2RatioToBaseline * baseD2) {
        flags.push({
          kind: 'repetition',
          value: rate,
          threshold: t.repeatedTrigramRate,
          detail: `${percent(rate)} of the output's 3-grams repeat an earlier one (flagged above ${percent(t.repeatedTrigramRate)}), and its distinct-2 of ${round(d2, 2)} is well below the baseline's ${round(baseD2, 2)}.`,
        });
      }
    }
  }

  if (baseline) {
    const own = sample.baselineNll;
    const ref = baseline.baselineNll;
    if (own && ref && own.length >= t.perplexityMinTokens && ref.length >= t.perplexityMinTokens) {
      const pplOwn = perplexityOf(own);
      const pplRef = perplexityOf(ref);
      const ratio = pplOwn / pplRef;
      if (Number.isFinite(ratio) && ratio > t.perplexityRatio) {
        flags.push({
          kind: 'gibberish',
          value: ratio,
          threshold: t.perplexityRatio,
          detail: `The baseline finds this output ${round(ratio, 1)}× as surprising as its own (perplexity ${round(pplOwn, 1)} against ${round(pplRef, 1)}; flagged above ${t.perplexityRatio}×).`,
        });
      }
    }
  }

  if (sample.firstDivergence !== null && sample.firstDivergence !== undefined) {
    const k = sample.firstDivergence;
    const text = sample.tokenTexts?.[k];
    flags.push({
      kind: 'divergence',
      value: k,
      threshold: null,
      detail: `First differs from the baseline's greedy choice at token ${k}${text !== undefined ? ` (${JSON.stringify(text)})` : ''}.`,
    });
  }

  return flags.sort((a, b) => FLAG_KINDS.indexOf(a.kind) - FLAG_KINDS.indexOf(b.kind));
}

/** The generated tokens without the final EOS of a sample that stopped at EOS. */
export function contentTokens(sample: Pick<SampleRecord, 'tokenIds' | 'stoppedBy'>): number[] {
  return sample.stoppedBy === 'eos' ? sample.tokenIds.slice(0, -1) : sample.tokenIds.slice();
}

/** Share of the n-grams that already occurred earlier in the sequence (0 with no n-gram). */
export function repeatedNgramRate(tokens: readonly number[], n: number): number {
  const total = tokens.length - n + 1;
  if (total <= 0) return 0;
  const seen = new Set<string>();
  let repeated = 0;
  for (let i = 0; i < total; i++) {
    const key = tokens.slice(i, i + n).join(',');
    if (seen.has(key)) repeated++;
    else seen.add(key);
  }
  return repeated / total;
}

/** distinct-n: unique n-grams ÷ n-grams (1 with no n-gram). */
export function distinctN(tokens: readonly number[], n: number): number {
  const total = tokens.length - n + 1;
  if (total <= 0) return 1;
  const seen = new Set<string>();
  for (let i = 0; i < total; i++) seen.add(tokens.slice(i, i + n).join(','));
  return seen.size / total;
}

/** exp(mean NLL). */
export function perplexityOf(nll: readonly number[]): number {
  let sum = 0;
  for (const v of nll) sum += v;
  return Math.exp(sum / nll.length);
}

/**
 * The flags of every sample of a generation unit. `baselineSamples` maps sampleKey to the
 * baseline's sample; the baseline's own samples are flagged without comparison.
 */
export function withFlags<T extends FlaggableSample & Pick<SampleRecord, 'sampleKey' | 'variantId'>>(samples: readonly T[], baselineId: string, baselineSamples: ReadonlyMap<string, FlaggableSample>, thresholds?: Partial<FlagThresholds>): Array<T & { flags: SampleFlag[] }> {
  return samples.map((s) => ({ ...s, flags: computeFlags(s, s.variantId === baselineId ? undefined : baselineSamples.get(s.sampleKey), thresholds) }));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function round(x: number, digits: number): string {
  return String(Number(x.toFixed(digits)));
}
