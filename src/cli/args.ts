import { parseArgs } from 'node:util';
import type { ResumeMode, RunRequest } from '../shared/protocol';
import type { Measure } from '../shared/report/schema';
import { RawRunSettings, resolveRunSettings, RUN_SETTINGS, RunSettingKey } from '../shared/runSettings';
import { EndpointSpecError, parseEndpointFlags } from '../node/endpointSpecs';
import { parseRequestRates, ServedLoadSettings } from '../shared/servedLoad';
import { parseSlos } from '../worker/load/slo';
import { parseCommandLine, UsageError } from './usage';
import { parsePerturbations, PERTURBATION_WORDS } from '../shared/robustness/parseSpec';
import type { PerturbationSpec } from '../shared/robustness/perturbations';

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
      tasks: { type: 'string' }, 'task-limit': { type: 'string' }, 'fail-on-gate': { type: 'boolean' }, robustness: { type: 'string' }, 'allow-code-execution': { type: 'boolean' },
      strict: { type: 'boolean' }, goals: { type: 'string' }, 'chat-template': { type: 'string' }, windows: { type: 'string' },
      endpoint: { type: 'string', multiple: true }, 'endpoint-model': { type: 'string', multiple: true }, 'endpoint-key-env': { type: 'string', multiple: true },
      slo: { type: 'string' }, 'perf-rates': { type: 'string' }, 'perf-burstiness': { type: 'string' }, 'perf-requests': { type: 'string' },
    },
  }));
  if (positionals.length !== 1) throw new UsageError('eval takes exactly one model folder', command);
  const taskFiles = values.tasks?.split(',').map((t) => t.trim()).filter(Boolean);
  if (values.tasks !== undefined && !taskFiles?.length) throw new UsageError('--tasks needs a comma-separated list of task files', command);
  const robustness = robustnessFlag(values.robustness, !!taskFiles, command);
  // With task files and no --measure, the run is the tasks alone.
  const measures = (values.measure?.split(',').map((m) => m.trim()) ?? (taskFiles ? [] : MEASURES)) as Measure[];
  const badMeasure = measures.find((m) => !MEASURES.includes(m));
  if (badMeasure) throw new UsageError(`unknown measure "${badMeasure}"; use ${MEASURES.join(', ')}`, command);
  const resolved = resolveRunSettings(settingFlags(values), 'cli', defaults.cores);
  if (!resolved.ok) throw new UsageError(resolved.problems.map((p) => p.message).join('\n'), command);
  const endpoints = endpointSpecs(values, command);
  const servedLoad = servedLoadSettings(values, endpoints.length > 0, command);
  const request: RunRequest = {
    modelFolder: positionals[0]!,
    variants: values.variants?.split(',').map((v) => v.trim()).filter(Boolean),
    baseline: values.baseline,
    measures,
    corpusFile: values.corpus ?? defaults.corpus,
    promptsFile: values.prompts ?? defaults.prompts,
    ...(taskFiles ? { taskFiles } : {}),
    ...(robustness.length ? { robustness } : {}),
    ...(values['allow-code-execution'] ? { allowCodeExecution: '--allow-code-execution' as const } : {}),
    ...(values.goals !== undefined ? { goalsFile: values.goals } : {}),
    ...resolved.settings,
    seed: 0,
    ...(values.strict ? { strict: true } : {}),
    ...(endpoints.length ? { endpoints } : {}),
    ...(servedLoad ? { servedLoad } : {}),
  };
  return { request, outputFolder: values.out, resume, json: values.json ?? false, failOnGate: values['fail-on-gate'] ?? false };
}

/** `--robustness typos,casing,whitespace:2,…`: HELM perturbations of every task's inputs. */
function robustnessFlag(value: string | undefined, hasTasks: boolean, command: 'eval' | 'demo'): PerturbationSpec[] {
  if (value === undefined) return [];
  if (!hasTasks) throw new UsageError('--robustness perturbs task inputs; add --tasks a.quantlens.yaml,…', command);
  try {
    const specs = parsePerturbations(value);
    if (!specs.length) throw new Error(`--robustness needs a comma-separated list: ${PERTURBATION_WORDS}`);
    return specs;
  } catch (error) {
    throw new UsageError(`--robustness ${value}: ${(error as Error).message}`, command);
  }
}

/** The run settings' flags as typed (each setting's flag is in RUN_SETTINGS); the resolver checks them. */
function settingFlags(values: Record<string, unknown>): RawRunSettings {
  return Object.fromEntries(Object.entries(RUN_SETTINGS).map(([key, setting]) => [key as RunSettingKey, values[setting.flag]]));
}

type EndpointValues = { endpoint?: string[]; 'endpoint-model'?: string[]; 'endpoint-key-env'?: string[] };

function endpointSpecs(values: EndpointValues, command: 'eval' | 'demo'): ReturnType<typeof parseEndpointFlags> {
  try {
    return parseEndpointFlags({ endpoint: values.endpoint, endpointModel: values['endpoint-model'], endpointKeyEnv: values['endpoint-key-env'] });
  } catch (error) {
    if (error instanceof EndpointSpecError) throw new UsageError(error.message, command);
    throw error;
  }
}

type LoadValues = { slo?: string; 'perf-rates'?: string; 'perf-burstiness'?: string; 'perf-requests'?: string };

/** The served load sweep's own flags; undefined when none is given (the worker's defaults apply). */
function servedLoadSettings(values: LoadValues, hasEndpoints: boolean, command: 'eval' | 'demo'): ServedLoadSettings | undefined {
  const given = (['slo', 'perf-rates', 'perf-burstiness', 'perf-requests'] as const).filter((flag) => values[flag] !== undefined);
  if (given.length === 0) return undefined;
  if (!hasEndpoints) throw new UsageError(`--${given[0]} applies to served variants only; add --endpoint [name=]http://HOST:PORT/v1`, command);
  const flagged = <T>(flag: string, text: string, parse: (text: string) => T): T => {
    try {
      return parse(text);
    } catch (error) {
      throw new UsageError(`--${flag} ${text}: ${(error as Error).message}`, command);
    }
  };
  const positive = (integer: boolean) => (text: string): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`must be a positive ${integer ? 'integer' : 'number'}`);
    return n;
  };
  return {
    ...(values['perf-rates'] !== undefined ? { requestRates: flagged('perf-rates', values['perf-rates'], parseRequestRates) } : {}),
    ...(values['perf-burstiness'] !== undefined ? { burstiness: flagged('perf-burstiness', values['perf-burstiness'], positive(false)) } : {}),
    ...(values['perf-requests'] !== undefined ? { requestsPerCell: flagged('perf-requests', values['perf-requests'], positive(true)) } : {}),
    ...(values.slo !== undefined ? { slos: sloFlag(values.slo, command) } : {}),
  };
}

/** --slo through the load generator's own parser, whose message already names the flag. */
function sloFlag(text: string, command: 'eval' | 'demo'): NonNullable<ServedLoadSettings['slos']> {
  try {
    return parseSlos(text, '--slo');
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}
