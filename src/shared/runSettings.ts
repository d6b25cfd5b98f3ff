import type { RunRequest } from './protocol';
import type { ChatTemplateMode, ExecutionProviderChoice } from './report/schema';
import { WINDOW_SCHEMES, WindowSchemeKind } from './windows';

/**
 * The one place that knows each run setting: its CLI flag, its VS Code setting, its default, its
 * bounds, and the rules that tie settings together (stride 0 → half the context, threads 0 → every
 * core). The CLI and the extension host both resolve a run through `resolveRunSettings`, so a value
 * that one door refuses the other refuses too, with the same sentence; package.json's contributed
 * settings are checked against this table by a test.
 */

interface SettingBase {
  /** The `quantlens eval` flag, without the dashes. */
  flag: string;
  /** The VS Code setting under `quantlens.`; absent for CLI-only settings. */
  setting?: string;
}

export interface NumberSetting extends SettingBase {
  kind: 'integer' | 'number';
  /** Absent: the setting is optional and stays unset unless given. */
  default?: number;
  minimum: number;
  maximum?: number;
}

/** A comma-separated list on the CLI, an array in settings.json; `minimum` bounds every item. */
export interface ListSetting extends SettingBase {
  kind: 'integer-list';
  default: number[];
  minimum: number;
}

export interface ChoiceSetting extends SettingBase {
  kind: 'choice';
  default: string;
  choices: readonly string[];
}

export type RunSetting = NumberSetting | ListSetting | ChoiceSetting;

export const EXECUTION_PROVIDERS: readonly ExecutionProviderChoice[] = ['auto', 'cpu', 'cuda', 'webgpu', 'dml', 'coreml'];

/** auto: the main prompts go through the model's chat template when it has one; on: always (an error without one); off: never. */
export const CHAT_TEMPLATE_MODES: readonly ChatTemplateMode[] = ['auto', 'on', 'off'];

export const RUN_SETTINGS = {
  contextLength: { flag: 'context', setting: 'contextLength', kind: 'integer', default: 512, minimum: 8 },
  /** 0 means half the context length. */
  stride: { flag: 'stride', setting: 'stride', kind: 'integer', default: 0, minimum: 0 },
  /** sliding: Hugging Face's strided windows; second-half: llama.cpp's llama-perplexity chunks (stride is then ignored). */
  windowScheme: { flag: 'windows', setting: 'windowScheme', kind: 'choice', default: 'sliding', choices: WINDOW_SCHEMES },
  maxNewTokens: { flag: 'max-new-tokens', setting: 'maxNewTokens', kind: 'integer', default: 64, minimum: 1 },
  promptTokens: { flag: 'perf-prompt', setting: 'performance.promptTokens', kind: 'integer', default: 64, minimum: 1 },
  outputTokens: { flag: 'perf-output', setting: 'performance.outputTokens', kind: 'integer', default: 32, minimum: 1 },
  warmups: { flag: 'warmups', setting: 'warmups', kind: 'integer', default: 2, minimum: 0 },
  repetitions: { flag: 'repetitions', setting: 'repetitions', kind: 'integer', default: 5, minimum: 1 },
  /** Empty lists mean the single cell of promptTokens / outputTokens. */
  inputLengths: { flag: 'perf-inputs', setting: 'performance.inputLengths', kind: 'integer-list', default: [], minimum: 1 },
  outputLengths: { flag: 'perf-outputs', setting: 'performance.outputLengths', kind: 'integer-list', default: [], minimum: 1 },
  batchSizes: { flag: 'batch', setting: 'performance.batchSizes', kind: 'integer-list', default: [1], minimum: 1 },
  concurrency: { flag: 'concurrency', setting: 'performance.concurrency', kind: 'integer-list', default: [1], minimum: 1 },
  /** 0 means `repetitions`. */
  minIterations: { flag: 'min-iterations', setting: 'performance.minIterations', kind: 'integer', default: 0, minimum: 0 },
  minSeconds: { flag: 'min-seconds', setting: 'performance.minSeconds', kind: 'number', default: 0, minimum: 0 },
  rounds: { flag: 'rounds', setting: 'performance.rounds', kind: 'integer', default: 2, minimum: 1 },
  executionProvider: { flag: 'provider', setting: 'executionProvider', kind: 'choice', default: 'auto', choices: EXECUTION_PROVIDERS },
  chatTemplate: { flag: 'chat-template', setting: 'chatTemplate', kind: 'choice', default: 'auto', choices: CHAT_TEMPLATE_MODES },
  /** 0 means every core. */
  threads: { flag: 'threads', setting: 'threads', kind: 'integer', default: 0, minimum: 0 },
  interOpThreads: { flag: 'inter-op-threads', kind: 'integer', default: 1, minimum: 1 },
  /** Absent: the task files' own limits. */
  taskLimit: { flag: 'task-limit', setting: 'taskLimit', kind: 'integer', minimum: 1 },
} as const satisfies Record<string, RunSetting>;

