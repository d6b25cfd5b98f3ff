import { emptyAnnotationsFile, resolveTaxonomy, summarizeAnnotations } from '../../src/shared/annotations';
import type { VariantDtype } from '../../src/shared/modelTypes';
import type { RunData } from '../../src/shared/panelProtocol';
import { buildReport } from '../../src/shared/report/buildReport';
import { RunCard, SampleRecord, SCHEMA_VERSION, UnitResult } from '../../src/shared/report/schema';
import { LockstepAccumulator, summarizeLockstep } from '../../src/shared/stats/fidelity';
import { summarizePerplexity } from '../../src/shared/stats/perplexity';
import { summarizeDistribution } from '../../src/shared/stats/summary';

/**
 * A run of realistic size made without a model: the card, unit results folded into a report by the
 * engine's own buildReport, and per-prompt samples (outputs of ~64 tokens with tokenTexts, KLD and
 * Δp per token). Deterministic for a seed. For the panel bench and the long-list tests.
 */
export interface SyntheticOptions {
  /** Variant ids, baseline first (the card's variantIds, as the engine lists them). */
  variants?: Array<{ id: string; dtype: VariantDtype; sizeBytes: number; noise: number }>;
  samples?: number;
  tokensPerSample?: number;
  /** Gives this prompt index ~`longOutputChars` of output for every variant (baseline and variants differ). */
  longSample?: { promptIndex: number; chars: number };
  seed?: number;
}

const WORDS = 'the a of and to in that it is was for on as with by at from this be or an have not are but his they which one you were her all she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(' ');

