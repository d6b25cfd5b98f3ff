import type { CalibrationSummary, RobustnessEntry, RobustnessSpec, TaskPerturbationRecord } from './robustnessTypes';
import type { QuantSignature, VariantDtype } from '../modelTypes';
import type { ServerDialect } from '../endpoints';
import type { DistributionSummary } from '../stats/summary';
import type { KldReport } from '../stats/fidelity';
import type { PerplexityReport } from '../stats/perplexity';
import type { WindowScheme } from '../windows';
import type { SampleFlag } from '../annotations/types';
import type { ComparabilityCheck } from './comparability';
import type { Goal } from '../stats/gates';
import type { HumanRatingReport } from '../rating/types';
import type { LlamaCppVariantCard } from '../llamaCppCard';
import type { CodeExecutionRecord, CodeLanguage, CodeSampleResult } from '../code/types';

/**
 * The run report on disk (`.quantlens/runs/<runId>/`) is the contract between the engine and every
 * view. Documented in docs/report-schema.md; bump the major version on any breaking change.
 */
export const SCHEMA_VERSION = '1.3.0';

export type Measure = 'fidelity' | 'generation' | 'performance';

/**
 * What the user asked for and every input a number can depend on, content-hashed. `specHash` hashes
 * all of it; --resume finds a run by the spec without the content hashes (src/worker/specIdentity.ts)
 * and then reuses each finished unit only while that unit's own inputs are unchanged.
 */
export interface RunSpec {
  modelFolder: string;
  modelName: string;
  baselineId: string;
  variantIds: string[];
  measures: Measure[];
  corpus?: InputFileRef;
  prompts?: InputFileRef;
  /** Task files (`--tasks`), each hashed; absent in runs without tasks. */
  taskFiles?: InputFileRef[];
  /** The data files those tasks read (eval and few-shot splits), hashed so a changed dataset is a new spec. */
  taskDatasets?: InputFileRef[];
  /** At most this many items per task (below each task's own `limit`). */
  taskLimit?: number;
  /** The run-level goals file (`--goals`), hashed; absent without one. */
  goalsFile?: InputFileRef;
  /**
   * Goals on the run's headline quantities (PPL ratio, KLD, Same-top p, TPOT, …), from the goals
   * file and from task files' goals that name such a quantity; checked on every variant.
   */
  goals?: RunGoal[];
  windows: WindowScheme;
  generation: { maxNewTokens: number; greedy: true; stopOnEos: true };
  performance: { promptTokens: number; outputTokens: number; warmups: number; repetitions: number; ignoreEos: true; sweep?: PerformanceSweep };
  executionProvider: ExecutionProviderChoice;
  threads: { intraOp: number; interOp: number };
  seed: number;
  /** How the main prompts (`--prompts`) were fed: through the model's chat template or raw (absent in runs before it existed). */
  chatTemplate?: ChatTemplateRecord;
  /** The model folder's files, content-hashed (absent in runs before schema 1.1). */
  modelFiles?: ModelFileRefs;
  /** The libraries that compute every number (absent in runs before schema 1.1). */
  libraries?: LibraryVersions;
  /** HELM robustness perturbations applied to every task's inputs (since 1.3.0). */
  robustness?: RobustnessSpec;
  /** Code tasks: that execution was allowed, the interpreters, limits and isolation in force (absent without code tasks). */
  codeExecution?: CodeExecutionRecord;
}

/** The model folder's files the numbers depend on; an optional file the folder lacks is null. */
export interface ModelFileRefs {
  config: InputFileRef;
  tokenizer: InputFileRef;
  /** tokenizer_config.json: special tokens, and the chat template task prompts render through. */
  tokenizerConfig: InputFileRef | null;
  /** chat_template.jinja, which newer exports keep beside tokenizer_config.json. */
  chatTemplate: InputFileRef | null;
  generationConfig: InputFileRef | null;
  /** Each variant's .onnx file and its external data files, by variant id. */
  variants: Record<string, InputFileRef[]>;
}

export interface LibraryVersions {
  onnxruntimeNode: string;
  transformersJs: string;
}

/**
 * What one unit's numbers were computed from: the sha256 of each input file by absolute path, and
 * each library's version by package name. Resume compares it with the files as they are now.
 */
