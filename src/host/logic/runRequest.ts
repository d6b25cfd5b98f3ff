import { InputError } from '../../shared/errors';
import type { RunRequest } from '../../shared/protocol';
import type { Measure, RunSpec } from '../../shared/report/schema';
import { RawRunSettings, resolveRunSettings } from '../../shared/runSettings';

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

/**
 * The request for the Evaluate command: the user's picks and the `quantlens.*` settings, resolved
 * by the same rules as the CLI's flags.
 * @throws InputError naming every setting that is out of range.
 */
export function buildRunRequest(modelFolder: string, baselineId: string, choices: RunChoices, settings: RawRunSettings, cores: number): RunRequest {
  const resolved = resolveRunSettings(settings, 'settings', cores);
  if (!resolved.ok) {
    throw new InputError('settings.json', `${resolved.problems.map((p) => p.message).join('; ')}.`, 'Change it in Settings (search "quantlens"), or reset it to use the default.');
  }
  return {
    modelFolder,
    variants: [...new Set([baselineId, ...choices.variants])],
    baseline: baselineId,
    measures: measuresOf(choices.measure),
    corpusFile: choices.corpusFile,
    promptsFile: choices.promptsFile,
    ...resolved.settings,
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