/** mulberry32: a small seeded generator, enough for test data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SYNTHETIC_VARIANTS = [
  { id: 'fp32', dtype: 'fp32' as const, sizeBytes: 4_400_000_000, noise: 0 },
  { id: 'q8', dtype: 'q8' as const, sizeBytes: 1_150_000_000, noise: 0.02 },
  { id: 'q4', dtype: 'q4' as const, sizeBytes: 720_000_000, noise: 0.12 },
];

export function syntheticRun(options: SyntheticOptions = {}): RunData {
  const variants = options.variants ?? SYNTHETIC_VARIANTS;
  const sampleCount = options.samples ?? 500;
  const tokensPerSample = options.tokensPerSample ?? 64;
  const rand = random(options.seed ?? 42);
  const pick = (): string => WORDS[Math.floor(rand() * WORDS.length)]!;
  const baseline = variants[0]!;
  const runId = '20260101T000000Z-synthetic-00000000';

  const card: RunCard = {
    schemaVersion: SCHEMA_VERSION,
    runId,
    specHash: '0'.repeat(64),
    createdAt: '2026-01-01T00:00:00.000Z',
    spec: {
      modelFolder: '/models/synthetic-1b',
      modelName: 'synthetic-1b',
      baselineId: baseline.id,
      variantIds: variants.map((v) => v.id),
      measures: ['fidelity', 'generation', 'performance'],
      corpus: { path: '/data/corpus.txt', sha256: 'a'.repeat(64), bytes: 1_000_000 },
      prompts: { path: '/data/prompts.txt', sha256: 'b'.repeat(64), bytes: 40_000 },
      windows: { kind: 'sliding', contextLength: 512, stride: 256 },
      generation: { maxNewTokens: tokensPerSample, greedy: true, stopOnEos: true },
      performance: { promptTokens: 64, outputTokens: 32, warmups: 2, repetitions: 5, ignoreEos: true },
      executionProvider: 'cpu',
      threads: { intraOp: 8, interOp: 1 },
      seed: 0,
    },
    environment: { os: 'Linux 6.1', platform: 'linux', arch: 'x64', cpuModel: 'Synthetic CPU', cores: 8, totalMemoryBytes: 32 * 2 ** 30, gpu: null, node: '20.19.0', onnxruntimeNode: '1.30.0', transformersJs: '4.3.1', quantlens: '0.1.0' },
    variants: variants.map((v) => ({ id: v.id, dtype: v.dtype, files: [{ path: `onnx/model_${v.id}.onnx`, bytes: v.sizeBytes, sha256: 'c'.repeat(64) }], sizeBytes: v.sizeBytes })),
    methods: ['Synthetic run for the panel bench and tests: no model was evaluated.'],
  };

  // Corpus passes: per-token NLL of the baseline, and each variant's noisy copy of it.
  const corpusTokens = 20_000;
  const nllBase = Float64Array.from({ length: corpusTokens }, () => -Math.log(0.02 + rand() * 0.9));
  const results: UnitResult[] = [{ kind: 'perplexity', variantId: baseline.id, perplexity: summarizePerplexity(nllBase, corpusTokens * 0.75, corpusTokens * 4.2), executionProvider: 'cpu' }];
  for (const v of variants.slice(1)) {
    const acc = new LockstepAccumulator();
    const nllVariant = new Float64Array(corpusTokens);
    for (let i = 0; i < corpusTokens; i++) {
      const kld = v.noise * rand() * rand() * 2;
      nllVariant[i] = nllBase[i]! + (rand() - 0.4) * v.noise;
      acc.add({ kld, reverseKld: kld * (0.9 + rand() * 0.2), deltaP: (rand() - 0.55) * v.noise, nllBase: nllBase[i]!, nllVariant: nllVariant[i]!, sameTop: rand() > v.noise * 0.8 });
    }
    results.push({ kind: 'lockstep', variantId: v.id, kld: summarizeLockstep(acc), perplexity: summarizePerplexity(nllVariant, corpusTokens * 0.75, corpusTokens * 4.2), executionProvider: 'cpu' });
  }
  variants.forEach((v, i) => {
    const speed = 1 - 0.25 * i;
    const repeat = (mean: number, n: number) => summarizeDistribution(Float64Array.from({ length: n }, () => mean * (0.95 + rand() * 0.1)));
    results.push({
      kind: 'performance', variantId: v.id, executionProvider: 'cpu', loadMs: 800 * speed, sessionRssBytes: v.sizeBytes * 1.1, peakRssBytes: v.sizeBytes * 1.3, highWaterRssBytes: v.sizeBytes * 1.3, rssSampleIntervalMs: 10, promptTokens: 64, outputTokens: 32,
      ttftMs: repeat(90 * speed, 5), tpotMs: repeat(30 * speed, 5), itlMs: repeat(30 * speed, 155), e2eMs: repeat(1000 * speed, 5), outputTokensPerSecond: repeat(33 / speed, 5),
    });
  });

  // Generations: the baseline's tokens, and each variant's copy that diverges at some point.
  const samples: SampleRecord[] = [];
  const longest = options.longSample;
  for (let p = 0; p < sampleCount; p++) {
    const prompt = Array.from({ length: 6 + Math.floor(rand() * 10) }, pick).join(' ');
    const sampleKey = (0x1000000000000 + p * 7919).toString(16).padStart(16, '0');
    const isLong = longest?.promptIndex === p;
    const baseTokens = Array.from({ length: tokensPerSample }, () => ` ${pick()}`);
    // The long sample: enough tokens for every variant's output to reach the length.
    if (isLong) while (baseTokens.join('').length < longest.chars * 1.2) baseTokens.push(` ${pick()}`);
    const length = baseTokens.length;
    variants.forEach((v, i) => {
      const diverges = i > 0 && rand() < v.noise * 6;
      const at = isLong && i > 0 ? 0 : diverges ? Math.floor(rand() * length) : null;
      const tokenTexts = at === null ? baseTokens : [...baseTokens.slice(0, at), ...Array.from({ length: length - at }, () => ` ${pick()}`)];
      let output = tokenTexts.join('');
      if (isLong) output = output.slice(0, longest.chars);
      const texts = isLong ? splitLike(output, tokenTexts) : tokenTexts;
      samples.push({
        sampleKey, promptIndex: p, variantId: v.id, prompt, output,
        tokenIds: texts.map((_, k) => 100 + ((p * 31 + k) % 30000)),
        tokenTexts: texts,
        kld: texts.map((_, k) => (i === 0 ? 0 : at !== null && k >= at ? rand() * 2 : rand() * v.noise * 0.1)),
        deltaP: texts.map((_, k) => (i === 0 ? 0 : at !== null && k >= at ? -rand() * 0.6 : (rand() - 0.5) * v.noise * 0.1)),
        firstDivergence: at,
        stoppedBy: 'max-new-tokens',
      });
    });
  }
  for (const v of variants) {
    const own = samples.filter((s) => s.variantId === v.id);
    results.push({ kind: 'generation', variantId: v.id, samples: own.length, differsFromBaseline: own.filter((s) => s.firstDivergence !== null).length, meanKld: own.reduce((n, s) => n + s.kld.reduce((a, b) => a + b, 0) / Math.max(1, s.kld.length), 0) / own.length, stoppedByEos: 0 });
  }

  const report = buildReport(card, results, [], [], 'completed', '2026-01-01T00:10:00.000Z');
  // No annotations yet: the panel's failures section shows the automatic-flag side only (none here).
  const taxonomy = resolveTaxonomy();
  const modelFolder = 'synthetic-1b';
  const generated = samples.filter((s) => s.variantId !== baseline.id);
  const annotations = { modelFolder, annotations: [], dismissedFlags: [], taxonomy, summary: summarizeAnnotations(generated, emptyAnnotationsFile(), { modelFolder, taxonomy }) };
  return { runFolder: `/runs/${runId}`, card, report, status: 'completed', samples, annotations };
}

/** Token texts cut to the same boundaries after the output was truncated to a length. */
function splitLike(output: string, tokens: readonly string[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const t of tokens) {
    if (at >= output.length) break;
    out.push(output.slice(at, at + t.length));
    at += t.length;
  }
  return out;
}