export interface UnitInputs {
  files: Record<string, string>;
  libraries: Record<string, string>;
}

/** A goal on a headline quantity, with where it was written. */
export interface RunGoal extends Goal {
  file: string;
  line: number;
}

export type ExecutionProviderChoice = 'auto' | 'cpu' | 'cuda' | 'webgpu' | 'dml' | 'coreml';

/** `--chat-template` / `quantlens.chatTemplate`: auto applies the model's template when it has one, on requires one, off never applies it. */
export type ChatTemplateMode = 'auto' | 'on' | 'off';

/**
 * The chat template as the run used it for the generation prompts, each rendered as one user
 * message with the generation prompt appended. Task files decide for themselves (`use_chat_template`).
 */
export interface ChatTemplateRecord {
  requested: ChatTemplateMode;
  /** Whether the generation prompts went through the template (false without generation, with off, or without a template under auto). */
  applied: boolean;
  /** The file the model's template is read from; null when the model has none. */
  source: 'tokenizer_config.json' | 'chat_template.jinja' | null;
  /** That file's sha256 (the same as in modelFiles); null without a template. */
  sha256: string | null;
  /** Performance workloads are exact-length token prompts cut from the corpus: never templated. */
  performancePrompts: 'raw';
}

/**
 * The performance workloads as run: every combination of the lists is one cell. Each cell runs
 * until both `minIterations` timed iterations and `minSeconds` of timed wall clock have passed,
 * spread over `rounds` rounds of fresh probe processes with the variants interleaved A B C A B C.
 */
export interface PerformanceSweep {
  inputLengths: number[];
  outputLengths: number[];
  batchSizes: number[];
  concurrency: number[];
  minIterations: number;
  minSeconds: number;
  rounds: number;
  /** Served variants only (absent for runs without endpoints): the load each cell puts on the server. */
  load?: LoadSweep;
}

/**
 * How a served variant's cells are driven (src/worker/load), as vLLM's `vllm bench serve` does:
 * every combination of `concurrency` × `requestRates` (with the sweep's input and output lengths)
 * is one cell; requests arrive at `requestRates` per second (gamma-distributed gaps with shape
 * `burstiness`, 1 = Poisson; 'inf' = all at once) and at most `concurrency` are in flight.
 */
export interface LoadSweep {
  requestRates: Array<number | 'inf'>;
  /** Gamma shape of the inter-arrival times: 1 = Poisson, below 1 burstier, above 1 more regular. */
  burstiness: number;
  /** Timed requests per cell and pass (at least the cell's concurrency). */
  requestsPerCell: number;
  /** Untimed requests per cell before the timed ones, at the cell's concurrency, spread over the replicas. */
  warmupRequests: number;
  /** Independent timed passes per cell: throughput and goodput get one value per pass, hence a CI. */
  passes: number;
  /** Seeds the arrival times (each cell and pass its own stream). */
  seed: number;
  /** Ask the server for exactly the output length (ignore_eos / min_tokens where it supports them). */
  fixedLength: boolean;
  /** Service-level objectives for goodput (`--slo ttft:500,tpot:50`), null without. */
  slos: ServedSlos | null;
}

/** Per-request service-level objectives in ms, vLLM's `--goodput` names: a request is good when it meets every one given. */
export interface ServedSlos {
  ttft?: number;
  tpot?: number;
  e2el?: number;
}

/** What onnxruntime-node offers here, checked by creating a one-MatMul session on each provider. */
export interface ExecutionProviderReport {
  requested: ExecutionProviderChoice;
  detected: Array<{ name: string; bundled: boolean; usable: boolean; reason?: string }>;
  /** The order a model load tries providers in (cpu last). */
  candidates: string[];
  /** Why a provider was passed over, or why the requested one falls back. */
  notes: string[];
}

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
  /** Every NVIDIA GPU nvidia-smi lists; absent in runs made before it existed. */
  gpus?: Array<{ name: string; driver: string; memoryTotalBytes: number }>;
  /** The CUDA version the driver supports (nvidia-smi's header), null without one. */
  cudaVersion?: string | null;
  /** 1/5/15-minute load averages when the run started: a busy machine makes noisy timings. */
  loadAverage?: number[];
}

