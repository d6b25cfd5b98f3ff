import { formatBytes } from '../format';
import type { QuantSignature } from '../modelTypes';
import type { MachineProbe, PerformanceUnitResult, RooflineFigures } from '../report/schema';
import { kvCacheBytes, ModelGeometry } from './kvCache';
import type { PerformanceWorkload } from './sweep';

/**
 * Work per decode step set against wall clock. One decode step (one session.run) reads every
 * weight once, whatever the batch, plus the KV cache of every row; it does 2 FLOPs per matmul
 * weight per row plus attention over the context. Dividing by the measured step time gives the
 * achieved bandwidth and FLOP/s, and the machine probes say what fraction of the ceiling that is.
 */

/** Initializer types that hold shapes and indices, not weights. */
const NON_WEIGHT_TYPES = new Set(['int64', 'int32', 'int16', 'uint16', 'uint32', 'uint64', 'bool', 'string']);

/** Where the embedding table may sit, most likely first, with bytes per element. */
const EMBEDDING_TYPES: Array<[string, number]> = [['float32', 4], ['float16', 2], ['bfloat16', 2], ['uint8', 1], ['int8', 1]];

/**
 * Weight bytes a decode step reads: the initializers' bytes, shape constants aside, less all but
 * one row of each table that only row gathers read (the embedding, rotary caches). The graph says
 * which tables those are (signature.gatherOnlyTables), so a tied embedding that lm_head also reads
 * counts in full while an export that wrote lm_head as its own copy (SmolLM2's, Qwen2.5's) counts
 * the Gather's table as one row. Signatures read before that field existed fall back to the
 * config: the embedding table is subtracted when it is not tied, its type estimated as the first
 * of float32, float16, bfloat16, uint8, int8 whose initializers are large enough to hold
 * vocab × hidden elements; when none is, nothing is subtracted (an upper bound).
 */
export function weightBytesPerStep(signature: Pick<QuantSignature, 'initializerDtypes' | 'gatherOnlyTables'>, geometry: ModelGeometry): { bytes: number; embeddingBytesExcluded: number } {
  let total = 0;
  for (const [dtype, usage] of Object.entries(signature.initializerDtypes)) if (!NON_WEIGHT_TYPES.has(dtype)) total += usage.bytes;
  if (signature.gatherOnlyTables) {
    // One row of each is still read per token.
    const excluded = signature.gatherOnlyTables.reduce((sum, t) => sum + t.bytes - t.bytes / t.rows, 0);
    return { bytes: total - excluded, embeddingBytesExcluded: excluded };
  }
  if (geometry.tiedEmbeddings) return { bytes: total, embeddingBytesExcluded: 0 };
  const elements = geometry.vocabSize * geometry.hiddenSize;
  for (const [dtype, size] of EMBEDDING_TYPES) {
    const group = signature.initializerDtypes[dtype]?.bytes ?? 0;
    if (group >= elements * size) {
      const table = elements * size;
      // One row is still read per token.
      const row = geometry.hiddenSize * size;
      return { bytes: total - table + row, embeddingBytesExcluded: table - row };
    }
  }
  return { bytes: total, embeddingBytesExcluded: 0 };
}

/**
 * FLOPs per generated token: 2 × matmul weights (lookups do none) + attention (QKᵀ and AV) at
 * `context`. `gatheredParameters`: the parameters of the tables only gathers read (from the graph);
 * without it, the embedding's when it is not tied.
 */
export function flopsPerToken(parameterCount: number, geometry: ModelGeometry, context: number, gatheredParameters?: number): number {
  const matmulParameters = parameterCount - (gatheredParameters ?? (geometry.tiedEmbeddings ? 0 : geometry.vocabSize * geometry.hiddenSize));
  return 2 * matmulParameters + 4 * geometry.layers * geometry.heads * geometry.headDim * context;
}

/** Mean context of the decode steps TPOT covers: the steps after the first token see input + 1 … input + output − 1 positions. */
export function meanDecodeContext(w: Pick<PerformanceWorkload, 'inputTokens' | 'outputTokens'>): number {
  return w.outputTokens > 1 ? w.inputTokens + w.outputTokens / 2 : w.inputTokens;
}

export interface RooflineInput {
  signature: Pick<QuantSignature, 'initializerDtypes' | 'parameterCount' | 'gatherOnlyTables'>;
  geometry: ModelGeometry;
  /** Bytes per KV cache element (2 for float16, 4 for float32). */
  kvElementBytes: number;
  workload: PerformanceWorkload;
  /** Mean time per output token of one request, ms. */
  tpotMs: number;
  machine: MachineProbe | undefined;
}

