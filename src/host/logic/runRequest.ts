import type { EndpointSpec } from '../../shared/endpoints';
import { InputError } from '../../shared/errors';
import type { RunRequest } from '../../shared/protocol';
import type { Measure, RunCard, RunSpec } from '../../shared/report/schema';
import type { ConfiguredEndpoint } from './endpointSettings';
import { RawRunSettings, resolveRunSettings } from '../../shared/runSettings';

/** What the user picked in the run setup quick picks (remembered per model folder). */
export interface RunChoices {
  /** Local variant ids. */
  variants: string[];
  /** Names of the served variants (quantlens.endpoints) picked; absent in choices remembered before endpoints. */
  endpoints?: string[];
  /** Served variants offered and left unticked, so a new endpoint is ticked by default and an unticked one stays so. */
  skippedEndpoints?: string[];
  /** 'tasks': only the task files' metrics, as `quantlens eval --tasks` without --measure. */
  measure: 'fidelity' | 'performance' | 'both' | 'tasks';
  /** Picked only when the measures read it (inputsOf); a skipped pick keeps the remembered file. */
  corpusFile?: string;
  promptsFile?: string;
  /** Task files (*.quantlens.yaml|json); absent in choices remembered before they could be picked. */
  taskFiles?: string[];
}

export function measuresOf(choice: RunChoices['measure']): Measure[] {
  if (choice === 'tasks') return [];
  if (choice === 'fidelity') return ['fidelity', 'generation'];
  if (choice === 'performance') return ['performance'];
  return ['fidelity', 'generation', 'performance'];
}

/** Which input files a measure choice reads, so the quick picks ask only for those (as the worker's runSetup requires them). */
export function inputsOf(choice: RunChoices['measure']): { corpus: boolean; prompts: boolean } {
  const measures = measuresOf(choice);
  return { corpus: measures.includes('fidelity') || measures.includes('performance'), prompts: measures.includes('generation') };
}

/** Why these choices cannot start a run, or undefined when they can. */
export function choicesProblem(choices: RunChoices): string | undefined {
  if (choices.measure === 'tasks' && !choices.taskFiles?.length) return 'Task metrics only needs at least one task file (*.quantlens.yaml or *.quantlens.json).';
  return undefined;
}

/**
 * The request for the Evaluate command: the user's picks and the `quantlens.*` settings, resolved
 * by the same rules as the CLI's flags.
 * @throws InputError naming every setting that is out of range.
 */
export function buildRunRequest(modelFolder: string, baselineId: string, choices: RunChoices, settings: RawRunSettings, cores: number, endpoints: readonly EndpointSpec[] = []): RunRequest {
  const resolved = resolveRunSettings(settings, 'settings', cores);
  if (!resolved.ok) {
    throw new InputError('settings.json', `${resolved.problems.map((p) => p.message).join('; ')}.`, 'Change it in Settings (search "quantlens"), or reset it to use the default.');
  }
  const inputs = inputsOf(choices.measure);
  const taskFiles = choices.taskFiles ?? [];
  const { taskLimit, ...runSettings } = resolved.settings;
  return {
    modelFolder,
    variants: [...new Set([baselineId, ...choices.variants])],
    baseline: baselineId,
    measures: measuresOf(choices.measure),
    // A remembered file the measures do not read stays out: the run card lists only its inputs.
    ...(inputs.corpus ? { corpusFile: choices.corpusFile } : {}),
    ...(inputs.prompts ? { promptsFile: choices.promptsFile } : {}),
    ...(taskFiles.length ? { taskFiles } : {}),
    // quantlens.taskLimit means nothing without task files: a run card without tasks records none.
    ...(taskFiles.length && taskLimit !== undefined ? { taskLimit } : {}),
    ...runSettings,
    seed: 0,
    // Served variants travel as specs (no key: at most the name of the variable that holds one); the worker discovers them.
    ...(endpoints.length ? { endpoints: endpoints.map((e) => ({ ...e, baseUrls: [...e.baseUrls] })) } : {}),
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
    ...(spec.robustness?.requested.length ? { robustness: spec.robustness.requested } : {}),
    ...(spec.goalsFile ? { goalsFile: spec.goalsFile.path } : {}),
    contextLength: spec.windows.contextLength,
    stride: spec.windows.stride,
    ...(spec.windows.kind === 'second-half' ? { windowScheme: 'second-half' as const } : {}),
    maxNewTokens: spec.generation.maxNewTokens,
    performance: {
      promptTokens: spec.performance.promptTokens,
      outputTokens: spec.performance.outputTokens,
      warmups: spec.performance.warmups,
      repetitions: spec.performance.repetitions,
      ...(spec.performance.sweep ? { sweep: spec.performance.sweep } : {}),
    },
    executionProvider: spec.executionProvider,
    // A run from before the setting was applied its prompts raw: 'off' reproduces it.
    chatTemplate: spec.chatTemplate?.requested ?? 'off',
    threads: spec.threads,
    seed: spec.seed,
  };
}

/**
 * What the run card says of a served variant (VariantCard.served, schema 1.2: dialect, hosts,
 * model; its `files` are its base URLs). Structural, so this reads run cards with or without it.
 */
type CardVariant = { id: string; files: ReadonlyArray<{ path: string }>; served?: { model?: string } };

/**
 * The endpoints a past run evaluated (Rerun, Resume), from its run card: RunSpec does not hold
 * them, the card's served variants do (name, base URLs, model). The card names no key variable, so
 * the user's own `apiKeyEnv` comes from the quantlens.endpoints entry of the same name and URLs;
 * without one, a key stored for that name and those hosts is looked up as for Evaluate.
 */
export function endpointsOfRun(card: Pick<RunCard, 'variants'>, configured: readonly ConfiguredEndpoint[]): ConfiguredEndpoint[] {
  return (card.variants as readonly CardVariant[]).flatMap((v, index) => {
    if (!v.served) return [];
    const baseUrls = v.files.map((f) => f.path);
    const same = configured.find((c) => c.name === v.id && c.baseUrls.length === baseUrls.length && c.baseUrls.every((u) => baseUrls.includes(u)));
    return [{ index, name: v.id, baseUrls, ...(v.served.model ? { model: v.served.model } : {}), ...(same?.apiKeyEnv ? { apiKeyEnv: same.apiKeyEnv } : {}), modelFolder: '' }];
  });
}
