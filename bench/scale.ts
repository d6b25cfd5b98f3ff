/**
 * bench/scale: what QuantLens costs at the scale of real small models (issue 16), on the
 * realistic-shape fixtures (make-fixtures --realistic; untrained weights, real sizes), in one run:
 *   1. decode: TPOT of every variant against fp32, and the roofline fraction — weight + KV bytes
 *      read per decoded token ÷ TPOT, over the machine's streaming copy bandwidth — so the table
 *      shows where the low-bit variants pay off on this CPU and where they do not;
 *   2. cost growth of the PPL+KLD lockstep pass (runLockstepPass, baseline fp32 + variant q4) with
 *      corpus length (time per token should stay flat) and with vocabulary (same Qwen shape and
 *      layers, vocab 49,152 vs 151,936): time per token and peak RSS while the pass runs.
 * Fixtures are made once into the cache folder by `node dist/make-fixtures.js` and reused.
 * Usage: node dist/bench/scale.js [--full] [--long] [--quick] [--cache DIR] [--steps N] [--rounds N]
 *   --full  decode on the full layer counts (Qwen shape: 24 layers, 2.4 GiB fp32) and run the
 *           cost-growth pass on the full SmolLM2 shape; the default reduces them to stay near
 *           10 minutes on a 2-core machine.
 *   --long  adds a 100k-token corpus to the cost-growth table.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { inspectModelFolder } from '../src/node/discovery';
import type { ModelVariant } from '../src/shared/modelTypes';
import { geometryFromConfig, ModelGeometry } from '../src/shared/perf/kvCache';
import { rooflineFigures } from '../src/shared/perf/roofline';
import type { MachineProbe } from '../src/shared/report/schema';
import { planWindows, WindowScheme } from '../src/shared/windows';
import { OnnxDecoderBackend } from '../src/worker/backend/onnxBackend';
import { loadTokenizer } from '../src/worker/backend/tokenizer';
import type { TokenizedCorpus } from '../src/worker/inputs/corpus';
import { runLockstepPass } from '../src/worker/passes/corpusPasses';
import { probeMachine } from '../src/worker/perf/machineProbe';
import { exactLengthTokens, fixtureFolder, formatTable, loadAverageText, makeFixturesArgs, median, ScaleFixture } from './scaleParts';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const FULL = flag('--full');
/** --quick: every fixture at 1 layer and a 2,000-entry BPE, 1k tokens: checks the plumbing in a minute; its numbers mean nothing. */
const QUICK = flag('--quick');
const quick = (f: ScaleFixture): ScaleFixture => (QUICK ? { ...f, layers: 1, bpeVocab: f.bpeVocab ? 1000 : 2000 } : f);
const LONG = flag('--long');
const CACHE = resolve(option('--cache', 'test-output/bench-scale'));
const PROMPT_TOKENS = 32;
const DECODE_STEPS = Number(option('--steps', '16'));
const ROUNDS = Number(option('--rounds', '2'));
const SCHEME: WindowScheme = { kind: 'sliding', contextLength: 512, stride: 256 };
const ALL_VARIANTS = ['fp32', 'fp16', 'q8', 'q4', 'int8', 'uint8', 'q4f16', 'bnb4'];
const threads = { intraOp: Number(process.env.QL_BENCH_THREADS ?? cpus().length), interOp: 1 };

/** Decode fixtures: SmolLM2 in full; Qwen reduced to 4 layers unless --full (its 151,936-row vocab stays). */
const DECODE_FIXTURES: ScaleFixture[] = ([
  { shape: 'smollm2-135m', variants: ALL_VARIANTS },
  { shape: 'qwen2.5-0.5b', layers: FULL ? undefined : 4, variants: ALL_VARIANTS },
] satisfies ScaleFixture[]).map(quick);
/** Cost growth with corpus length: SmolLM2 shape, 2 layers unless --full (the lm_head over 49,152 rows dominates either way). */
const LENGTH_FIXTURE: ScaleFixture = quick({ shape: 'smollm2-135m', layers: FULL ? undefined : 2, variants: ['fp32', 'q4'] });
const LENGTHS = QUICK ? [1_000] : [1_000, 10_000, ...(LONG ? [100_000] : [])];
/**
 * Cost growth with vocabulary: the Qwen shape at 2 layers, its BPE cut to 48,859 so vocab_size is
 * 49,152 (tokenizer + Qwen's 22 trailing specials + its 271 padding rows), against its own 151,936.
 */