export type RunSettingKey = keyof typeof RUN_SETTINGS;

/** Where the values came from, so a problem names what the user typed: `--context` or `quantlens.contextLength`. */
export type SettingsDoor = 'cli' | 'settings';

/** The raw values as the door has them: strings from the command line, numbers and arrays from settings.json. */
export type RawRunSettings = Partial<Record<RunSettingKey, unknown>>;

/** The part of a RunRequest that the settings decide. */
export interface ResolvedRunSettings {
  contextLength: number;
  stride: number;
  windowScheme: WindowSchemeKind;
  maxNewTokens: number;
  performance: RunRequest['performance'];
  executionProvider: ExecutionProviderChoice;
  chatTemplate: ChatTemplateMode;
  threads: RunRequest['threads'];
  taskLimit?: number;
}

export interface SettingProblem {
  key: RunSettingKey;
  /** The whole sentence, e.g. `--context 4: must be at least 8`. */
  message: string;
}

export type RunSettingsResolution = { ok: true; settings: ResolvedRunSettings } | { ok: false; problems: SettingProblem[] };

/** The run settings that VS Code contributes (package.json), each with its key under `quantlens.`. */
export function contributedRunSettings(): Array<{ key: RunSettingKey; setting: string; spec: RunSetting }> {
  return Object.entries(RUN_SETTINGS).flatMap(([key, spec]: [string, RunSetting]) => (spec.setting ? [{ key: key as RunSettingKey, setting: spec.setting, spec }] : []));
}

/** How the user names a setting at this door: `--context` on the CLI, `quantlens.contextLength` in VS Code. */
export function settingName(key: RunSettingKey, door: SettingsDoor): string {
  const setting: RunSetting = RUN_SETTINGS[key];
  return door === 'settings' && setting.setting ? `quantlens.${setting.setting}` : `--${setting.flag}`;
}

/** Both names of a setting, for messages from the worker, which does not know which door a run came through. */
export function bothSettingNames(key: RunSettingKey): string {
  const setting: RunSetting = RUN_SETTINGS[key];
  return setting.setting ? `--${setting.flag} / quantlens.${setting.setting}` : `--${setting.flag}`;
}

/**
 * Every setting's value, defaulted and checked, with the rules between settings applied; or every
 * problem at once (not just the first), each naming the flag or setting and the value given.
 * `cores` stands in for threads 0.
 */
