/**
 * bench/engine: the engine's overhead over bare onnxruntime-node, measured side by side in one run.
 *   1. decode step: OnnxDecoderBackend.generateGreedy per-token time ÷ a bare session.run loop that
 *      feeds the same tokens and KV cache (goal ≤ 1.03);
 *   2. fidelity pass: runLockstepPass wall time ÷ the sum of bare forward times of baseline +
 *      variant on the same windows (goal ≤ 1.10).
 * Rounds alternate engine and bare so drift hits both alike. Usage: node dist/bench/engine.js [model-folder]
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
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

const folderArg = process.argv[2];
const ROUNDS = 5;
const DECODE_STEPS = 200;

async function main(): Promise<void> {
  const modelFolder = resolve(folderArg ?? join('demo', FIXTURE_FAMILIES[0]!.name));
  if (!folderArg && !existsSync(join(modelFolder, 'onnx', 'model.onnx'))) makeFixtureModel(FIXTURE_FAMILIES[0]!, resolve('demo'));
  const folder = await inspectModelFolder(modelFolder);
  const baseline = folder.variants.find((v) => v.id === folder.baselineId)!;
  const variant = folder.variants.find((v) => v.dtype === 'q4') ?? folder.variants.find((v) => v.id !== baseline.id)!;
  const threads = { intraOp: Number(process.env.QL_BENCH_THREADS ?? cpus().length), interOp: 1 };
  const sessionOptions: ort.InferenceSession.SessionOptions = { intraOpNumThreads: threads.intraOp, interOpNumThreads: threads.interOp, graphOptimizationLevel: 'all', executionProviders: ['cpu'] };
  const tokenizer = await loadTokenizer(modelFolder, undefined);
  const load = (v: typeof baseline): Promise<OnnxDecoderBackend> => OnnxDecoderBackend.load({ modelFolder, variant: v, executionProvider: 'cpu', threads, eosTokenIds: [] });
  const engineBase = await load(baseline);
  const engineVariant = await load(variant);
  const bareBase = await ort.InferenceSession.create(baseline.file, sessionOptions);
  const bareVariant = await ort.InferenceSession.create(variant.file, sessionOptions);
  console.log(`model ${folder.name}: baseline ${baseline.id}, variant ${variant.id}, ${threads.intraOp} intra-op threads, cpu`);

  // 1. Decode step.
  const prompt = tokenizer.encode('The river runs through the old town and the people', true);
  const engineStep: number[] = [];
  const bareStep: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round++) {
    const r = await engineVariant.generateGreedy(prompt, { maxNewTokens: DECODE_STEPS, stopOnEos: false });
    const bare = await bareDecode(bareVariant, prompt, r.tokens);
    if (round === 0) continue; // warm-up round
    engineStep.push((r.tokenTimesMs.at(-1)! - r.tokenTimesMs[0]!) / (r.tokens.length - 1));
    bareStep.push(bare);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`decode step   engine ${median(engineStep).toFixed(4)} ms   bare session.run loop ${median(bareStep).toFixed(4)} ms   ratio ${(median(engineStep) / median(bareStep)).toFixed(3)} (goal ≤ 1.03; median of ${ROUNDS} rounds × ${DECODE_STEPS - 1} steps)`);

  // 2. Fidelity pass.
  const text = readFileSync(resolve('examples/demo/corpus.txt'), 'utf8').repeat(4);
  const corpus = tokenizeCorpus('corpus', text, tokenizer, { kind: 'sliding', contextLength: 256, stride: 128 });
  const passTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round++) {
    const started = performance.now();
    await runLockstepPass(engineBase, engineVariant, corpus, () => undefined, () => false);
    const pass = performance.now() - started;
    let bare = 0;
    for (const w of corpus.windows) {
      const tokens = corpus.tokens.slice(w.start, w.end);
      bare += await timedForward(bareBase, tokens);
      bare += await timedForward(bareVariant, tokens);
    }
    if (round === 0) continue;
    passTimes.push(pass);
    bareTimes.push(bare);
  }
  console.log(`fidelity pass engine ${median(passTimes).toFixed(1)} ms   bare forwards (base + variant) ${median(bareTimes).toFixed(1)} ms   ratio ${(median(passTimes) / median(bareTimes)).toFixed(3)} (goal ≤ 1.10; ${corpus.windows.length} windows of ≤256 tokens, vocab ${engineBase.vocabSize})`);
  for (const b of [engineBase, engineVariant]) await b.dispose();
}

void main();