const VOCAB_FIXTURES: ScaleFixture[] = ([
  { shape: 'qwen2.5-0.5b', layers: 2, bpeVocab: 48_859, variants: ['fp32', 'q4'] },
  { shape: 'qwen2.5-0.5b', layers: 2, variants: ['fp32', 'q4'] },
] satisfies ScaleFixture[]).map(quick);
const VOCAB_TOKENS = 1_000;

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function describeProbe(machine: MachineProbe): string {
  const flops = machine.matmulFlopsPerSecond ? `${(machine.matmulFlopsPerSecond / 1e9).toFixed(1)} GFLOP/s` : 'n/a';
  return `copy bandwidth (streaming copy, read + write counted, ${machine.copyThreads} threads, ${mib(machine.copyBytes)} source) ${(machine.copyBandwidthBytesPerSecond / 1e9).toFixed(2)} GB/s, fp32 MatMul ${flops}, last-level cache ${machine.lastLevelCacheBytes ? mib(machine.lastLevelCacheBytes) : 'unknown'}`;
}

/** Makes a fixture with make-fixtures unless the cache already holds it (its README is written last). */
function ensureFixture(f: ScaleFixture): string {
  const folder = fixtureFolder(CACHE, f);
  if (existsSync(join(folder, 'README.md'))) return folder;
  const started = performance.now();
  console.log(`making ${folder} (node dist/make-fixtures.js ${makeFixturesArgs(CACHE, f).join(' ')})`);
  execFileSync(process.execPath, [resolve('dist/make-fixtures.js'), ...makeFixturesArgs(CACHE, f)], { stdio: 'inherit' });
  console.log(`  made in ${seconds(performance.now() - started)}`);
  return folder;
}

async function loadFolder(folder: string): Promise<{ variants: ModelVariant[]; geometry: ModelGeometry; config: Record<string, unknown> }> {
  const inspected = await inspectModelFolder(folder);
  const broken = inspected.variants.filter((v) => v.error);
  if (broken.length) throw new Error(`${folder}: ${broken.map((v) => `${v.id}: ${v.error!.problem}`).join('; ')}`);
  const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
  const geometry = geometryFromConfig(config);
  if (!geometry) throw new Error(`${folder}/config.json lacks the sizes the roofline needs`);
  // The realistic fixtures store lm_head as its own transposed initializer (as the exporter does),
  // so a decode step gathers one embedding row rather than reading the table: count it as untied.
  return { variants: inspected.variants, geometry: { ...geometry, tiedEmbeddings: false }, config };
}

const load = (folder: string, variant: ModelVariant): Promise<OnnxDecoderBackend> => OnnxDecoderBackend.load({ modelFolder: folder, variant, executionProvider: 'cpu', threads, eosTokenIds: [] });