export interface VariantCard {
  id: string;
  dtype: VariantDtype;
  /** The weights' files with their SHA-256; for a served variant one entry per base URL (bytes 0), its sha256 that of what discovery learned (model id, what /v1/models said), not of weights. */
  files: Array<{ path: string; bytes: number; sha256: string }>;
  sizeBytes: number;
  signature?: QuantSignature;
  /** 'served' for a variant behind an endpoint (absent for in-process variants, whose provider each unit records). */
  executionProvider?: 'served';
  /** Set for a variant behind an OpenAI-compatible endpoint (schema 1.2): which stack served it. Never an API key. */
  served?: ServedVariantCard;
  /** Set for a GGUF variant once it has loaded (issue 15): the llama.cpp binary, GPU layers, threads, batch, tokenizer check. */
  llamaCpp?: LlamaCppVariantCard;
}

/** A served variant on the run card: the server, where it ran, the model it named. */
export interface ServedVariantCard {
  dialect: ServerDialect;
  /** host:port of each replica (no scheme credentials, no path). */
  hosts: string[];
  /** The served model id the requests named. */
  model: string;
  /** How many base URLs (replicas) shared the load. */
  baseUrls: number;
  /** The context length the server reported (vLLM max_model_len), when it did. */
  maxModelLength?: number;
}

/** run.json */
export interface RunCard {
  schemaVersion: string;
  runId: string;
  /** SHA-256 of `spec`, content hashes included: rewritten when a resume finds changed files. */
  specHash: string;
  createdAt: string;
  spec: RunSpec;
  environment: EnvironmentInfo;
  variants: VariantCard[];
  /** Plain-language account of what was measured and how (windows, decoding, timing). */
  methods: string[];
  /** Execution providers detected when the run started, and the fallback order used. */
  executionProviders?: ExecutionProviderReport;
}

export type UnitKind = 'perplexity' | 'lockstep' | 'generation' | 'performance' | 'task';

export interface UnitKey {
  kind: UnitKind;
  variantId: string;
  /** The task's name, for 'task' units (one per task and variant). */
  task?: string;
}

export function unitKeyString(key: UnitKey): string {
  return key.task === undefined ? `${key.kind}:${key.variantId}` : `${key.kind}:${key.task}:${key.variantId}`;
}

/**
 * Per corpus window, in window order: scored tokens and the sums over them. Two runs on the same
 * corpus and windows pair window by window (`quantlens compare`), so the noise they share cancels.
 * Absent in runs made before it existed.
 */
export interface WindowTotals {
  tokens: number[];
  /** Σ −ln P(token) of the scored tokens. */
  nll: number[];
  /** Σ KL(base ‖ variant) of the scored tokens (lockstep units only). */
  kld?: number[];
}

export interface PerplexityUnitResult extends UnitKey {
  kind: 'perplexity';
  perplexity: PerplexityReport;
  executionProvider: string;
  windowTotals?: WindowTotals;
}

export interface LockstepUnitResult extends UnitKey {
  kind: 'lockstep';
  kld: KldReport;
  perplexity: PerplexityReport;
  executionProvider: string;
  /** The variant's NLL and the KLD, per window. */
  windowTotals?: WindowTotals;
}

/**
 * A unit whose measure the backend cannot give: a served model without prompt log-probabilities
 * (llama.cpp server, Ollama) has no perplexity, no KLD and no likelihood-task scores. Such a unit is
 * not scored — never at chance — and not a failure (the run still completes): the report lists it
 * with the backend's reason, naming the endpoint and the server. Not a finished unit either, so a
 * resumed run checks the backend again (the server may have been restarted with logprobs on).
 */
export interface UnavailableMeasure {
  /** unitKeyString of the unit. */
  unit: string;
  kind: UnitKind;
  variantId: string;
  task?: string;
  reason: string;
  /** A GGUF whose tokenizer disagrees with the baseline's: its perplexity on its own tokenization (word- and byte-level compare across tokenizers). */
  ownTokenizationPerplexity?: PerplexityReport;
}

