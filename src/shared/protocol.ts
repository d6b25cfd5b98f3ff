import type { ModelFolder } from './modelTypes';
import type { EndpointSpec } from './endpoints';
import type { ServedLoadSettings } from './servedLoad';
import type { PerturbationSpec } from './robustness/perturbations';
import type { ChatTemplateMode, ExecutionProviderChoice, Measure, PerformanceSweep, RunStatus, UnitResult } from './report/schema';
import type { WindowSchemeKind } from './windows';

/**
 * Messages between a parent (the extension host or the CLI) and the evaluation worker, over
 * Node's IPC channel. Every message is a typed constant here; both sides dispatch on `type`.
 */

/**
 * What the user asked for, as paths and settings. The worker turns it into the run's RunSpec
 * (variants resolved, files hashed) and records that in run.json.
 */
export interface RunRequest {
  modelFolder: string;
  /** Variant ids to evaluate; all evaluable variants when absent. The baseline is always included. */
  variants?: string[];
  baseline?: string;
  measures: Measure[];
  corpusFile?: string;
  promptsFile?: string;
  /** Task files (`*.quantlens.yaml` / `.json`): one 'task' unit per task and variant, whatever `measures` says. */
  taskFiles?: string[];
  /** At most this many items per task (a task's own `limit` still applies when smaller). */
  taskLimit?: number;
  /** HELM robustness perturbations applied to every task's inputs (`--robustness`); each task file may add its own. */
  robustness?: PerturbationSpec[];
  /** Code tasks may run the model's code in the sandbox, and how the user said so; absent = refused. */
  allowCodeExecution?: '--allow-code-execution' | 'quantlens.codeExecution.enabled';
  /** A run-level goals file (YAML or JSON): goals on PPL ratio, KLD, Same-top p, TPOT, size, memory… */
  goalsFile?: string;
  contextLength: number;
  stride: number;
  /** How the corpus is cut into perplexity windows; absent means 'sliding' (see shared/windows.ts). */
  windowScheme?: WindowSchemeKind;
  maxNewTokens: number;
  /**
   * The performance workload. Without `sweep` (or for the lists it leaves out) it is one cell:
   * promptTokens in, outputTokens out, batch 1, one request at a time, `repetitions` iterations.
   */
  performance: { promptTokens: number; outputTokens: number; warmups: number; repetitions: number; sweep?: Partial<PerformanceSweep> };
  executionProvider: ExecutionProviderChoice;
  /** Whether the generation prompts go through the model's chat template; absent means 'auto'. */
  chatTemplate?: ChatTemplateMode;
  threads: { intraOp: number; interOp: number };
  seed: number;
  /** Refuse input files that are not valid UTF-8 (a bad-input error) instead of warning and going on. */
  strict?: boolean;
  /** Variants served behind OpenAI-compatible endpoints, evaluated beside the folder's own. */
  endpoints?: EndpointSpec[];
  /** How served variants' performance is swept (rates, burstiness, requests per cell, SLOs); defaults when absent. */
  servedLoad?: ServedLoadSettings;
}

/** Parent → worker: evaluate this request, writing the run under `<outputFolder>/.quantlens/runs/`. */
export interface StartRunMessage {
  type: 'start-run';
  request: RunRequest;
  /**
   * The model folder as discovery saw it when the run was started (discoverForRun, with the
   * request's baseline): the worker evaluates these variants and this config summary and does not
   * read the folder's layout again, so one run rests on one discovery. The parent discovers at
   * start, not from a cached models view, so the discovery is no older than the run.
   */
  model: ModelFolder;
  outputFolder: string;
  /** Continue the newest unfinished run of the same spec instead of starting a new one (false: a new run). */
  resume: false | ResumeMode;
}

/**
 * How a resume treats a finished unit whose input files changed since it was computed:
 * 'recompute-changed' says which file changed and computes the unit again; 'strict' refuses the run.
 */
export type ResumeMode = 'recompute-changed' | 'strict';

/** Parent → worker: stop after the current step; completed units stay on disk. */
export interface CancelMessage {
  type: 'cancel';
}

export type ParentToWorker = StartRunMessage | CancelMessage;

/** Worker → parent: the run folder exists and run.json is written. */
export interface RunCreatedMessage {
  type: 'run-created';
  runId: string;
  runFolder: string;
  resumed: boolean;
  /** Units already done (when resuming), as `kind:variant` keys. */
  skippedUnits: string[];
}

/** Worker → parent: where the run is. `done`/`total` count units' steps within the stage. */
export interface ProgressMessage {
  type: 'progress';
  stage: 'load' | 'perplexity' | 'lockstep' | 'generation' | 'performance' | 'task' | 'report';
  variantId: string;
  done: number;
  total: number;
  /** Whole-run fraction complete, 0‥1. */
  overall: number;
  /** Estimated seconds to the end of the run, when there is enough history to say. */
  etaSeconds: number | null;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Worker → parent: a log line for the output channel / stderr. */
export interface LogMessage {
  type: 'log';
  level: LogLevel;
  message: string;
}

/** Worker → parent: a unit finished; its result is already appended to events.jsonl. */
export interface UnitResultMessage {
  type: 'unit-result';
  result: UnitResult;
}

/** Worker → parent: something the user should know that does not stop the run. */
export interface WarningMessage {
  type: 'warning';
  message: string;
  variantId?: string;
}

/** Worker → parent: a unit or the run failed. `file`/`line` name the input at fault when known. */
export interface ErrorMessage {
  type: 'error';
  message: string;
  fatal: boolean;
  file?: string;
  line?: number;
  remedy?: string;
  variantId?: string;
}

/** Worker → parent: the run ended (the worker then waits to be told to exit or is killed). */
export interface DoneMessage {
  type: 'done';
  status: RunStatus;
  runFolder: string | null;
  reportPath: string | null;
}

export type WorkerToParent = RunCreatedMessage | ProgressMessage | LogMessage | UnitResultMessage | WarningMessage | ErrorMessage | DoneMessage;

const WORKER_TO_PARENT_TYPES = new Set<WorkerToParent['type']>(['run-created', 'progress', 'log', 'unit-result', 'warning', 'error', 'done']);
const PARENT_TO_WORKER_TYPES = new Set<ParentToWorker['type']>(['start-run', 'cancel']);

export function isWorkerToParent(value: unknown): value is WorkerToParent {
  return typeof value === 'object' && value !== null && WORKER_TO_PARENT_TYPES.has((value as { type: WorkerToParent['type'] }).type);
}

export function isParentToWorker(value: unknown): value is ParentToWorker {
  return typeof value === 'object' && value !== null && PARENT_TO_WORKER_TYPES.has((value as { type: ParentToWorker['type'] }).type);
}