/** Part 1: TPOT of every variant, rounds interleaved (A B C … A B C) so drift hits all alike. */
async function decodeTable(f: ScaleFixture): Promise<void> {
  const folder = ensureFixture(f);
  const { variants, geometry } = await loadFolder(folder);
  const tokenizer = await loadTokenizer(folder, undefined);
  const text = readFileSync(resolve('examples/demo/corpus.txt'), 'utf8');
  const prompt = exactLengthTokens(tokenizer.encode(text, true), PROMPT_TOKENS);
  const ordered = ALL_VARIANTS.map((d) => variants.find((v) => v.dtype === d || v.id === d)).filter((v): v is ModelVariant => !!v);
  const backends = new Map<string, OnnxDecoderBackend>();
  const loadMs = new Map<string, number>();
  for (const v of ordered) {
    const started = performance.now();
    backends.set(v.id, await load(folder, v));
    loadMs.set(v.id, performance.now() - started);
  }
  // Probed per table, just before its timing: on a shared machine the ceiling moves with the load.
  const machine = await probeMachine('cpu', threads);
  const loadBefore = loadAverageText();
  const tpot = new Map<string, number[]>(ordered.map((v) => [v.id, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const v of ordered) {
      // Round 0 warms each session up with a short generation and is not timed.
      const r = await backends.get(v.id)!.generateGreedy(prompt, { maxNewTokens: round === 0 ? 3 : DECODE_STEPS + 1, stopOnEos: false });
      if (round > 0) tpot.get(v.id)!.push((r.tokenTimesMs.at(-1)! - r.tokenTimesMs[0]!) / (r.tokens.length - 1));
    }
  }
  const base = median(tpot.get(ordered[0]!.id)!);
  const rows = ordered.map((v) => {
    const ms = median(tpot.get(v.id)!);
    const r = rooflineFigures({
      signature: v.signature!,
      geometry,
      kvElementBytes: backends.get(v.id)!.kvElementBytes,
      workload: { inputTokens: PROMPT_TOKENS, outputTokens: DECODE_STEPS + 1, batchSize: 1, concurrency: 1 },
      tpotMs: ms,
      machine,
    });
    const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
    return [v.id, mib(v.sizeBytes), mib(r.weightBytesPerStep + r.kvBytesPerStep), ms.toFixed(1), (ms / base).toFixed(2), (base / ms).toFixed(2), `${(r.achievedBytesPerSecond / 1e9).toFixed(2)}`, pct(r.bandwidthFraction), pct(r.flopsFraction), seconds(loadMs.get(v.id)!)];
  });
  const reduced = f.layers !== undefined ? ` — REDUCED to ${f.layers} of its layers (--full for all)` : '';
  console.log(`\n1. decode, ${f.shape} shape: ${geometry.layers} layers, hidden ${geometry.hiddenSize}, vocab ${geometry.vocabSize}${reduced}`);
  console.log(`   TPOT = median over ${ROUNDS} rounds of (last − first token time) / ${DECODE_STEPS} steps after a ${PROMPT_TOKENS}-token prompt, batch 1, greedy, OnnxDecoderBackend on cpu; bytes/token = weights read per step (embedding table counted as one row) + KV cache at the mean context`);
  console.log(`   ${describeProbe(machine)}, probed just before this table; load average ${loadBefore} before, ${loadAverageText()} after`);
  console.log(formatTable(['variant', 'file', 'bytes/token', 'TPOT ms', 'TPOT/fp32', 'speed-up', 'GB/s', '% copy BW', '% MatMul FLOP/s', 'load'], rows));
  for (const b of backends.values()) await b.dispose();
}

/** RSS sampled every 5 ms while `work` runs (the pass awaits onnxruntime, so the timer gets its turns). */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; before: number; peak: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, before, peak };
  } finally {
    clearInterval(timer);
  }
}

/** `forwarded`: tokens fed per model (overlapping windows feed most tokens twice); `scored`: tokens whose prediction is scored. */
interface PassCost { label: string; vocab: number; tokens: number; windows: number; forwarded: number; scored: number; ms: number; before: number; peak: number }

/** One PPL+KLD lockstep pass (fp32 baseline + q4) over an exact-length corpus, timed, with its RSS. */
async function lockstepCost(folder: string, lengths: readonly number[]): Promise<PassCost[]> {
  const { variants, geometry } = await loadFolder(folder);
  const tokenizer = await loadTokenizer(folder, undefined);
  const source = tokenizer.encode(readFileSync(resolve('examples/demo/corpus.txt'), 'utf8'), true);
  const base = await load(folder, variants.find((v) => v.dtype === 'fp32')!);
  const q4 = await load(folder, variants.find((v) => v.dtype === 'q4')!);
  const out: PassCost[] = [];
  try {
    // One untimed window first: the sessions' first runs and the scoring thread's start are not the pass's cost.
    const warm = exactLengthTokens(source, SCHEME.contextLength);
    await runLockstepPass(base, q4, { file: 'warm-up', tokens: warm, windows: planWindows(warm.length, SCHEME), scoredWords: 0, scoredBytes: 0 }, () => undefined, () => false);
    for (const count of lengths) {
      const tokens = exactLengthTokens(source, count);
      const windows = planWindows(tokens.length, SCHEME);
      const corpus: TokenizedCorpus = { file: `${count} tokens`, tokens, windows, scoredWords: 0, scoredBytes: 0 };
      const started = performance.now();
      const { before, peak } = await withPeakRss(() => runLockstepPass(base, q4, corpus, () => undefined, () => false));
      const ms = performance.now() - started;
      const scored = windows.reduce((n, w) => n + w.end - w.scoreFrom, 0);
      const forwarded = windows.reduce((n, w) => n + w.end - w.start, 0);
      out.push({ label: `${geometry.layers} layers`, vocab: geometry.vocabSize, tokens: count, windows: windows.length, forwarded, scored, ms, before, peak });
    }
  } finally {
    await base.dispose();
    await q4.dispose();
  }
  return out;
}

const CHILD_FLAG = '--lockstep-child';
const RESULT_PREFIX = 'SCALE_RESULT ';

