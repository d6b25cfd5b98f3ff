/**
 * bench/protocol: what the performance protocol's own machinery costs, in one run.
 *   1. The RSS sampler's overhead: decode TPOT of a probe-like child process while the parent
 *      samples its /proc every 10 ms, against the same child unsampled. Rounds alternate the order
 *      (on off, off on, …) so drift hits both alike; reported as the paired difference ± 95% CI.
 *   2. Engine ÷ bare: for each variant of the fixture model, OnnxDecoderBackend.generateGreedy's
 *      TPOT (what the probes time) ÷ a bare onnxruntime-node session.run loop over the same tokens,
 *      engine and bare alternating within each round.
 * Noise only ever adds time, so besides medians and CIs each line gives the ratio of the best
 * (smallest) times, the steadiest estimate on a busy machine.
 * Usage: npm run bench:protocol [-- model-folder]
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { inspectModelFolder } from '../src/node/discovery';
import { MemorySampler } from '../src/worker/perf/memorySampler';
import { summarizeDistribution } from '../src/shared/stats/summary';
import type { ModelVariant } from '../src/shared/modelTypes';
import { OnnxDecoderBackend } from '../src/worker/backend/onnxBackend';
import { FIXTURE_FAMILIES } from '../src/modelmaker/familySpec';
import { makeFixtureModel } from '../src/modelmaker/makeFixtureModel';
import { bareDecode } from './bareLoop';

const SAMPLER_PAIRS = 20;
const ENGINE_ROUNDS = 13;
const STEPS = 128;
const PROMPT = Array.from({ length: 32 }, (_, i) => 1 + ((i * 37) % 200));
const threads = { intraOp: cpus().length, interOp: 1 };

const tpotOf = (times: number[]): number => (times.at(-1)! - times[0]!) / (times.length - 1);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const ms = (x: number): string => `${x.toFixed(4)} ms`;

async function load(modelFolder: string, variant: ModelVariant): Promise<OnnxDecoderBackend> {
  return OnnxDecoderBackend.load({ modelFolder, variant, executionProvider: 'cpu', threads, eosTokenIds: [] });
}

/** The child: loads one variant and answers each { steps } with the TPOT of one greedy request. */
async function child(modelFolder: string, variantId: string): Promise<void> {
  const folder = await inspectModelFolder(modelFolder);
  const backend = await load(modelFolder, folder.variants.find((v) => v.id === variantId)!);
  process.on('message', (message: { steps: number } | 'exit') => {
    if (message === 'exit') {
      void backend.dispose().then(() => process.disconnect());
      return;
    }
    void backend.generateGreedy(PROMPT, { maxNewTokens: message.steps, stopOnEos: false }).then((r) => process.send!(tpotOf(r.tokenTimesMs)));
  });
  process.send!('ready');
}

