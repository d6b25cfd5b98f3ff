import { parseArgs } from 'node:util';
import type { RunRequest } from '../shared/protocol';
import type { ExecutionProviderChoice, Measure } from '../shared/report/schema';

export class UsageError extends Error {}

export const USAGE = `Usage:
  quantlens eval <model-folder> [options]    evaluate every variant against the baseline
  quantlens discover <folder>                list model folders, variants and quantization signatures
  quantlens demo                             make the demo model if missing and evaluate it
  quantlens env [--probe] [--json]           print the run card's environment: hardware, OS, runtimes,
                                             execution providers (--probe: copy bandwidth, MatMul FLOP/s)
  quantlens score --metric NAME --input FILE.jsonl [--json] [--k K] [--stem] [--seed N] [--resamples N]
                                             score outputs made elsewhere: one JSON object a line, e.g.
                                             {"prediction": "…", "references": ["…"]} ({"n": N, "c": C} for pass@k);
                                             metrics: bleu chrf chrf++ rouge1 rouge2 rougeL rougeLsum meteor
                                             exact_match f1 pass@k acc acc_norm acc_bytes ece word_perplexity …

eval options:
  --variants a,b,c        variant ids to evaluate (default: all)      --baseline ID    baseline variant
  --corpus FILE           text for perplexity/KLD (default: the bundled demo corpus)
  --prompts FILE          one prompt per line (default: the bundled demo prompts)
  --measure LIST          fidelity,generation,performance (default: all three; none with --tasks)
  --tasks a.yaml,b.json   task files (*.quantlens.yaml/.json; examples/tasks/): benchmarks scored on every
                          variant, paired with the baseline, goals checked
  --task-limit N          at most N items per task
  --fail-on-gate          exit 3 when any task goal fails (for CI)
  --context N --stride N  perplexity windows (default 512 / 256)
  --max-new-tokens N      generation length (default 64)
  --perf-prompt N --perf-output N --warmups N --repetitions N   performance workload (64/32/2/5)
  --perf-inputs 32,128    sweep: exact input lengths (default: --perf-prompt)
  --perf-outputs 16,64    sweep: exact output lengths, EOS ignored (default: --perf-output)
  --batch 1,4             sweep: batch sizes (default 1)
  --concurrency 1,2       sweep: requests in flight at once in one process (default 1)
  --min-iterations N      timed iterations per cell, at least (default: --repetitions)
  --min-seconds T         timed seconds per cell, at least (default 0)
  --rounds N              rounds of fresh probe processes, variants interleaved (default 2)
  --provider P            auto|cpu|cuda|webgpu|dml|coreml (default auto)
  --threads N             intra-op threads (default: all cores)   --inter-op-threads N (default 1)
  --out DIR               where .quantlens/runs goes (default: beside the model folder)
  --resume                finish the newest unfinished run of the same spec
  --json                  print report.json to stdout instead of the table
  --strict                refuse a corpus or prompt file that is not valid UTF-8 (exit 2) instead of warning
Exit codes: 0 ok, 1 evaluation failed or cancelled, 2 bad input, 3 a task goal failed (--fail-on-gate).`;

const PROVIDERS: ExecutionProviderChoice[] = ['auto', 'cpu', 'cuda', 'webgpu', 'dml', 'coreml'];
const MEASURES: Measure[] = ['fidelity', 'generation', 'performance'];

export interface EvalArgs {
  request: RunRequest;
  outputFolder: string | undefined;
  resume: boolean;
  json: boolean;
  /** Exit 3 when a task goal fails. */
  failOnGate: boolean;
}

