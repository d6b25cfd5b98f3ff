// Times every registered metric on 10,000 lines of synthetic (seeded, reproducible) data: scoring the
// lines, the corpus aggregate, and the seeded bootstrap interval (1,000 resamples) the report carries.
// Usage: npm run bench:metrics [-- --lines N]
import { performance } from 'node:perf_hooks';
import { AnyMetric, MetricInput, getMetric, summarizeMetric } from '../src/shared/metrics/index';
import { SeededRandom } from '../src/shared/stats/seededRandom';
import { renderTable } from '../src/shared/resultsTable';

const argIndex = process.argv.indexOf('--lines');
const LINES = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 10_000;

const VOCABULARY = (
  'the a of to and in is was for on that with as by at from it his her their this be are were has have had ' +
  'city council voted build new library centre town children wing cafe free internet access construction ' +
  'expected start spring finish within two years researchers found people walk thirty minutes day sleep ' +
  'better than those exercise study followed thousand adults year storm brought strong winds heavy rain ' +
  'coast overnight knocking trees cutting power homes repair crews worked through morning electricity noon ' +
  'running runner runs quickly quick happiness happy connected connection connecting generously general'
).split(' ');

const random = new SeededRandom(2024);

function sentence(words: number): string[] {
  return Array.from({ length: words }, () => VOCABULARY[random.int(VOCABULARY.length)]!);
}

/** A reference and a prediction that keeps ~70% of it, with substitutions, drops and punctuation. */
function pair(): { prediction: string; references: string[] } {
  const ref = sentence(15 + random.int(20));
  const pred = ref.flatMap((w) => {
    const r = random.uniform();
    if (r < 0.15) return [VOCABULARY[random.int(VOCABULARY.length)]!];
    if (r < 0.22) return [];
    if (r < 0.25) return [w, VOCABULARY[random.int(VOCABULARY.length)]!];
    return [w];
  });
  const cap = (words: string[]): string => {
    const text = words.join(' ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  };
  const second = ref.slice(Math.floor(ref.length / 2)).concat(ref.slice(0, Math.floor(ref.length / 2)));
  return { prediction: cap(pred), references: [cap(ref), cap(second)] };
}

function inputsFor(metric: AnyMetric): MetricInput[] {
  return Array.from({ length: LINES }, (): MetricInput => {
    switch (metric.input) {
      case 'generation':
        return pair();
      case 'samples':
        return { n: 20, correct: random.int(21) };
      case 'choice': {
        const logLikelihoods = Array.from({ length: 4 }, () => -1 - 10 * random.uniform());
        const choices = Array.from({ length: 4 }, () => sentence(1 + random.int(6)).join(' '));
        return { logLikelihoods, choices, gold: random.int(4) };
      }
      case 'confidence': {
        const probability = 0.25 + 0.75 * random.uniform();
        return { probability, correct: random.uniform() < probability - 0.05 };
      }
      case 'loglikelihood': {
        const tokens = 50 + random.int(200);
        return { logLikelihood: -tokens * (2 + random.uniform()), tokens, words: Math.round(tokens * 0.75), bytes: tokens * 4 };
      }
    }
  });
}

const NAMES = [
  'bleu', 'chrf', 'chrf++', 'rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'rougeL_stem', 'meteor', 'exact_match', 'f1',
  'pass@10', 'acc', 'acc_norm', 'acc_bytes', 'ece', 'word_perplexity', 'bits_per_byte',
];

const rows: string[][] = [];
for (const name of NAMES) {
  const metric = getMetric(name);
  const inputs = inputsFor(metric);
  const t0 = performance.now();
  const items = inputs.map((input) => metric.score(input));
  const t1 = performance.now();
  const corpus = metric.corpus(items.map((i) => i.stats));
  const t2 = performance.now();
  const summary = summarizeMetric(metric, items, { resamples: 1000, seed: 0 });
  const t3 = performance.now();
  rows.push([
    name,
    (t1 - t0).toFixed(0),
    (((t1 - t0) * 1000) / LINES).toFixed(1),
    (t2 - t1).toFixed(1),
    (t3 - t2).toFixed(0),
    corpus.value.toFixed(metric.range[1] === 100 ? 2 : 4),
    `[${summary.ci.low.toFixed(metric.range[1] === 100 ? 2 : 4)}, ${summary.ci.high.toFixed(metric.range[1] === 100 ? 2 : 4)}]`,
  ]);
}

console.log(`Scoring ${LINES.toLocaleString('en')} lines per metric (Node ${process.version}, ${process.arch})\n`);
console.log(renderTable(['metric', 'score ms', 'µs/line', 'corpus ms', 'bootstrap ms (1000)', 'value', '95% CI'], rows));