export function unavailableMeasure(unit: UnitKey, reason: string): UnavailableMeasure {
  return { unit: unitKeyString(unit), kind: unit.kind, variantId: unit.variantId, ...(unit.task !== undefined ? { task: unit.task } : {}), reason };
}

export interface GenerationUnitResult extends UnitKey {
  kind: 'generation';
  samples: number;
  differsFromBaseline: number;
  /** Mean per-token KL(base ‖ variant) over the generated tokens (0 with `kldUnavailable`). */
  meanKld: number;
  stoppedByEos: number;
  /** 'lower': a side gave only its top-k, so the samples' per-token KLD (and meanKld) are lower bounds; Δp stays exact. */
  kldBound?: 'lower';
  /** Why the samples carry no per-token KLD and Δp (a side gives no log-probabilities; the reason names the endpoint). */
  kldUnavailable?: string;
  /** Why first divergences were not computed (the baseline gives no log-probabilities): differsFromBaseline is then 0 by omission, not a finding. */
  divergenceUnavailable?: string;
}

export interface PerformanceUnitResult extends UnitKey {
  kind: 'performance';
  /** onnxruntime's provider in-process; 'served' for a variant behind an endpoint. */
  executionProvider: string;
  /** Null for a served variant: the server loaded it, out of the client's sight (never faked as 0). */
  loadMs: number | null;
  /** Null for a served variant: the server's memory is not visible to the client. */
  sessionRssBytes: number | null;
  peakRssBytes: number | null;
  highWaterRssBytes: number | null;
  rssSampleIntervalMs: number | null;
  promptTokens: number;
  outputTokens: number;
  ttftMs: DistributionSummary;
  /** Null when no request produced two tokens (a prefill-only workload): TPOT and ITL are undefined then. */
  tpotMs: DistributionSummary | null;
  itlMs: DistributionSummary | null;
  e2eMs: DistributionSummary;
  outputTokensPerSecond: DistributionSummary;
  /** Threads the sessions ran with. */
  threads?: { intraOp: number; interOp: number };
  /** Providers that were tried and failed before `executionProvider`, with onnxruntime's reason. */
  providerFallbacks?: Array<{ provider: string; reason: string }>;
  /** Fresh probe processes this variant ran in (one per round). */
  rounds?: number;
  /** Every workload of the sweep; the headline figures above are the first cell's. */
  cells?: PerformanceCell[];
  /** The streaming-copy and MatMul probes of this machine, for the roofline fractions. */
  machine?: MachineProbe;
  /** The headline cell's roofline figures. */
  roofline?: RooflineFigures;
  /** A served variant's load test: which definitions the figures follow, the hosts, the load settings. */
  served?: ServedPerformance;
}

/** What a served variant's performance unit says about how it was measured. */
export interface ServedPerformance {
  /** Each latency and throughput figure defined once, in words (vLLM's `benchmarks/serve.py` definitions). */
  definitions: ServedMetricDefinitions;
  /** The replicas' hosts (scheme://host:port, no credentials), requests spread round-robin. */
  hosts: string[];
  load: LoadSweep;
  /** Timed requests over all cells and passes, and how many failed after their retries. */
  requests: number;
  failed: number;
  /** Every completed request of every cell got exactly the asked output length with the fixed length honoured. */
  fixedLengthHonoured: boolean;
  /** Caveats a reader must see (prompts repeating in a short corpus, failed requests, lengths not honoured). */
  notes: string[];
}

export interface ServedMetricDefinitions {
  convention: string;
  ttft: string;
  itl: string;
  tpot: string;
  e2el: string;
  requestThroughput: string;
  outputThroughput: string;
  goodput: string;
  statistics: string;
}