/**
 * lockstepCost in a fresh node process, so its RSS holds these two models and the pass alone,
 * not what the decode tables loaded before (freed memory seldom goes back to the system).
 */
function lockstepCostInChild(folder: string, lengths: readonly number[]): PassCost[] {
  const stdout = execFileSync(process.execPath, [__filename, CHILD_FLAG, folder, lengths.join(',')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (!line) throw new Error(`bench/scale: the lockstep child for ${folder} printed no result; its output:\n${stdout}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as PassCost[];
}

async function childMain(folder: string, lengths: string): Promise<void> {
  const costs = await lockstepCost(folder, lengths.split(',').map(Number));
  console.log(RESULT_PREFIX + JSON.stringify(costs));
}

function costRows(costs: readonly PassCost[], perTokenBase: number): string[][] {
  return costs.map((c) => [
    `${c.tokens.toLocaleString('en-US')}`, `${c.vocab.toLocaleString('en-US')}`, String(c.windows), c.forwarded.toLocaleString('en-US'), seconds(c.ms), (c.ms / c.scored).toFixed(2), (c.ms / c.forwarded).toFixed(2), (c.ms / c.forwarded / perTokenBase).toFixed(2),
    mib(c.peak), mib(c.peak - c.before), mib(2 * SCHEME.contextLength * c.vocab * 4),
  ]);
}

const COST_HEADER = ['corpus tokens', 'vocab', 'windows', 'fed tokens', 'pass', 'ms/scored token', 'ms/fed token', 'ms/fed token ÷ first row', 'peak RSS', 'Δ RSS in pass', 'logits/window (2 models)'];

async function main(): Promise<void> {
  const started = performance.now();
  const cpu = cpus();
  console.log(`machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown cpu'}), ${mib(totalmem())} memory (${mib(freemem())} free), load average ${loadAverageText()} (1/5/15 min) at start`);
  console.log(`onnxruntime-node cpu, ${threads.intraOp} intra-op threads; fixtures cached in ${CACHE}${FULL ? '; --full' : ''}${LONG ? '; --long' : ''}`);
  for (const f of DECODE_FIXTURES) await decodeTable(f);

  const lengthCosts = lockstepCostInChild(ensureFixture(LENGTH_FIXTURE), LENGTHS);
  const reduced = LENGTH_FIXTURE.layers !== undefined ? ` — REDUCED (--full for all its layers)` : '';
  console.log(`\n2a. PPL+KLD lockstep pass (runLockstepPass: fp32 baseline + q4 forwards, scoring on its worker thread) vs corpus length, ${LENGTH_FIXTURE.shape} shape, ${lengthCosts[0]!.label}${reduced}${LONG ? '' : '; 100k tokens with --long'}`);
  console.log(`    windows of ${SCHEME.contextLength} tokens, stride ${SCHEME.stride} (the default sliding scheme); ms/scored token = pass wall time ÷ tokens scored once each; ms/fed token = ÷ tokens fed per model (a short corpus has fewer overlapping windows: 1.5 fed per scored at 1k, 2.0 at 10k), the linearity check; one fresh process per model holding its two variants: RSS sampled every 5 ms during the pass, Δ over the RSS just before it (models loaded, one warm-up window run)`);
  console.log(formatTable(COST_HEADER, costRows(lengthCosts, lengthCosts[0]!.ms / lengthCosts[0]!.forwarded)));

  const vocabCosts: PassCost[] = [];
  for (const f of VOCAB_FIXTURES) vocabCosts.push(...lockstepCostInChild(ensureFixture(f), [VOCAB_TOKENS]));
  console.log(`\n2b. the same pass vs vocabulary: ${VOCAB_FIXTURES[0]!.shape} shape, ${vocabCosts[0]!.label} both, vocab ${vocabCosts.map((c) => c.vocab.toLocaleString('en-US')).join(' vs ')} (the first with its BPE cut to ${VOCAB_FIXTURES[0]!.bpeVocab!.toLocaleString('en-US')}), ${VOCAB_TOKENS.toLocaleString('en-US')} tokens`);
  console.log(formatTable(COST_HEADER, costRows(vocabCosts, vocabCosts[0]!.ms / vocabCosts[0]!.forwarded)));

  console.log(`\nload average ${loadAverageText()} at end; whole run ${seconds(performance.now() - started)} (fixture making included when the cache was empty)`);
}

(args[0] === CHILD_FLAG ? childMain(args[1]!, args[2]!) : main()).catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