export function rooflineFigures(input: RooflineInput): RooflineFigures {
  const { geometry, workload } = input;
  const weights = weightBytesPerStep(input.signature, geometry);
  const meanContext = meanDecodeContext(workload);
  const kvBytesPerStep = kvCacheBytes(geometry, meanContext, workload.batchSize, input.kvElementBytes);
  const gathered = input.signature.gatherOnlyTables?.reduce((sum, t) => sum + t.parameters, 0);
  const flops = flopsPerToken(input.signature.parameterCount, geometry, meanContext, gathered);
  // `concurrency` requests each advance one step per TPOT, so steps/s is concurrency / TPOT.
  const stepsPerSecond = (workload.concurrency * 1000) / input.tpotMs;
  const achievedBytesPerSecond = stepsPerSecond * (weights.bytes + kvBytesPerStep);
  const achievedFlopsPerSecond = stepsPerSecond * workload.batchSize * flops;
  // The copy probe measures host memory: it is no ceiling for a model on a GPU.
  const peakBandwidth = input.machine?.provider === 'cpu' ? input.machine.copyBandwidthBytesPerSecond : undefined;
  const peakFlops = input.machine?.matmulFlopsPerSecond;
  return {
    weightBytesPerStep: weights.bytes,
    embeddingBytesExcluded: weights.embeddingBytesExcluded,
    kvBytesPerStep,
    flopsPerToken: flops,
    meanContext,
    achievedBytesPerSecond,
    achievedFlopsPerSecond,
    bandwidthFraction: peakBandwidth ? achievedBytesPerSecond / peakBandwidth : null,
    flopsFraction: peakFlops ? achievedFlopsPerSecond / peakFlops : null,
  };
}

const pct = (fraction: number | null): string => (fraction === null ? 'n/a' : fraction < 0.01 ? `${(fraction * 100).toFixed(2)}%` : `${(fraction * 100).toFixed(1)}%`);
const times = (x: number): string => `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;

/** Below this share of both ceilings, neither memory nor arithmetic explains the step time. */
const OVERHEAD_BOUND = 0.1;
const BOUND = 0.5;

function regime(r: RooflineFigures): string {
  const bw = r.bandwidthFraction ?? 0;
  const fl = r.flopsFraction ?? 0;
  if (bw >= BOUND && bw >= fl) return 'memory-bandwidth-bound';
  if (fl >= BOUND) return 'compute-bound';
  if (bw < OVERHEAD_BOUND && fl < OVERHEAD_BOUND) return 'overhead-bound (per-step costs — operator dispatch, small kernels, session.run — outweigh both bytes and FLOPs)';
  return 'partly bandwidth-bound';
}

/**
 * One sentence on what limits this variant, set against the baseline: how many fewer bytes it
 * reads per decode step, how much faster it runs, and what the gap says.
 */
export function explainRoofline(variantId: string, perf: PerformanceUnitResult, baselineId: string, basePerf: PerformanceUnitResult | undefined, resolved: boolean | undefined): string | undefined {
  const r = perf.roofline;
  if (!r || !perf.tpotMs) return undefined;
  const ceilings = `${pct(r.bandwidthFraction)} of the measured copy bandwidth and ${pct(r.flopsFraction)} of the measured MatMul FLOP/s`;
  if (variantId === baselineId || !basePerf?.roofline || !basePerf.tpotMs) return `${variantId} reaches ${ceilings}: ${regime(r)}${cacheNote(perf)}.`;
  const base = basePerf.roofline;
  const bytesRatio = (base.weightBytesPerStep + base.kvBytesPerStep) / (r.weightBytesPerStep + r.kvBytesPerStep);
  const speed = basePerf.tpotMs.mean / perf.tpotMs.mean;
  const reads = bytesRatio > 1.05 ? `reads ${times(bytesRatio)} fewer bytes per step than ${baselineId}` : bytesRatio < 0.95 ? `reads ${times(1 / bytesRatio)} more bytes per step than ${baselineId}` : `reads about as many bytes per step as ${baselineId}`;
  const runs = speed > 1.02 ? `runs ${times(speed)} faster` : speed < 0.98 ? `runs ${times(1 / speed)} slower` : 'runs at the same speed';
  const joiner = bytesRatio > 1.05 && speed < 0.8 * bytesRatio ? 'but' : 'and';
  let why: string;
  let note = cacheNote(perf);
  if (bytesRatio > 1.05 && speed >= 0.8 * bytesRatio) {
    why = note ? `speed follows bytes, so decoding is bound by memory traffic — cache traffic, not DRAM, on this machine${note}` : 'speed follows bytes, so decoding is bandwidth-bound here';
    note = '';
  } else if (bytesRatio > 1.05 && (r.bandwidthFraction ?? 0) < OVERHEAD_BOUND && (r.flopsFraction ?? 0) < OVERHEAD_BOUND) why = `at ${ceilings} the step is overhead-bound, so the bytes saved hardly count`;
  else if (bytesRatio > 1.05) why = 'dequantisation-bound on this machine: unpacking the weights costs what reading fewer bytes saves';
  else why = regime(r);
  const noise = resolved === false ? ' (the speed difference is within the noise at 95%)' : '';
  return `${variantId} ${reads} ${joiner} ${runs}${noise}: ${why}${note}.`;
}

/** When a step's bytes fit in the last-level cache, DRAM bandwidth is not what the step waits on. */
function cacheNote(perf: PerformanceUnitResult): string {
  const r = perf.roofline;
  const cache = perf.machine?.lastLevelCacheBytes;
  if (!r || !cache || r.weightBytesPerStep + r.kvBytesPerStep >= cache) return '';
  return ` (its ${formatBytes(r.weightBytesPerStep + r.kvBytesPerStep)} per step fit in the ${formatBytes(cache)} last-level cache)`;
}