/** One workload of the performance sweep, measured over every round. */
export interface PerformanceCell {
  inputTokens: number;
  outputTokens: number;
  /** Rows per request; 1 for a served variant (one prompt per request). */
  batchSize: number;
  /** Requests in flight at once in one process; for a served variant, the most in flight at once (the client's cap). */
  concurrency: number;
  /** Timed iterations; one iteration is `concurrency` requests of `batchSize` rows, started together. Served: timed requests sent. */
  iterations: number;
  /** Wall-clock seconds of the timed decode iterations; served: the passes' benchmark durations summed. */
  seconds: number;
  /** Prefill: a request with max_new_tokens = 1 (optimum-benchmark), timed on its own; null for a served variant (not measured apart). */
  prefillMs: DistributionSummary | null;
  ttftMs: DistributionSummary;
  /** Null when every request had one output token (prefill only). */
  tpotMs: DistributionSummary | null;
  itlMs: DistributionSummary | null;
  e2eMs: DistributionSummary;
  /** Per iteration: Σ output tokens (all rows, all requests) / wall duration. Served: per pass, Σ output tokens / benchmark duration. */
  outputTokensPerSecond: DistributionSummary;
  /** Per iteration: completed requests / wall duration. Served: per pass, completed requests / benchmark duration. */
  requestsPerSecond: DistributionSummary;
  /** Mean TPOT of each round (served: each pass), in order: drift shows here. */
  tpotMsByRound: number[];
  /** Peak RSS of the probe while this cell ran (parent-side sampling); null for a served variant. */
  peakRssBytes: number | null;
  /** KV cache at the end of a request: 2 × layers × kv heads × head dim × (input + output) × rows in flight × element bytes; null for a served variant (the server's cache layout is its own). */
  kvCacheBytes: number | null;
  gpuMemory?: GpuMemoryReading;
  outputLength: OutputLengthCheck;
  /** TPOT's coefficient of variation is above the noise threshold. */
  noisy: boolean;
  /** This variant against the baseline in the same cell (absent for the baseline). */
  vsBaseline?: CellComparison;
  roofline?: RooflineFigures;
  /** What only a served cell has: request rate, burstiness, failures, goodput, replicas. */
  served?: ServedCellFigures;
}

/** A served cell's load figures, pooled over its passes (vLLM's definitions, see ServedPerformance.definitions). */
export interface ServedCellFigures {
  requestRate: number | 'inf';
  burstiness: number;
  passes: number;
  /** Timed requests sent, completed, and failed after their retries (failed ones are in no latency figure). */
  requests: number;
  completed: number;
  failed: number;
  /** The distinct errors of the failed requests (at most 5), with how often each came. */
  errors: Array<{ message: string; count: number }>;
  /** Completed requests / Σ benchmark durations. */
  requestThroughput: number;
  /** Σ output tokens of completed requests / Σ benchmark durations. */
  outputThroughput: number;
  /** Σ (input + output) tokens of completed requests / Σ benchmark durations. */
  totalTokenThroughput: number;
  /** Null without SLOs. */
  goodput: GoodputFigures | null;
  /** Scheduled arrival → sent (waiting for a free slot under the concurrency cap); vLLM's client queue time. */
  clientQueueMs: DistributionSummary | null;
  /** The most requests the client had in flight at once (never above `concurrency`). */
  peakInFlight: number;
  /** Whether the server gave every completed request exactly the asked length with ignore_eos / min_tokens honoured. */
  fixedLength: { asked: boolean; honoured: boolean; notHonouredRequests: number };
  replicas: Array<{ host: string; requests: number; failed: number }>;
}

/** DistServe's goodput as vLLM's `--goodput` computes it: requests meeting every SLO / benchmark duration. */
export interface GoodputFigures {
  slos: ServedSlos;
  goodRequests: number;
  /** Good requests / Σ benchmark durations (req/s). */
  requestGoodput: number;
  /** Per pass: good requests / that pass's duration. */
  requestGoodputByPass: DistributionSummary;
  /** Good requests / timed requests sent (failed ones count as not good). */
  goodShare: number;
}

/** Output lengths of the timed requests: fixed by design, so any spread is drift. */
export interface OutputLengthCheck {
  expected: number;
  min: number;
  max: number;
  /** Some request produced another number of tokens than asked. */
  drift: boolean;
  /** Share of rows whose greedy output held an EOS before the end (natural decoding would have stopped); null for a served variant (the stream does not say). */
  eosBeforeEnd: number | null;
  /** Median position of the first EOS among rows that had one, null if none did. */
  medianEosIndex: number | null;
}