async function samplerOverhead(modelFolder: string, variant: ModelVariant): Promise<void> {
  const proc = fork(process.argv[1]!, ['--child', modelFolder, variant.id], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (): Promise<unknown> => new Promise((r) => proc.once('message', r));
  await next();
  const request = async (sampled: boolean): Promise<number> => {
    const sampler = new MemorySampler(proc.pid!, 10);
    if (sampled) sampler.start();
    const reply = next();
    proc.send({ steps: STEPS });
    const tpot = (await reply) as number;
    if (sampled) sampler.stop();
    return tpot;
  };
  for (let i = 0; i < 3; i++) await request(i % 2 === 0); // warmup
  const on: number[] = [];
  const off: number[] = [];
  for (let pair = 0; pair < SAMPLER_PAIRS; pair++) {
    const order = pair % 2 === 0 ? [true, false] : [false, true];
    for (const sampled of order) (sampled ? on : off).push(await request(sampled));
  }
  proc.send('exit');
  const diff = summarizeDistribution(on.map((x, i) => x - off[i]!));
  const base = median(off);
  console.log(`1. RSS sampler overhead on a decode loop (${variant.id}, ${STEPS} steps, ${SAMPLER_PAIRS} interleaved pairs, parent samples /proc every 10 ms):`);
  console.log(`   TPOT sampled ${ms(median(on))}   unsampled ${ms(base)} (medians; best ${ms(Math.min(...on))} vs ${ms(Math.min(...off))}, ratio ${(Math.min(...on) / Math.min(...off)).toFixed(3)})`);
  console.log(`   paired difference ${ms(diff.mean)} [95% CI ${ms(diff.ci95[0])} … ${ms(diff.ci95[1])}] = ${((diff.mean / base) * 100).toFixed(2)}% [${((diff.ci95[0] / base) * 100).toFixed(2)}% … ${((diff.ci95[1] / base) * 100).toFixed(2)}%]`);
}

async function engineOverBare(modelFolder: string, variants: ModelVariant[]): Promise<void> {
  console.log(`2. Engine TPOT ÷ bare onnxruntime-node loop TPOT (${STEPS} steps, median of ${ENGINE_ROUNDS - 1} rounds after a warmup, engine and bare alternating):`);
  for (const variant of variants) {
    const engine = await load(modelFolder, variant);
    const bare = await ort.InferenceSession.create(variant.file, { intraOpNumThreads: threads.intraOp, interOpNumThreads: threads.interOp, graphOptimizationLevel: 'all', executionProviders: ['cpu'] });
    // Greedy decoding is deterministic: the bare loop feeds back the tokens the engine chose.
    const tokens = (await engine.generateGreedy(PROMPT, { maxNewTokens: STEPS, stopOnEos: false })).tokens;
    const timeEngine = async (): Promise<number> => tpotOf((await engine.generateGreedy(PROMPT, { maxNewTokens: STEPS, stopOnEos: false })).tokenTimesMs);
    const engineTpot: number[] = [];
    const bareTpot: number[] = [];
    for (let round = 0; round < ENGINE_ROUNDS; round++) {
      let e: number;
      let b: number;
      if (round % 2 === 0) {
        e = await timeEngine();
        b = await bareDecode(bare, PROMPT, tokens);
      } else {
        b = await bareDecode(bare, PROMPT, tokens);
        e = await timeEngine();
      }
      if (round === 0) continue;
      engineTpot.push(e);
      bareTpot.push(b);
    }
    const ratio = summarizeDistribution(engineTpot.map((x, i) => x / bareTpot[i]!));
    console.log(`   ${variant.id.padEnd(6)} engine ${ms(median(engineTpot))}   bare ${ms(median(bareTpot))}   ratio of medians ${(median(engineTpot) / median(bareTpot)).toFixed(3)}   ratio of bests ${(Math.min(...engineTpot) / Math.min(...bareTpot)).toFixed(3)}   per-round ratios: mean ${ratio.mean.toFixed(3)}, 95% CI ${ratio.ci95[0].toFixed(3)} … ${ratio.ci95[1].toFixed(3)}`);
    await engine.dispose();
    await bare.release();
  }
}

async function main(): Promise<void> {
  const folderArg = process.argv[2];
  const modelFolder = resolve(folderArg ?? join('demo', FIXTURE_FAMILIES[0]!.name));
  if (!folderArg && !existsSync(join(modelFolder, 'onnx', 'model.onnx'))) makeFixtureModel(FIXTURE_FAMILIES[0]!, resolve('demo'));
  const folder = await inspectModelFolder(modelFolder);
  const variants = folder.variants.filter((v) => !v.error);
  console.log(`model ${folder.name}: variants ${variants.map((v) => v.id).join(', ')}; cpu, ${threads.intraOp} intra-op threads; prompt ${PROMPT.length} tokens`);
  await samplerOverhead(modelFolder, variants.find((v) => v.id === folder.baselineId) ?? variants[0]!);
  await engineOverBare(modelFolder, variants);
}

if (process.argv[2] === '--child') void child(process.argv[3]!, process.argv[4]!);
else void main();
