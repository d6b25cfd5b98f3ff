import { errorMessage, isInputError } from '../shared/errors';
import type { DoneMessage, ProgressMessage, StartRunMessage, WorkerToParent } from '../shared/protocol';
import { buildReport } from '../shared/report/buildReport';
import { RunStatus, UnavailableMeasure, unavailableMeasure, UnitInputs, UnitKey, unitKeyString, UnitResult } from '../shared/report/schema';
import type { ModelVariant } from '../shared/modelTypes';
import { BaselineSamples } from './report/baselineSamples';
import type { ModelBackend } from './backend/modelBackend';
import { loadBackend } from './backend/loadBackend';
import { journalServedRequests } from './backend/servedAnswers';
import { withoutCredentials } from './modelFileHashes';
import { measureServedPerformance } from './servedPerformance';
import { runLockstepPass, runPerplexityPass } from './passes/corpusPasses';
import { runGenerationPass } from './passes/generationPass';
import { runTaskPass } from './passes/taskPass';
import { hiddenFolders } from './code/codeGate';
import { PerformanceProgress, PerformancePhase } from './passes/performancePhase';
import { ProgressClock } from './progressClock';
import { OpenedRun, openRunFolder } from './openRun';
import { PreparedRun, prepareRun } from './runSetup';
import { planUnits, PlannedUnit } from './unitPlan';
import { inputSourcesOf, unitInputs } from './unitInputs';
import { unavailableReason } from './unavailable';
import { mismatchedTokenizerOutcome, recordLoadedBackend } from './gguf/ggufUnits';

export interface EngineIO {
  send(message: WorkerToParent): void;
  shouldStop(): boolean;
  /** This worker's own bundle, re-run with --perf-probe for each performance unit. */
  workerScript: string;
}

const now = (): string => new Date().toISOString();

/**
 * Evaluates a model folder's variants against the baseline and writes the run folder. Never throws
 * and never exits the process: every failure becomes a message and, where a run folder exists, an
 * event on disk; the parent decides what happens next.
 */