/** Variant ÷ baseline in one cell, with Welch's t on the TPOT means. */
export interface CellComparison {
  tpotRatio: number;
  ttftRatio: number;
  /** |t| above Student's 97.5% quantile: the TPOT difference is resolved at 95%. */
  resolved: boolean;
  welchT: number;
  df: number;
  /**
   * The two sides ran on different stacks (a served variant over HTTP, timed by the load generator,
   * against the in-process baseline, timed in probe processes): the ratio compares the stacks as
   * they are, not the quantization alone.
   */
  otherStack?: true;
}

/** GPU memory from nvidia-smi: the probe process's own use and the whole device's, or why there is none. */
export interface GpuMemoryReading {
  source: 'nvidia-smi' | 'none';
  /** Memory nvidia-smi attributes to the probe process (compute apps). */
  processUsedBytes?: number;
  /** Memory in use on the whole device, every process included. */
  deviceUsedBytes?: number;
  deviceTotalBytes?: number;
  /** The device's temperature, clocks and power when the reading was taken (the end of the cell). */
  conditions?: GpuConditions;
  reason?: string;
}

/**
 * Environmental conditions of the GPU at one reading, from nvidia-smi: speed depends on them (a hot
 * or power-capped card clocks down), so runs compared side by side should show similar ones.
 * A field the GPU does not report ("[N/A]") is absent.
 */
export interface GpuConditions {
  name: string;
  temperatureC?: number;
  smClockMHz?: number;
  memoryClockMHz?: number;
  powerW?: number;
  /** Performance state, P0 (highest) … P12. */
  pstate?: string;
}

/** This machine's measured ceilings. */
export interface MachineProbe {
  /** Streaming copy (read + write bytes counted), best of several passes. */
  copyBandwidthBytesPerSecond: number;
  copyThreads: number;
  copyBytes: number;
  /** fp32 MatMul in onnxruntime-node on the run's threads, best of several runs; null if it failed. */
  matmulFlopsPerSecond: number | null;
  matmulSize: number;
  /** The provider the variants ran on; on a GPU provider the copy probe measures host memory, so no bandwidth fraction is given. */
  provider: string;
  /** The CPU's last-level cache (Linux sysfs), null where unknown: weights smaller than this may never leave the cache. */
  lastLevelCacheBytes: number | null;
  probeMs: number;
}

/** Work per decode step set against wall clock (see src/shared/perf/roofline.ts). */
export interface RooflineFigures {
  /** Weight bytes one decode step reads: every weight initializer, the tables only gathers read (embedding, rotary caches) counted as one row each. */
  weightBytesPerStep: number;
  /** The bytes of those gathered tables left out (all but one row of each). */
  embeddingBytesExcluded: number;
  /** KV cache read by one decode step at the mean decode context, all rows. */
  kvBytesPerStep: number;
  /** 2 × matmul parameters + attention (4 × layers × heads × head dim × context), per generated token. */
  flopsPerToken: number;
  meanContext: number;
  achievedBytesPerSecond: number;
  achievedFlopsPerSecond: number;
  /** Of the measured copy bandwidth / MatMul FLOP/s; null without a probe. */
  bandwidthFraction: number | null;
  flopsFraction: number | null;
}

/** A task metric's corpus value and its uncertainty; null where a value is undefined (no items, NaN). */
export interface TaskMetricValue {
  /** Registry name, e.g. "acc", "rougeL_stem". */
  metric: string;
  title: string;
  higherIsBetter: boolean;
  n: number;
  value: number | null;
  /** Standard error: sample std / √n for mean metrics, the bootstrap's otherwise. */
  se: number | null;
  /** Seeded percentile bootstrap interval of the corpus value. */
  ci: { low: number | null; high: number | null; confidence: number };
  signature?: string;
}

/** A variant against the baseline on the same items (paired by dataset content hash). */
export interface TaskMetricComparison {
  metric: string;
  /** Items both sides scored. */
  n: number;
  baseline: number | null;
  variant: number | null;
  /** variant − baseline, with the paired bootstrap interval and two-sided p-value. */
  delta: number | null;
  ci: { low: number | null; high: number | null; confidence: number };
  se: number | null;
  pValue: number | null;
  /** Right/wrong metrics (acc, EM): items that flipped, and McNemar's test. */
  flips?: { correctToWrong: number; wrongToCorrect: number; flipRate: number };
  mcnemar?: { statistic: number | null; pValue: number | null; method: 'exact-binomial' | 'chi-square-corrected' };
  /** Two one-sided tests at the goal's margin (mean metrics only). */
  tost?: { margin: number; pValue: number | null; equivalent: boolean; ci: Array<number | null> };
}

