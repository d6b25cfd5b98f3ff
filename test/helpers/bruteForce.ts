import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { logitsOf } from './forward';

/**
 * Reference arithmetic for the engine tests, written independently of src/shared/stats: full
 * logits in, float64 per-token numbers out, then plain textbook summaries. Slow and simple on
 * purpose; the fixtures are tiny.
 */

export interface DecoderConfig {
  num_hidden_layers: number;
  num_key_value_heads: number;
  head_dim: number;
  vocab_size: number;
}

export function readDecoderConfig(modelFolder: string): DecoderConfig {
  return JSON.parse(readFileSync(join(modelFolder, 'config.json'), 'utf8')) as DecoderConfig;
}

/** A plain onnxruntime session of one variant file, on the CPU with the given thread count. */
export function openSession(file: string, threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
}

/** Natural-log probabilities of one logits row, in float64: x − max − ln Σ exp(x − max). */
export function logProbabilities(logits: ArrayLike<number>, offset: number, vocab: number): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  for (let i = 0; i < vocab; i++) sum += Math.exp(logits[offset + i]! - max);
  const logZ = max + Math.log(sum);
  const out = new Float64Array(vocab);
  for (let i = 0; i < vocab; i++) out[i] = logits[offset + i]! - logZ;
  return out;
}

function firstArgmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Everything about one scored token, from the two models' log-probabilities. */
export interface TokenFacts {
  kld: number;
  reverseKld: number;
  deltaP: number;
  nllBase: number;
  nllVariant: number;
  sameTop: boolean;
}

export function tokenFacts(logP: Float64Array, logQ: Float64Array, target: number): TokenFacts {
  let kld = 0;
  let reverseKld = 0;
  for (let i = 0; i < logP.length; i++) {
    kld += Math.exp(logP[i]!) * (logP[i]! - logQ[i]!);
    reverseKld += Math.exp(logQ[i]!) * (logQ[i]! - logP[i]!);
  }
  return {
    kld,
    reverseKld,
    deltaP: Math.exp(logQ[target]!) - Math.exp(logP[target]!),
    nllBase: -logP[target]!,
    nllVariant: -logQ[target]!,
    sameTop: firstArgmax(logP) === firstArgmax(logQ),
  };
}

export interface Window {
  start: number;
  end: number;
  scoreFrom: number;
}

/**
 * Logits of every window from a plain session: one fresh forward pass per window (no cache), the
 * way a reader of the Hugging Face perplexity guide would write it.
 */
export async function windowLogits(session: ort.InferenceSession, config: DecoderConfig, tokens: number[], windows: readonly Window[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const w of windows) out.push(Float32Array.from((await logitsOf(session, config, tokens.slice(w.start, w.end))).logits));
  return out;
}

/** Per scored token of every window: the row of the window's logits that predicts it, and the token. */
export function scoredPositions(tokens: number[], windows: readonly Window[]): Array<{ window: number; row: number; target: number }> {
  const positions: Array<{ window: number; row: number; target: number }> = [];
  windows.forEach((w, window) => {
    for (let t = w.scoreFrom; t < w.end; t++) positions.push({ window, row: t - 1 - w.start, target: tokens[t]! });
  });
  return positions;
}

export function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Percentile by linear interpolation at f·(n − 1) of the ascending values (docs/metrics.md, "Conventions"). */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = fraction * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! * (1 - (position - below)) + sorted[above]! * (position - below);
}

/** What the report should say for one variant against the baseline, from per-token facts. */
export interface ExpectedLockstep {
  tokens: number;
  kld: number[];
  deltaP: number[];
  kldMean: number;
  kldMax: number;
  kldMin: number;
  reverseKldMean: number;
  deltaPMean: number;
  rmsDeltaP: number;
  sameTop: number;
  meanNllBase: number;
  meanNllVariant: number;
}

export function expectedLockstep(facts: readonly TokenFacts[]): ExpectedLockstep {
  const kld = facts.map((f) => f.kld);
  const deltaP = facts.map((f) => f.deltaP);
  return {
    tokens: facts.length,
    kld,
    deltaP,
    kldMean: mean(kld),
    kldMax: Math.max(...kld),
    kldMin: Math.min(...kld),
    reverseKldMean: mean(facts.map((f) => f.reverseKld)),
    deltaPMean: mean(deltaP),
    rmsDeltaP: Math.sqrt(mean(deltaP.map((d) => d * d))),
    sameTop: facts.filter((f) => f.sameTop).length / facts.length,
    meanNllBase: mean(facts.map((f) => f.nllBase)),
    meanNllVariant: mean(facts.map((f) => f.nllVariant)),
  };
}

/**
 * |actual − expected| ≤ rel·|expected| + abs. KLD of a near-lossless variant is ~1e-7 per token,
 * where float64 rounding of a 700-term sum is ~1e-16·700, so the absolute floor stays far below.
 */
export function assertClose(actual: number, expected: number, what: string, rel = 1e-6, abs = 1e-12): void {
  const ok = Number.isFinite(actual) && Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
  if (!ok) throw new Error(`${what}: engine ${actual}, brute force ${expected} (difference ${actual - expected})`);
}