export function resolveRunSettings(raw: RawRunSettings, door: SettingsDoor, cores: number): RunSettingsResolution {
  const problems: SettingProblem[] = [];
  const complain = (key: RunSettingKey, value: unknown, problem: string): void => {
    problems.push({ key, message: `${settingName(key, door)} ${shown(value)}: ${problem}` });
  };
  const number = (key: RunSettingKey & NumberKey): number | undefined => readNumber(key, raw[key], complain);
  const list = (key: RunSettingKey & ListKey): number[] => readList(key, raw[key], complain);

  const contextLength = number('contextLength');
  let stride = number('stride');
  if (stride === 0 && contextLength !== undefined) stride = Math.floor(contextLength / 2);
  else if (stride !== undefined && contextLength !== undefined && stride > contextLength) {
    complain('stride', raw.stride, `must be at most the context length (${contextLength}); 0 means half of it`);
  }
  const threads = number('threads');
  const maxNewTokens = number('maxNewTokens');
  const performance = {
    promptTokens: number('promptTokens'),
    outputTokens: number('outputTokens'),
    warmups: number('warmups'),
    repetitions: number('repetitions'),
  };
  const sweep = {
    inputLengths: list('inputLengths'),
    outputLengths: list('outputLengths'),
    batchSizes: list('batchSizes'),
    concurrency: list('concurrency'),
    minIterations: number('minIterations'),
    minSeconds: number('minSeconds'),
    rounds: number('rounds'),
  };
  const interOp = number('interOpThreads');
  const taskLimit = number('taskLimit');
  const provider = readChoice('executionProvider', raw.executionProvider, complain);
  const chatTemplate = readChoice('chatTemplate', raw.chatTemplate, complain);
  const windowScheme = readChoice('windowScheme', raw.windowScheme, complain) as WindowSchemeKind;
  if (problems.length) return { ok: false, problems };

  // No problems, so every value that has a default is defined (the `!`s); taskLimit alone is optional.
  return {
    ok: true,
    settings: {
      contextLength: contextLength!,
      // second-half chunks never overlap: its stride is the context length, whatever --stride says.
      stride: windowScheme === 'second-half' ? contextLength! : stride!,
      windowScheme,
      maxNewTokens: maxNewTokens!,
      performance: {
        promptTokens: performance.promptTokens!,
        outputTokens: performance.outputTokens!,
        warmups: performance.warmups!,
        repetitions: performance.repetitions!,
        sweep: { ...sweep, minIterations: sweep.minIterations!, minSeconds: sweep.minSeconds!, rounds: sweep.rounds! },
      },
      executionProvider: provider as ExecutionProviderChoice,
      chatTemplate: chatTemplate as ChatTemplateMode,
      threads: { intraOp: threads! > 0 ? threads! : cores, interOp: interOp! },
      ...(taskLimit !== undefined ? { taskLimit } : {}),
    },
  };
}

type NumberKey = { [K in RunSettingKey]: (typeof RUN_SETTINGS)[K] extends NumberSetting ? K : never }[RunSettingKey];
type ListKey = { [K in RunSettingKey]: (typeof RUN_SETTINGS)[K] extends ListSetting ? K : never }[RunSettingKey];
type ChoiceKey = { [K in RunSettingKey]: (typeof RUN_SETTINGS)[K] extends ChoiceSetting ? K : never }[RunSettingKey];
type Complain = (key: RunSettingKey, value: unknown, problem: string) => void;

function readChoice(key: ChoiceKey, value: unknown, complain: Complain): string {
  const setting: ChoiceSetting = RUN_SETTINGS[key];
  const chosen = value ?? setting.default;
  if (typeof chosen !== 'string' || !setting.choices.includes(chosen)) complain(key, chosen, `must be one of ${setting.choices.join(', ')}`);
  return String(chosen);
}

function readNumber(key: NumberKey, value: unknown, complain: Complain): number | undefined {
  const setting: NumberSetting = RUN_SETTINGS[key];
  if (value === undefined || value === null) return setting.default;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  const integer = setting.kind === 'integer';
  if (typeof n !== 'number' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    complain(key, value, integer ? 'must be a whole number' : 'must be a number');
    return undefined;
  }
  if (n < setting.minimum) return void complain(key, value, `must be at least ${setting.minimum}`);
  if (setting.maximum !== undefined && n > setting.maximum) return void complain(key, value, `must be at most ${setting.maximum}`);
  return n;
}

function readList(key: ListKey, value: unknown, complain: Complain): number[] {
  const setting: ListSetting = RUN_SETTINGS[key];
  if (value === undefined || value === null) return [...setting.default];
  const items: unknown[] | null = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : Array.isArray(value) ? value : null;
  // A list given on the command line must say something; settings.json may leave it empty (the default cell).
  if (items === null || (typeof value === 'string' && items.length === 0)) {
    complain(key, value, 'must be a comma-separated list of whole numbers');
    return [];
  }
  const numbers = items.map((item) => (typeof item === 'string' ? Number(item) : item));
  if (numbers.some((n) => typeof n !== 'number' || !Number.isInteger(n))) complain(key, value, 'must be a comma-separated list of whole numbers');
  else if ((numbers as number[]).some((n) => n < setting.minimum)) complain(key, value, `every value must be at least ${setting.minimum}`);
  else return numbers as number[];
  return [];
}

function shown(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (Array.isArray(value)) return value.map(String).join(',');
  return JSON.stringify(value) ?? String(value);
}
