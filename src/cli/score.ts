/**
 * `quantlens score`: scores outputs produced elsewhere with one registered metric.
 *
 *   quantlens score --metric bleu --input outputs.jsonl [--json]
 *   quantlens score --metric pass@k --k 10 --input samples.jsonl
 *   quantlens score --metric codebleu --language python --predictions hyp.txt --references ref.txt
 *
 * Each input line is one item: {"prediction": "…", "references": ["…", …]} for generation metrics,
 * {"n": N, "c": C} for pass@k, {"logLikelihoods": […], "choices": […], "gold": i} for acc/acc_norm/
 * acc_bytes, {"probability": p, "correct": true} for ece, {"logLikelihood": ll, "words": w, "bytes": b}
 * for the perplexity family. Prints every line's score and the corpus score with its standard error
 * and a seeded bootstrap 95% interval. A bad line is reported as FILE:LINE and exits 2.
 */
import { readFileSync } from 'node:fs';
import { parseJsonOf } from '../node/jsonFile';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../shared/errors';
import { renderTable } from '../shared/resultsTable';
import { AnyMetric, ItemScore, MetricInput, MetricInputError, getMetric, summarizeMetric } from '../shared/metrics/index';
import { throwReadError } from '../node/fileReadErrors';
import { parseCommandLine, UsageError } from './usage';
import { codeBleuOptions, readPredictionReferenceFiles } from './scoreCodeBleu';
import { isExecuteScore, runExecuteScore } from './scoreExecute';

const EXIT_OK = 0;

function nonNegativeInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got "${value}"`, 'score');
  return n;
}

/** Maps one JSON line to the metric's input shape (accepting a few spellings), or explains what is missing. */
function toInput(metric: AnyMetric, value: Record<string, unknown>): MetricInput {
  switch (metric.input) {
    case 'generation': {
      const references = value.references ?? value.reference;
      return {
        prediction: value.prediction as string,
        references: (typeof references === 'string' ? [references] : references) as string[],
      };
    }
    case 'samples':
      return { n: value.n as number, correct: (value.c ?? value.correct) as number };
    case 'choice':
      return {
        logLikelihoods: (value.logLikelihoods ?? value.loglikelihoods ?? value.log_likelihoods) as number[],
        choices: value.choices as string[],
        gold: value.gold as number | number[],
      };
    case 'confidence':
      return { probability: value.probability as number, correct: value.correct as boolean };
    case 'loglikelihood':
      return value as unknown as MetricInput;
  }
}

const SHAPES: Record<AnyMetric['input'], string> = {
  generation: '{"prediction": "…", "references": ["…"]}',
  samples: '{"n": 10, "c": 3}',
  choice: '{"logLikelihoods": [-1.2, -3.4], "choices": ["yes", "no"], "gold": 0}',
  confidence: '{"probability": 0.8, "correct": true}',
  loglikelihood: '{"logLikelihood": -42.1, "words": 10, "bytes": 57}',
};

interface ScoredLine {
  line: number;
  item: ItemScore;
}

function scoreFile(file: string, metric: AnyMetric): ScoredLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return throwReadError(file, error);
  }
  const remedy = `Each line must be one JSON object such as ${SHAPES[metric.input]}.`;
  const out: ScoredLine[] = [];
  const lines = text.replace(/^\ufeff/, '').split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const value = parseJsonOf(file, raw, `Fix the JSON syntax there. ${remedy}`, line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(file, `line ${line} is not a JSON object.`, remedy, line);
    }
    try {
      out.push({ line, item: metric.score(toInput(metric, value as Record<string, unknown>)) });
    } catch (error) {
      if (!(error instanceof MetricInputError) && !(error instanceof TypeError)) throw error;
      throw new InputError(file, `line ${line} cannot be scored with ${metric.name}: ${error.message}.`, remedy, line);
    }
  });
  if (out.length === 0) throw new InputError(file, 'has no lines to score.', remedy);
  return out;
}

/** Items read elsewhere (codebleu's --predictions/--references), each scored as a line of `file`. */
function scoreItems(file: string, metric: AnyMetric, items: { line: number; input: MetricInput }[]): ScoredLine[] {
  return items.map(({ line, input }) => {
    try {
      return { line, item: metric.score(input) };
    } catch (error) {
      if (!(error instanceof MetricInputError)) throw error;
      throw new InputError(file, `line ${line} cannot be scored with ${metric.name}: ${error.message}.`, 'Fix that line.', line);
    }
  });
}

function format(value: number, range: readonly [number, number]): string {
  if (!Number.isFinite(value)) return String(value);
  return range[1] === 100 ? value.toFixed(2) : value.toFixed(4);
}

export async function runScore(argv: string[]): Promise<number> {
  if (isExecuteScore(argv)) return runExecuteScore(argv);
  const { values, positionals } = parseCommandLine('score', () => parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      metric: { type: 'string' },
      input: { type: 'string' },
      k: { type: 'string' },
      stem: { type: 'boolean' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      resamples: { type: 'string' },
      language: { type: 'string' },
      predictions: { type: 'string' },
      references: { type: 'string', multiple: true },
    },
  }));
  if (positionals.length) throw new UsageError(`score takes no positional arguments (got ${positionals.join(' ')})`, 'score');
  if (!values.metric) throw new UsageError('score needs --metric NAME', 'score');
  if (!values.input && !values.predictions) throw new UsageError('score needs --input FILE.jsonl (or --predictions FILE --references FILE)', 'score');
  if (values.input && values.predictions) throw new UsageError('give --input or --predictions, not both', 'score');
  const codeBleu = await codeBleuOptions(values.metric, values.language);
  const k = nonNegativeInt('k', values.k);
  let metric: AnyMetric;
  try {
    metric = getMetric(values.metric, { ...(k !== undefined ? { k } : {}), ...(values.stem ? { stem: true } : {}), ...codeBleu });
  } catch (error) {
    throw new UsageError((error as Error).message, 'score');
  }
  if (metric.name.startsWith('pass@') && k === undefined && !/^pass@\d+$/i.test(values.metric)) {
    throw new UsageError('pass@k needs --k K (or name it pass@10)', 'score');
  }
  const file = resolve(values.input ?? values.predictions!);
  const scored = values.predictions ? scoreItems(file, metric, readPredictionReferenceFiles(values.predictions, values.references ?? [])) : scoreFile(file, metric);
  const seed = nonNegativeInt('seed', values.seed);
  const resamples = nonNegativeInt('resamples', values.resamples);
  const summary = summarizeMetric(
    metric,
    scored.map((s) => s.item),
    { ...(seed !== undefined ? { seed } : {}), ...(resamples !== undefined ? { resamples } : {}) },
  );

  if (values.json) {
    const report = {
      metric: metric.name,
      title: metric.title,
      description: metric.description,
      reference: metric.reference,
      higherIsBetter: metric.higherIsBetter,
      input: file,
      corpus: summary,
      items: scored.map((s) => ({ line: s.line, value: s.item.value, ...(s.item.details ? { details: s.item.details } : {}) })),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return EXIT_OK;
  }

  const detailKeys = [...new Set(scored.flatMap((s) => Object.keys(s.item.details ?? {})))];
  console.log(
    renderTable(
      ['line', metric.itemNote ? `${metric.title} (per line)` : metric.title, ...detailKeys],
      scored.map((s) => [String(s.line), format(s.item.value, metric.range), ...detailKeys.map((d) => {
        const v = s.item.details?.[d];
        return v === undefined ? '' : Number.isInteger(v) ? String(v) : v.toFixed(4);
      })]),
    ),
  );
  if (metric.itemNote) console.log(`per line: ${metric.itemNote}`);
  const ci = summary.ci;
  console.log(
    `\n${metric.title} = ${format(summary.value, metric.range)} ± ${format(summary.se, metric.range)} (${summary.seMethod === 'stderr' ? 'standard error' : 'bootstrap se'}), ` +
      `${Math.round(ci.confidence * 100)}% CI [${format(ci.low, metric.range)}, ${format(ci.high, metric.range)}] ` +
      `(${ci.resamples} bootstrap resamples, seed ${ci.seed}), n = ${summary.n}${metric.higherIsBetter ? '' : ', lower is better'}`,
  );
  const details = Object.entries(summary.details).filter(([key]) => key !== 'n');
  if (details.length) console.log(details.map(([key, v]) => `${key} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(', '));
  if (summary.signature) console.log(`signature: ${summary.signature}`);
  for (const w of summary.warnings) console.log(`warning: ${w}`);
  return EXIT_OK;
}