export async function runEvaluation(start: StartRunMessage, io: EngineIO): Promise<DoneMessage> {
  let prepared: PreparedRun;
  let opened: OpenedRun;
  let inputsOf: (unit: UnitKey) => UnitInputs;
  try {
    io.send({ type: 'log', level: 'info', message: `Preparing the run of ${start.request.modelFolder}` });
    prepared = await prepareRun(start.request, start.model);
    const sources = inputSourcesOf(prepared);
    inputsOf = (unit) => unitInputs(unit, sources);
    // Inside the try: a run folder that cannot be written (or a file that cannot be hashed) must
    // end the run with a message, not escape as an unhandled rejection that leaves the worker hanging.
    opened = openRunFolder(start, prepared, inputsOf);
  } catch (error) {
    sendError(io, error, true);
    return { type: 'done', status: 'failed', runFolder: null, reportPath: null };
  }
  const { folder: runFolder, card, completed, resumed } = opened;
  runFolder.appendEvent({ type: 'run-started', at: now(), runId: card.runId, resumed });
  io.send({ type: 'run-created', runId: card.runId, runFolder: runFolder.path, resumed, skippedUnits: [...completed.keys()] });
  io.send({ type: 'log', level: 'info', message: `Run ${card.runId}: baseline ${prepared.baseline.id}, variants ${prepared.spec.variantIds.join(', ')}` });

  const units = planUnits(prepared.baseline.id, prepared.spec.variantIds, prepared.spec.measures, {
    windows: prepared.corpus?.windows.length ?? 0,
    prompts: prepared.prompts?.prompts.length ?? 0,
    perfRequests: prepared.spec.performance.warmups + prepared.spec.performance.repetitions,
    tasks: prepared.tasks.map((t) => ({ name: t.task.name, items: t.prompts.length })),
  });
  const clock = new ProgressClock(units.reduce((sum, u) => sum + u.weight, 0));
  const results = new Map<string, UnitResult>(completed);
  const failures: Array<{ unit: string; error: string }> = [];
  const unavailable: UnavailableMeasure[] = [];
  const warnings: string[] = [];
  const warn = (message: string, variantId?: string): void => {
    warnings.push(message);
    runFolder.appendEvent({ type: 'warning', at: now(), message, variantId });
    io.send({ type: 'warning', message, variantId });
  };
  for (const message of prepared.warnings) warn(message);
  for (const { cause, units } of opened.recomputed) warn(`${cause}: recomputing ${units.join(', ')}`);
  for (const v of prepared.variants) for (const w of v.warnings ?? []) warn(`${v.id}: ${w.file} ${w.problem} ${w.remedy}`, v.id);
  const served = prepared.variants.filter((v) => v.served);
  if (resumed && served.length) {
    warn(`Resuming with served variants (${served.map((v) => `${v.id} at ${v.served!.hosts.join(', ')}`).join('; ')}): a served model's weights cannot be verified; their finished units are reused when the endpoint reports the same model as before (base URLs, served model id and what /v1/models says).`);
  }
  // A GGUF variant's card entry learns, when it loads, which llama.cpp binary ran it (ggufUnits.ts).
  const models = new LoadedModels(prepared, io, warn, runFolder.path, (backend) => {
    if (recordLoadedBackend(card, backend)) runFolder.writeCard(card);
  });
  // Performance units run together: the variants' probe processes interleave round by round.
  const performance = new PerformancePhase({
    workerScript: io.workerScript,
    modelFolder: prepared.folder.path,
    geometry: prepared.geometry,
    spec: prepared.spec,
    // Served variants are swept over HTTP by their own unit, not timed in probe processes.
    variants: units.filter((u) => u.kind === 'performance' && !completed.has(unitKeyString(u))).map((u) => variantById(prepared, u.variantId)).filter((v) => !v.served),
    source: prepared.performanceSource,
    eosTokenIds: prepared.tokenizer.eosTokenIds,
    warn,
  });

  const baselineSamples = new BaselineSamples(runFolder.path, prepared.baseline.id);

  let status: RunStatus = 'completed';
  try {
    for (const unit of units) {
      const key = unitKeyString(unit);
      if (completed.has(key)) {
        clock.advance(unit.weight);
        continue;
      }
      if (io.shouldStop()) {
        status = 'cancelled';
        break;
      }
      runFolder.appendEvent({ type: 'unit-started', at: now(), unit: unitKeyOf(unit) });
      // `measuring`: the performance phase runs inside one unit but measures every variant in turn.
      const progress = (done: number, total: number, measuring?: string): void => {
        const { overall, etaSeconds } = clock.snapshot((unit.weight * done) / Math.max(total, 1));
        io.send({ type: 'progress', stage: unit.kind as ProgressMessage['stage'], variantId: measuring ?? unit.variantId, done, total, overall, etaSeconds });
      };
      try {
        const outcome = await runUnit(unit, prepared, models, io, progress, baselineSamples, performance, results);
        if (outcome === null) {
          status = 'cancelled';
          break;
        }
        if ('unavailable' in outcome) {
          // Not scored and not failed: recorded with the backend's reason (the report lists it).
          unavailable.push({ ...unavailableMeasure(unitKeyOf(unit), outcome.unavailable), ...(outcome.ownTokenizationPerplexity ? { ownTokenizationPerplexity: outcome.ownTokenizationPerplexity } : {}) });
          runFolder.appendEvent({ type: 'unit-unavailable', at: now(), unit: unitKeyOf(unit), reason: outcome.unavailable });
          io.send({ type: 'warning', message: `${key}: ${outcome.unavailable}`, variantId: unit.variantId });
          clock.advance(unit.weight);
          await models.releaseUnneeded(units.slice(units.indexOf(unit) + 1));
          continue;
        }
        if (outcome.samples) runFolder.appendSamples(outcome.samples);
        runFolder.appendEvent({ type: 'unit-completed', at: now(), result: outcome.result, inputs: inputsOf(unit) });
        results.set(key, outcome.result);
        io.send({ type: 'unit-result', result: outcome.result });
      } catch (error) {
        if (isInputError(error)) throw error;
        failures.push({ unit: key, error: errorMessage(error) });
        runFolder.appendEvent({ type: 'unit-failed', at: now(), unit: unitKeyOf(unit), error: errorMessage(error) });
        sendError(io, error, false, unit.variantId);
      }
      clock.advance(unit.weight);
      await models.releaseUnneeded(units.slice(units.indexOf(unit) + 1));
    }
  } catch (error) {
    status = 'failed';
    sendError(io, error, true);
  } finally {
    await models.releaseAll();
  }
  if (status === 'completed' && failures.length) status = 'completed-with-errors';

  const report = buildReport(card, [...results.values()], failures, warnings, status, now(), unavailable);
  const reportPath = runFolder.writeReport(report);
  runFolder.appendEvent({ type: 'run-finished', at: now(), status });
  io.send({ type: 'progress', stage: 'report', variantId: prepared.baseline.id, done: 1, total: 1, overall: 1, etaSeconds: 0 });
  io.send({ type: 'log', level: 'info', message: `Run ${status}: ${reportPath}` });
  return { type: 'done', status, runFolder: runFolder.path, reportPath };
}