/**
 * A goal checked on a variant (Olive / Neural Compressor tolerances): a task-file goal on a task
 * metric, or a run-level goal on a headline quantity. The evidence fields are absent in reports
 * made before goals could decide on anything but the point estimate.
 */
export interface GoalVerdict {
  metric: string;
  /** Run-level goals: the quantity's title (e.g. "KLD p99") and unit ("nats", "ms", "bytes", ""). */
  title?: string;
  unit?: string;
  kind: 'max_degradation' | 'percent_max_degradation';
  limit: number;
  /** Absent in reports made before verdicts carried it. */
  higherIsBetter?: boolean;
  baseline: number | null;
  variant: number | null;
  /** The worst value that still passes. */
  threshold: number | null;
  /** How much worse the variant's point estimate is (positive = worse), in metric units. */
  degradation: number | null;
  /** degradation / |baseline| · 100. */
  percentDegradation: number | null;
  pass: boolean;
  /**
   * The value was only a lower bound (KLD from a top-k server) and met the goal: the true value may
   * not, so the goal is neither passed nor failed (`pass` is false, so gates do not pass silently).
   */
  inconclusive?: true;
  reason?: string;
  /** What decided: the point estimate, a 95% CI bound, or the TOST equivalence test. */
  evidence?: 'point' | 'ci' | 'equivalence';
  /** What the goal asked for, when that evidence was missing and another decided (see `note`). */
  requestedEvidence?: 'point' | 'ci' | 'equivalence';
  /** With evidence 'ci': the bound of the variant's 95% interval that was set against the threshold. */
  ciBound?: 'upper' | 'lower';
  /** The number set against the threshold. */
  decidingValue?: number | null;
  /** The variant's value interval (baseline + the interval of variant − baseline) and how it was made. */
  ci?: { low: number | null; high: number | null; confidence: number; method: string };
  /** The equivalence test: margin in metric units, its (1 − 2α) interval of variant − baseline. */
  tost?: { margin: number; pValue: number | null; equivalent: boolean; ci: Array<number | null>; method: string };
  /** What the point estimate alone would have decided. */
  pointPass?: boolean;
  /** A fallback or caveat in words (e.g. no CI for disk size). */
  note?: string;
  /** Run-level goals: the file and line the goal was written at. */
  source?: { file: string; line: number };
}

/** The verdict of a task-file goal (the same shape as every goal's). */
export type TaskGoalVerdict = GoalVerdict;

/**
 * One task on one variant. Per-item numbers are kept as arrays in item order, so the variant's
 * unit can pair its items with the baseline's (by `itemKeys`) and a resumed run can too.
 */
export interface TaskUnitResult extends UnitKey {
  kind: 'task';
  task: string;
  taskType: 'multiple_choice' | 'generation' | 'perplexity' | 'code';
  /** The task file. */
  taskFile: string;
  executionProvider: string;
  /** Each item's dataset content hash, in order. */
  itemKeys: string[];
  /** Multiple choice: Σ log P(continuation token | prefix) per choice, per item. */
  choiceLogLikelihoods?: number[][];
  /** Generation: the output after cutting at the first stop sequence, per item. */
  predictions?: string[];
  /** Perplexity: the rolling log-likelihood (natural log) and the scored tokens, per item. */
  logLikelihoods?: number[];
  tokenCounts?: number[];
  /** Code: every sample of every problem (completion, sandbox result, seed), per item. */
  codeSamples?: CodeSampleResult[][];
  /** Code: each problem's task_id, language and prompt, so views show what was asked. */
  codeProblems?: Array<{ taskId: string; language: CodeLanguage; prompt: string }>;
  /** Corpus values, each with its per-item values (null where undefined). */
  metrics: Array<TaskMetricValue & { itemValues: Array<number | null> }>;
  /** Against the baseline's task unit (absent for the baseline, or when it has no result). */
  comparisons?: TaskMetricComparison[];
  goals?: TaskGoalVerdict[];
  /** A perturbed copy of a task (since 1.3.0): what was applied and each item's perturbed input. */
  perturbation?: TaskPerturbationRecord;
  /** Multiple choice: the reliability diagram's bins and selective accuracy (since 1.3.0). */
  calibration?: CalibrationSummary;
}

