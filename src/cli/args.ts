import { parseArgs } from 'node:util';
import type { ResumeMode, RunRequest } from '../shared/protocol';
import type { Measure } from '../shared/report/schema';
import { RawRunSettings, resolveRunSettings, RUN_SETTINGS, RunSettingKey } from '../shared/runSettings';
import { parseCommandLine, UsageError } from './usage';

const MEASURES: Measure[] = ['fidelity', 'generation', 'performance'];

export interface EvalArgs {
  request: RunRequest;
  outputFolder: string | undefined;
  resume: false | ResumeMode;
  json: boolean;
  /** Exit 3 when a goal fails. */
  failOnGate: boolean;
}

/** `--resume` or `--resume=strict` (parseArgs has no optional values), and the arguments without it. */
function takeResume(argv: readonly string[], command: 'eval' | 'demo'): { resume: false | ResumeMode; rest: string[] } {
  let resume: false | ResumeMode = false;
  const rest = argv.filter((arg) => {
    if (arg === '--resume') resume = resume || 'recompute-changed';
    else if (arg === '--resume=strict') resume = 'strict';
    else if (arg.startsWith('--resume=')) throw new UsageError(`--resume takes no value or =strict, got "${arg}"`, command);
    else return true;
    return false;
  });
  return { resume, rest };
}

/** `quantlens eval` (and `demo`, which passes its flags on): every problem is a UsageError of `command`. */
export function parseEvalArgs(argv: string[], defaults: { corpus: string; prompts: string; cores: number }, command: 'eval' | 'demo' = 'eval'): EvalArgs {
  const { resume, rest } = takeResume(argv, command);
  const { values, positionals } = parseCommandLine(command, () => parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      variants: { type: 'string' }, baseline: { type: 'string' }, corpus: { type: 'string' }, prompts: { type: 'string' },
      measure: { type: 'string' }, context: { type: 'string' }, stride: { type: 'string' }, 'max-new-tokens': { type: 'string' },
      'perf-prompt': { type: 'string' }, 'perf-output': { type: 'string' }, warmups: { type: 'string' }, repetitions: { type: 'string' },
      provider: { type: 'string' }, threads: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' },
      'perf-inputs': { type: 'string' }, 'perf-outputs': { type: 'string' }, batch: { type: 'string' }, concurrency: { type: 'string' },
      'min-iterations': { type: 'string' }, 'min-seconds': { type: 'string' }, rounds: { type: 'string' }, 'inter-op-threads': { type: 'string' },
      tasks: { type: 'string' }, 'task-limit': { type: 'string' }, 'fail-on-gate': { type: 'boolean' },
      strict: { type: 'boolean' }, goals: { type: 'string' }, 'chat-template': { type: 'string' },
    },
  }));
  if (positionals.length !== 1) throw new UsageError('eval takes exactly one model folder', command);
  const taskFiles = values.tasks?.split(',').map((t) => t.trim()).filter(Boolean);
  if (values.tasks !== undefined && !taskFiles?.length) throw new UsageError('--tasks needs a comma-separated list of task files', command);
  // With task files and no --measure, the run is the tasks alone.
  const measures = (values.measure?.split(',').map((m) => m.trim()) ?? (taskFiles ? [] : MEASURES)) as Measure[];
  const badMeasure = measures.find((m) => !MEASURES.includes(m));
  if (badMeasure) throw new UsageError(`unknown measure "${badMeasure}"; use ${MEASURES.join(', ')}`, command);
  const resolved = resolveRunSettings(settingFlags(values), 'cli', defaults.cores);
  if (!resolved.ok) throw new UsageError(resolved.problems.map((p) => p.message).join('\n'), command);
  const request: RunRequest = {
    modelFolder: positionals[0]!,
    variants: values.variants?.split(',').map((v) => v.trim()).filter(Boolean),
    baseline: values.baseline,
    measures,
    corpusFile: values.corpus ?? defaults.corpus,
    promptsFile: values.prompts ?? defaults.prompts,
    ...(taskFiles ? { taskFiles } : {}),
    ...(values.goals !== undefined ? { goalsFile: values.goals } : {}),
    ...resolved.settings,
    seed: 0,
    ...(values.strict ? { strict: true } : {}),
  };
  return { request, outputFolder: values.out, resume, json: values.json ?? false, failOnGate: values['fail-on-gate'] ?? false };
}

/** The run settings' flags as typed (each setting's flag is in RUN_SETTINGS); the resolver checks them. */
function settingFlags(values: Record<string, unknown>): RawRunSettings {
  return Object.fromEntries(Object.entries(RUN_SETTINGS).map(([key, setting]) => [key as RunSettingKey, values[setting.flag]]));
}