function intList(name: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((v) => v.trim()).filter(Boolean);
  const numbers = items.map(Number);
  if (items.length === 0 || numbers.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--${name} must be a comma-separated list of positive integers, got "${value}"`);
  return numbers;
}

function nonNegativeNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number, got "${value}"`);
  return n;
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

export function parseEvalArgs(argv: string[], defaults: { corpus: string; prompts: string; cores: number }): EvalArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      variants: { type: 'string' }, baseline: { type: 'string' }, corpus: { type: 'string' }, prompts: { type: 'string' },
      measure: { type: 'string' }, context: { type: 'string' }, stride: { type: 'string' }, 'max-new-tokens': { type: 'string' },
      'perf-prompt': { type: 'string' }, 'perf-output': { type: 'string' }, warmups: { type: 'string' }, repetitions: { type: 'string' },
      provider: { type: 'string' }, threads: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' }, json: { type: 'boolean' },
      'perf-inputs': { type: 'string' }, 'perf-outputs': { type: 'string' }, batch: { type: 'string' }, concurrency: { type: 'string' },
      'min-iterations': { type: 'string' }, 'min-seconds': { type: 'string' }, rounds: { type: 'string' }, 'inter-op-threads': { type: 'string' },
      tasks: { type: 'string' }, 'task-limit': { type: 'string' }, 'fail-on-gate': { type: 'boolean' },
      strict: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('eval takes exactly one model folder');
  const provider = (values.provider ?? 'auto') as ExecutionProviderChoice;
  if (!PROVIDERS.includes(provider)) throw new UsageError(`--provider must be one of ${PROVIDERS.join(', ')}`);
  const taskFiles = values.tasks?.split(',').map((t) => t.trim()).filter(Boolean);
  if (values.tasks !== undefined && !taskFiles?.length) throw new UsageError('--tasks needs a comma-separated list of task files');
  // With task files and no --measure, the run is the tasks alone.
  const measures = (values.measure?.split(',').map((m) => m.trim()) ?? (taskFiles ? [] : MEASURES)) as Measure[];
  const badMeasure = measures.find((m) => !MEASURES.includes(m));
  if (badMeasure) throw new UsageError(`unknown measure "${badMeasure}"; use ${MEASURES.join(', ')}`);
  const contextLength = positiveInt('context', values.context, 512);
  const request: RunRequest = {
    modelFolder: positionals[0]!,
    variants: values.variants?.split(',').map((v) => v.trim()).filter(Boolean),
    baseline: values.baseline,
    measures,
    corpusFile: values.corpus ?? defaults.corpus,
    promptsFile: values.prompts ?? defaults.prompts,
    ...(taskFiles ? { taskFiles } : {}),
    ...(values['task-limit'] !== undefined ? { taskLimit: intList('task-limit', values['task-limit'])![0]! } : {}),
    contextLength,
    stride: positiveInt('stride', values.stride, Math.floor(contextLength / 2)),
    maxNewTokens: positiveInt('max-new-tokens', values['max-new-tokens'], 64),
    performance: {
      promptTokens: positiveInt('perf-prompt', values['perf-prompt'], 64),
      outputTokens: positiveInt('perf-output', values['perf-output'], 32),
      warmups: positiveInt('warmups', values.warmups, 2),
      repetitions: positiveInt('repetitions', values.repetitions, 5),
      sweep: {
        inputLengths: intList('perf-inputs', values['perf-inputs']),
        outputLengths: intList('perf-outputs', values['perf-outputs']),
        batchSizes: intList('batch', values.batch),
        concurrency: intList('concurrency', values.concurrency),
        minIterations: intList('min-iterations', values['min-iterations'])?.[0],
        minSeconds: nonNegativeNumber('min-seconds', values['min-seconds']),
        rounds: intList('rounds', values.rounds)?.[0],
      },
    },
    executionProvider: provider,
    threads: { intraOp: positiveInt('threads', values.threads, defaults.cores), interOp: positiveInt('inter-op-threads', values['inter-op-threads'], 1) },
    seed: 0,
    ...(values.strict ? { strict: true } : {}),
  };
  return { request, outputFolder: values.out, resume: values.resume ?? false, json: values.json ?? false, failOnGate: values['fail-on-gate'] ?? false };
}