export type UnitResult = PerplexityUnitResult | LockstepUnitResult | GenerationUnitResult | PerformanceUnitResult | TaskUnitResult;

/** One line of events.jsonl (append-only; flushed as each unit completes). */
export type RunEvent =
  | { type: 'run-started'; at: string; runId: string; resumed: boolean }
  | { type: 'unit-started'; at: string; unit: UnitKey }
  /** `inputs` is absent in runs before schema 1.1 (resume recomputes such units). */
  | { type: 'unit-completed'; at: string; result: UnitResult; inputs?: UnitInputs }
  | { type: 'unit-failed'; at: string; unit: UnitKey; error: string }
  /** The unit's measure cannot be had from this backend (UnavailableMeasure): not scored, not failed. */
  | { type: 'unit-unavailable'; at: string; unit: UnitKey; reason: string }
  | { type: 'warning'; at: string; message: string; variantId?: string }
  | { type: 'run-finished'; at: string; status: RunStatus };

export type RunStatus = 'running' | 'completed' | 'completed-with-errors' | 'failed' | 'cancelled' | 'crashed';

/** One line of samples.jsonl: one (variant, prompt) generation. */
export interface SampleRecord {
  /** sha256 of (prompt, decoding settings, the rendered input when a chat template applied): the same input matches across runs and variants. */
  sampleKey: string;
  promptIndex: number;
  variantId: string;
  /** The prompt file's line, as written. */
  prompt: string;
  /**
   * The text the model was fed when a chat template rendered the prompt (tokenized, generated from
   * and teacher-forced under the baseline); absent when the prompt went in raw.
   */
  input?: string;
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
  /** Units not scored because the backend cannot give their measure (absent when none). */
  unavailable?: UnavailableMeasure[];
  warnings: string[];
  /**
   * The comparability checklist across this run's variants (chat template, decoding, sample counts,
   * context and stride, seeds, execution provider, threads); a check that `differs` is a warning.
   * Absent in runs made before it existed.
   */
  comparability?: ComparabilityCheck[];
  /**
   * Blind side-by-side human ratings (schema 1.3): every rater's file in `<run>/ratings/`, merged.
   * The engine writes no ratings; views and exports fold them in when they read the run.
   */
  humanRating?: HumanRatingReport;
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
  /** Exact, or with `kld.bound` 'lower' a lower bound (a side gave only its top-k). */
  kld?: KldReport;
  /** This variant's units that were not scored and why (see RunReport.unavailable). */
  unavailable?: UnavailableMeasure[];
  generation?: GenerationUnitResult;
  performance?: PerformanceUnitResult;
  /** baseline ÷ variant for the headline speed figures; null where a ratio is undefined (no TPOT in a prefill-only run). */
  speedup?: { tpot: number | null; ttft: number; throughput: number };
  /** One sentence setting bytes and FLOPs per token against the measured speed. */
  rooflineExplanation?: string;
  /** Task metrics (`--tasks`), with the paired comparison and goal verdicts for non-baseline variants. */
  tasks?: TaskSummary[];
  /** Verdicts of the run-level goals (spec.goals) on this variant; absent on the baseline. */
  goals?: GoalVerdict[];
  /** Every goal passed, task and run-level (absent when no goal applies to this variant). */
  gatesPassed?: boolean;
  /** Per task and perturbation: the metric clean and perturbed, the drop, and against the baseline's drop (since 1.3.0). */
  robustness?: RobustnessEntry[];
}

export interface TaskSummary {
  task: string;
  type: 'multiple_choice' | 'generation' | 'perplexity' | 'code';
  file: string;
  n: number;
  metrics: Array<TaskMetricValue & { vsBaseline?: TaskMetricComparison; goals?: TaskGoalVerdict[] }>;
  /** Multiple choice: reliability bins and selective accuracy (since 1.3.0). */
  calibration?: CalibrationSummary;
}