/** A planned unit's key as events record it (no weight). */
function unitKeyOf(unit: PlannedUnit): UnitKey {
  return unit.task === undefined ? { kind: unit.kind, variantId: unit.variantId } : { kind: unit.kind, variantId: unit.variantId, task: unit.task };
}

function sendError(io: EngineIO, error: unknown, fatal: boolean, variantId?: string): void {
  if (isInputError(error)) {
    io.send({ type: 'error', message: error.message, fatal, file: error.file, line: error.line, remedy: error.remedy, variantId });
  } else {
    io.send({ type: 'error', message: errorMessage(error), fatal, variantId });
  }
}

/** `unavailable`: the backend cannot give this unit's measure, and why (see unavailable.ts). */
type UnitOutcome = { result: UnitResult; samples?: import('../shared/report/schema').SampleRecord[] } | { unavailable: string; ownTokenizationPerplexity?: import('../shared/stats/perplexity').PerplexityReport } | null;

async function runUnit(unit: PlannedUnit, prepared: PreparedRun, models: LoadedModels, io: EngineIO, progress: PerformanceProgress, baselineSamples: BaselineSamples, performance: PerformancePhase, results: ReadonlyMap<string, UnitResult>): Promise<UnitOutcome> {
  const stop = (): boolean => io.shouldStop();
  switch (unit.kind) {
    case 'perplexity': {
      const variant = await models.get(unit.variantId);
      const unavailable = unavailableReason('perplexity', { variant });
      if (unavailable) return { unavailable };
      const result = await runPerplexityPass(variant, prepared.corpus!, progress, stop);
      return result && { result };
    }
    case 'lockstep': {
      const base = await models.get(prepared.baseline.id);
      const variant = await models.get(unit.variantId);
      const mismatched = await mismatchedTokenizerOutcome(variant, prepared, progress, stop);
      if (mismatched) return mismatched;
      const unavailable = unavailableReason('lockstep', { baseline: base, variant });
      if (unavailable) return { unavailable };
      const result = await runLockstepPass(base, variant, prepared.corpus!, progress, stop);
      return result && { result };
    }
    case 'generation': {
      const base = await models.get(prepared.baseline.id);
      const variant = unit.variantId === prepared.baseline.id ? base : await models.get(unit.variantId);
      const outcome = await runGenerationPass(variant, base, prepared.tokenizer, prepared.prompts!, { maxNewTokens: prepared.spec.generation.maxNewTokens }, progress, stop);
      // Automatic failure flags (repetition, gibberish, early stop…) against the baseline's sample of each prompt.
      return outcome && { result: outcome.result, samples: baselineSamples.flag(outcome.samples) };
    }
    case 'performance': {
      const variant = variantById(prepared, unit.variantId);
      // A served variant's cells are set against the baseline's, timed earlier in this run (its unit comes first).
      const basePerformance = results.get(unitKeyString({ kind: 'performance', variantId: prepared.baseline.id }));
      const result = variant.served ? await measureServedPerformance(variant, await models.get(unit.variantId), prepared, progress, stop, basePerformance?.kind === 'performance' ? basePerformance : undefined) : await performance.resultFor(unit.variantId, progress, stop);
      return result && { result };
    }
    case 'task': {
      const task = prepared.tasks.find((t) => t.task.name === unit.task)!;
      const isBaseline = unit.variantId === prepared.baseline.id;
      // The baseline's unit ran earlier in this process or in the run being resumed (events.jsonl).
      const baseline = isBaseline ? undefined : results.get(unitKeyString({ kind: 'task', task: unit.task, variantId: prepared.baseline.id }));
      const backend = await models.get(unit.variantId);
      // Generation and code tasks need only decoding; the others score log-likelihoods.
      const generates = task.task.type === 'generation' || task.task.type === 'code';
      const unavailable = generates ? undefined : unavailableReason('task', { variant: backend });
      if (unavailable) return { unavailable };
      const code = task.task.type === 'code' ? { hidden: hiddenFolders(task.task.file, prepared.folder.path) } : undefined;
      const result = await runTaskPass(backend, prepared.tokenizer, task, { maxPositions: prepared.maxPositions, seed: prepared.spec.seed, isBaseline, baseline: baseline?.kind === 'task' ? baseline : undefined, ...(code ? { code } : {}) }, progress, stop);
      return result && { result };
    }
  }
}

