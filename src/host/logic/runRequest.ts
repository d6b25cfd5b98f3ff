import type { RunRequest } from '../../shared/protocol';
import type { ExecutionProviderChoice, Measure, PerformanceSweep, RunSpec } from '../../shared/report/schema';

/** The `quantlens.*` settings that shape a run (read by Config in the host). */
export interface EvaluationSettings {
  executionProvider: ExecutionProviderChoice;
  threads: number;
  contextLength: number;
  stride: number;
  maxNewTokens: number;
  warmups: number;
  repetitions: number;
  performancePromptTokens: number;
  performanceOutputTokens: number;
  /** quantlens.performance.inputLengths … rounds; empty lists and zeros mean "the single default cell". */
  performanceSweep?: Partial<PerformanceSweep>;
}

/** What the user picked in the run setup quick picks (remembered per model folder). */
export interface RunChoices {
  variants: string[];
  measure: 'fidelity' | 'performance' | 'both';
  corpusFile: string;
  promptsFile: string;
}

export function measuresOf(choice: RunChoices['measure']): Measure[] {
  if (choice === 'fidelity') return ['fidelity', 'generation'];
  if (choice === 'performance') return ['performance'];
  return ['fidelity', 'generation', 'performance'];
}

export function buildRunRequest(modelFolder: string, baselineId: string, choices: RunChoices, settings: EvaluationSettings, cores: number): RunRequest {
  return {
    modelFolder,
    variants: [...new Set([baselineId, ...choices.variants])],
    baseline: baselineId,
    measures: measuresOf(choices.measure),
    corpusFile: choices.corpusFile,
    promptsFile: choices.promptsFile,
    contextLength: settings.contextLength,
    stride: settings.stride > 0 ? settings.stride : Math.floor(settings.contextLength / 2),
    maxNewTokens: settings.maxNewTokens,
    performance: {
      promptTokens: settings.performancePromptTokens,
      outputTokens: settings.performanceOutputTokens,
      warmups: settings.warmups,
      repetitions: settings.repetitions,
      ...(settings.performanceSweep ? { sweep: settings.performanceSweep } : {}),
    },
    executionProvider: settings.executionProvider,
    threads: { intraOp: settings.threads > 0 ? settings.threads : cores, interOp: 1 },
    seed: 0,
  };
}

/** The request that reproduces a past run (Rerun, Resume): the spec recorded in its run.json. */
export function requestFromSpec(spec: RunSpec): RunRequest {
  return {
    modelFolder: spec.modelFolder,
    variants: spec.variantIds,
    baseline: spec.baselineId,
    measures: spec.measures,
    corpusFile: spec.corpus?.path,
    promptsFile: spec.prompts?.path,
    ...(spec.taskFiles ? { taskFiles: spec.taskFiles.map((f) => f.path) } : {}),
    ...(spec.taskLimit !== undefined ? { taskLimit: spec.taskLimit } : {}),
    contextLength: spec.windows.contextLength,
    stride: spec.windows.stride,
    maxNewTokens: spec.generation.maxNewTokens,
    performance: {
      promptTokens: spec.performance.promptTokens,
      outputTokens: spec.performance.outputTokens,
      warmups: spec.performance.warmups,
      repetitions: spec.performance.repetitions,
      ...(spec.performance.sweep ? { sweep: spec.performance.sweep } : {}),
    },
    executionProvider: spec.executionProvider,
    threads: spec.threads,
    seed: spec.seed,
  };
}
