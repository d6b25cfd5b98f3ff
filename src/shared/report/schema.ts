import type { QuantSignature, VariantDtype } from '../modelTypes';
import type { DistributionSummary } from '../stats/summary';
import type { KldReport } from '../stats/fidelity';
import type { PerplexityReport } from '../stats/perplexity';
import type { WindowScheme } from '../windows';
import type { SampleFlag } from '../annotations/types';

/**
 * The run report on disk (`.quantlens/runs/<runId>/`) is the contract between the engine and every
 * view. Documented in docs/report-schema.md; bump the major version on any breaking change.
 */
export const SCHEMA_VERSION = '1.0.0';

export type Measure = 'fidelity' | 'generation' | 'performance';

/** What the user asked for; its hash identifies "the same spec" for --resume. */
export interface RunSpec {
  modelFolder: string;
  modelName: string;
  baselineId: string;
  variantIds: string[];
  measures: Measure[];
  corpus?: InputFileRef;
  prompts?: InputFileRef;
  windows: WindowScheme;
  generation: { maxNewTokens: number; greedy: true; stopOnEos: true };
  performance: { promptTokens: number; outputTokens: number; warmups: number; repetitions: number; ignoreEos: true };
  executionProvider: ExecutionProviderChoice;
  threads: { intraOp: number; interOp: number };
  seed: number;
}

export type ExecutionProviderChoice = 'auto' | 'cpu' | 'cuda' | 'webgpu' | 'dml' | 'coreml';

export interface InputFileRef {
  path: string;
  sha256: string;
  bytes: number;
}

export interface EnvironmentInfo {
  os: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  gpu: string | null;
  node: string;
  onnxruntimeNode: string;
  transformersJs: string;
  quantlens: string;
}

export interface VariantCard {
  id: string;
  dtype: VariantDtype;
  files: Array<{ path: string; bytes: number; sha256: string }>;
  sizeBytes: number;
  signature?: QuantSignature;
}

/** run.json */
export interface RunCard {
  schemaVersion: string;
  runId: string;
  specHash: string;
  createdAt: string;
  spec: RunSpec;
  environment: EnvironmentInfo;
  variants: VariantCard[];
  /** Plain-language account of what was measured and how (windows, decoding, timing). */
  methods: string[];
}

export type UnitKind = 'perplexity' | 'lockstep' | 'generation' | 'performance';

export interface UnitKey {
  kind: UnitKind;
  variantId: string;
}

export function unitKeyString(key: UnitKey): string {
  return `${key.kind}:${key.variantId}`;
}

export interface PerplexityUnitResult extends UnitKey {
  kind: 'perplexity';
  perplexity: PerplexityReport;
  executionProvider: string;
}

export interface LockstepUnitResult extends UnitKey {
  kind: 'lockstep';
  kld: KldReport;
  perplexity: PerplexityReport;
  executionProvider: string;
}

export interface GenerationUnitResult extends UnitKey {
  kind: 'generation';
  samples: number;
  differsFromBaseline: number;
  meanKld: number;
  stoppedByEos: number;
}

export interface PerformanceUnitResult extends UnitKey {
  kind: 'performance';
  executionProvider: string;
  loadMs: number;
  sessionRssBytes: number;
  peakRssBytes: number;
  highWaterRssBytes: number;
  rssSampleIntervalMs: number;
  promptTokens: number;
  outputTokens: number;
  ttftMs: DistributionSummary;
  tpotMs: DistributionSummary;
  itlMs: DistributionSummary;
  e2eMs: DistributionSummary;
  outputTokensPerSecond: DistributionSummary;
}

export type UnitResult = PerplexityUnitResult | LockstepUnitResult | GenerationUnitResult | PerformanceUnitResult;

/** One line of events.jsonl (append-only; flushed as each unit completes). */
export type RunEvent =
  | { type: 'run-started'; at: string; runId: string; resumed: boolean }
  | { type: 'unit-started'; at: string; unit: UnitKey }
  | { type: 'unit-completed'; at: string; result: UnitResult }
  | { type: 'unit-failed'; at: string; unit: UnitKey; error: string }
  | { type: 'warning'; at: string; message: string; variantId?: string }
  | { type: 'run-finished'; at: string; status: RunStatus };

export type RunStatus = 'running' | 'completed' | 'completed-with-errors' | 'failed' | 'cancelled' | 'crashed';

/** One line of samples.jsonl: one (variant, prompt) generation. */
export interface SampleRecord {
  /** sha256 of (prompt, decoding settings): the same prompt matches across runs and variants. */
  sampleKey: string;
  promptIndex: number;
  variantId: string;
  prompt: string;
  output: string;
  tokenIds: number[];
  /** Decoded text of each generated token, so views can colour tokens. */
  tokenTexts: string[];
  /** Per generated token, teacher-forced under the baseline: KL(base ‖ variant) and Q(x) − P(x). */
  kld: number[];
  deltaP: number[];
  /**
   * Per generated token, −ln P_base(token) teacher-forced: the baseline's surprise at this output
   * (for the baseline's own samples, at its own output). Absent in runs made before it existed.
   */
  baselineNll?: number[];
  /** Index of the first generated token where the variant's greedy choice differs from the baseline's; null if none. */
  firstDivergence: number | null;
  stoppedBy: 'eos' | 'max-new-tokens';
  /** Automatic failure flags against the baseline's sample of the same prompt (src/shared/annotations/flags.ts). */
  flags?: SampleFlag[];
}

/** report.json: the summary every view reads. */
export interface RunReport {
  schemaVersion: string;
  runId: string;
  status: RunStatus;
  finishedAt: string;
  baselineId: string;
  variants: VariantSummary[];
  failures: Array<{ unit: string; error: string }>;
  warnings: string[];
}

export interface ValueWithError {
  value: number;
  se: number;
}

export interface VariantSummary {
  id: string;
  dtype: VariantDtype;
  isBaseline: boolean;
  sizeBytes: number;
  sizeRatioToBaseline: number;
  perplexity?: PerplexityReport;
  /** PPL(variant) − PPL(base) on the same windows, ± se (llama.cpp's paired form). */
  deltaPerplexity?: ValueWithError;
  kld?: KldReport;
  generation?: GenerationUnitResult;
  performance?: PerformanceUnitResult;
  /** variant ÷ baseline for the headline speed figures. */
  speedup?: { tpot: number; ttft: number; throughput: number };
}