function variantById(prepared: PreparedRun, id: string): ModelVariant {
  return prepared.variants.find((v) => v.id === id)!;
}

/** Loaded backends: the baseline stays while any unit needs it; a variant is loaded for its units only. */
class LoadedModels {
  private readonly loaded = new Map<string, Promise<ModelBackend>>();

  constructor(
    private readonly prepared: PreparedRun,
    private readonly io: EngineIO,
    private readonly warn: (message: string, variantId: string) => void,
    private readonly runFolder: string,
    /** Told each backend after it loads and before it is disposed (what it ran with goes on the run card). */
    private readonly onLoaded: (backend: ModelBackend) => void = () => undefined,
  ) {}

  get(variantId: string): Promise<ModelBackend> {
    let backend = this.loaded.get(variantId);
    if (!backend) {
      const variant = variantById(this.prepared, variantId);
      if (variant.error) return Promise.reject(new Error(`${variant.error.file}: ${variant.error.problem} ${variant.error.remedy}`));
      this.io.send({ type: 'progress', stage: 'load', variantId, done: 0, total: 1, overall: NaN, etaSeconds: null });
      this.io.send({ type: 'log', level: 'info', message: `Loading ${variantId} (${withoutCredentials(variant.file)})` });
      backend = loadBackend(variant, {
        modelFolder: this.prepared.folder.path,
        executionProvider: this.prepared.spec.executionProvider,
        threads: this.prepared.spec.threads,
        tokenizer: this.prepared.tokenizer,
        agreementTexts: this.prepared.agreementTexts,
        warn: (message) => this.warn(message, variantId),
        env: process.env,
        ...(this.prepared.folder.config.vocab_size !== undefined ? { vocabSize: this.prepared.folder.config.vocab_size } : {}),
      }).then((loaded) => {
        // A served variant's finished requests are kept one by one (requests.jsonl), so a resume continues mid-unit.
        journalServedRequests(loaded, variant, this.runFolder, (message) => this.warn(message, variantId));
        this.onLoaded(loaded);
        return loaded;
      }).catch((error: unknown) => {
        this.loaded.delete(variantId);
        throw new Error(`${variant.file} failed to load: ${errorMessage(error)}`);
      });
      this.loaded.set(variantId, backend);
    }
    return backend;
  }

  /** Disposes models no remaining in-process unit needs. */
  async releaseUnneeded(remaining: readonly UnitKey[]): Promise<void> {
    const needed = new Set<string>();
    for (const u of remaining) {
      if (u.kind === 'performance') continue;
      needed.add(u.variantId);
      if (u.kind !== 'perplexity' && u.kind !== 'task') needed.add(this.prepared.baseline.id);
    }
    for (const [id, backend] of this.loaded) {
      if (needed.has(id)) continue;
      this.loaded.delete(id);
      await backend.then((b) => {
        this.onLoaded(b);
        return b.dispose();
      }).catch(() => undefined);
    }
  }

  releaseAll(): Promise<void> {
    return this.releaseUnneeded([]);
  }
}
