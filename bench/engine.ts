/**
 * bench/engine: the engine's overhead over bare onnxruntime-node, measured side by side in one run.
 *   1. decode step: OnnxDecoderBackend.generateGreedy per-token time ÷ a bare session.run loop that
 *      feeds the same tokens and KV cache (goal ≤ 1.03);
 *   2. fidelity pass: runLockstepPass wall time ÷ the sum of bare forward times of baseline +
 *      variant on the same windows (goal ≤ 1.10).
 * Each round times engine and bare back to back, in alternating order (engine first, then bare
 * first), so drift and order effects hit both alike; besides the ratio of the medians it prints the
 * median of the per-round ratios (robust to a loaded machine, each round being its own pair) and
 * the load average, since a busy machine moves both. Usage: see engineOptions.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { loadAverageText, median } from './scaleParts';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { inspectModelFolder } from '../src/node/discovery';
import { loadTokenizer } from '../src/worker/backend/tokenizer';
import { OnnxDecoderBackend } from '../src/worker/backend/onnxBackend';
import { runLockstepPass } from '../src/worker/passes/corpusPasses';
import { tokenizeCorpus } from '../src/worker/inputs/corpus';
import { FIXTURE_FAMILIES } from '../src/modelmaker/familySpec';
import { makeFixtureModel } from '../src/modelmaker/makeFixtureModel';
import { bareDecode, timedForward } from './bareLoop';
import { parseEngineBenchArgs } from './engineOptions';

const load = loadAverageText;

/** Both orders alike: even rounds run `a` first, odd rounds `b` first. */
async function pairedRound(round: number, a: () => Promise<number>, b: () => Promise<number>): Promise<[number, number]> {
  if (round % 2 === 0) {
    const x = await a();
    return [x, await b()];
  }
  const y = await b();
  return [await a(), y];
}

function summary(engine: readonly number[], bare: readonly number[], unit: string, digits: number): string {
  const ratios = engine.map((e, i) => e / bare[i]!);
  return `engine ${median(engine).toFixed(digits)} ${unit}   bare ${median(bare).toFixed(digits)} ${unit}   ratio ${(median(engine) / median(bare)).toFixed(3)}   per-round ratio median ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`;
}

/** The model's shape from config.json, for the header: layers × hidden, heads, KV heads. */
function configShape(modelFolder: string): string {
  const file = join(modelFolder, 'config.json');
  if (!existsSync(file)) return 'no config.json';
  const c = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return `${c.num_hidden_layers} layers × hidden ${c.hidden_size}, ${c.num_attention_heads} heads / ${c.num_key_value_heads ?? c.num_attention_heads} KV heads`;
}

async function main(): Promise<void> {
  const options = parseEngineBenchArgs(process.argv.slice(2));
  const fixture = FIXTURE_FAMILIES[0]!;
  const modelFolder = options.modelFolder ?? resolve(join('demo', fixture.name));
  if (!options.modelFolder && !existsSync(join(modelFolder, 'onnx', 'model.onnx'))) makeFixtureModel(fixture, resolve('demo'));
  const folder = await inspectModelFolder(modelFolder);
  const baseline = folder.variants.find((v) => v.id === folder.baselineId);
  const variant = folder.variants.find((v) => v.dtype === 'q4') ?? folder.variants.find((v) => v.id !== baseline?.id);
  if (!baseline || !variant) throw new Error(`${modelFolder}: needs a baseline and one more variant under onnx/ (found ${folder.variants.map((v) => v.id).join(', ') || 'none'})`);
  const threads = { intraOp: Number(process.env.QL_BENCH_THREADS ?? cpus().length), interOp: 1 };
  // The bare sessions get the engine's session options (OnnxDecoderBackend.load), so the ratio is the engine's own overhead.
  const sessionOptions: ort.InferenceSession.SessionOptions = { intraOpNumThreads: threads.intraOp, interOpNumThreads: threads.interOp, graphOptimizationLevel: 'all', executionProviders: ['cpu'] };
  const tokenizer = await loadTokenizer(modelFolder, undefined);
  const loadEngine = (v: typeof baseline): Promise<OnnxDecoderBackend> => OnnxDecoderBackend.load({ modelFolder, variant: v, executionProvider: 'cpu', threads, eosTokenIds: [] });
  const engineBase = await loadEngine(baseline);
  const engineVariant = await loadEngine(variant);
  const bareBase = await ort.InferenceSession.create(baseline.file, sessionOptions);
  const bareVariant = await ort.InferenceSession.create(variant.file, sessionOptions);
  const shape = options.shape ?? (options.modelFolder ? basename(modelFolder) : 'tiny fixture');
  console.log(`shape ${shape}: ${folder.name}, ${configShape(modelFolder)}, vocab ${engineBase.vocabSize}; baseline ${baseline.id}, variant ${variant.id}; ${threads.intraOp} intra-op threads, cpu; ${options.rounds} rounds after a warm-up; load ${load()}`);

  // 1. Decode step. The warm-up round's greedy tokens are what the bare loop feeds in every round.
  const prompt = tokenizer.encode('The river runs through the old town and the people', true);
  const steps = options.decodeSteps;
  const engineDecode = async (): Promise<{ ms: number; tokens: number[] }> => {
    const r = await engineVariant.generateGreedy(prompt, { maxNewTokens: steps, stopOnEos: false });
    return { ms: (r.tokenTimesMs.at(-1)! - r.tokenTimesMs[0]!) / (r.tokens.length - 1), tokens: r.tokens };
  };
  const { tokens: generated } = await engineDecode();
  await bareDecode(bareVariant, prompt, generated);
  const engineStep: number[] = [];
  const bareStep: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const [e, b] = await pairedRound(round, async () => (await engineDecode()).ms, () => bareDecode(bareVariant, prompt, generated));
    engineStep.push(e);
    bareStep.push(b);
  }
  console.log(`[${shape}] decode step   ${summary(engineStep, bareStep, 'ms', 4)}   (goal ≤ 1.03; ${steps - 1} steps a round)   load ${load()}`);

  // 2. Fidelity pass.
  const text = readFileSync(resolve('examples/demo/corpus.txt'), 'utf8').repeat(4);
  const full = tokenizeCorpus('corpus', text, tokenizer, { kind: 'sliding', contextLength: options.contextLength, stride: Math.max(1, Math.floor(options.contextLength / 2)) });
  const corpus = { ...full, windows: full.windows.slice(0, options.windows) };
  const enginePass = async (): Promise<number> => {
    const started = performance.now();
    await runLockstepPass(engineBase, engineVariant, corpus, () => undefined, () => false);
    return performance.now() - started;
  };
  const bareForwards = async (): Promise<number> => {
    let bare = 0;
    for (const w of corpus.windows) {
      const tokens = corpus.tokens.slice(w.start, w.end);
      bare += await timedForward(bareBase, tokens);
      bare += await timedForward(bareVariant, tokens);
    }
    return bare;
  };
  await enginePass();
  await bareForwards();
  const passTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const [e, b] = await pairedRound(round, enginePass, bareForwards);
    passTimes.push(e);
    bareTimes.push(b);
  }
  console.log(`[${shape}] fidelity pass ${summary(passTimes, bareTimes, 'ms', 1)}   (goal ≤ 1.10; ${corpus.windows.length} windows of ≤${options.contextLength} tokens, vocab ${engineBase.vocabSize})   load ${load()}`);
  for (const b of [engineBase, engineVariant]) await b.dispose();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
