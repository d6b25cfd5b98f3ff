/**
 * bench/gguf-overhead: what QuantLens's GGUF backend (src/worker/backend/llamaCppBackend.ts) adds
 * on top of node-llama-cpp itself. Side by side in one process, on the same file, binary, threads,
 * batch size, flash-attention and KV-cache settings, interleaved round by round:
 *   decode   — LlamaCppBackend.generateGreedy ÷ a bare `sequence.evaluate` loop (ms per step after
 *              the first token). Goal ≤ 1.03. A bare ÷ bare control on a second context gives
 *              the noise floor: on a shared machine it can be wider than the goal.
 *   fidelity — the perplexity pass (runPerplexityPass: forward → float64 log-probability rows →
 *              NLL of the actual tokens) ÷ a bare loop of `controlledEvaluate` with
 *              `generateNext: { probabilities: true }` that reads the target's probability from
 *              the Map node-llama-cpp returns. The difference is QuantLens's copy of each row.
 * It also prints the cost of the probabilities themselves (the same windows without them), which
 * is node-llama-cpp's own copy to JS (a sort and a 2·V-entry array per position), per vocabulary entry.
 *   node dist/bench/gguf-overhead.js [model-folder] [--type Q4_0] [--rounds 5] [--threads 2] [--tokens 64]
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Token } from 'node-llama-cpp';
import { LLAMA_BATCH_SIZE, LLAMA_KV_CACHE_TYPE, LlamaCppBackend } from '../src/worker/backend/llamaCppBackend';
import { llamaRuntime } from '../src/worker/backend/llamaCppRuntime';
import { loadTokenizer } from '../src/worker/backend/tokenizer';
import { tokenizeCorpus } from '../src/worker/inputs/corpus';
import { runPerplexityPass } from '../src/worker/passes/corpusPasses';
import { windowTokens } from '../src/shared/windows';

const DECODE_GOAL = 1.03;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** ms per decode step after the first token (the prompt's prefill is not in it). */
function perStep(times: readonly number[]): number {
  return (times[times.length - 1]! - times[0]!) / (times.length - 1);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { type: { type: 'string' }, rounds: { type: 'string' }, threads: { type: 'string' }, tokens: { type: 'string' }, context: { type: 'string' } } });
  const folder = resolve(positionals[0] ?? 'fixtures/gguf-models/quantlens-tiny-llama');
  const type = values.type ?? 'Q4_0';
  const file = join(folder, 'gguf', `${basename(folder)}-${type}.gguf`);
  if (!existsSync(file)) throw new Error(`${file} not found: run node dist/make-fixtures.js (it writes fixtures/gguf-models), or name a model folder with gguf/<family>-${type}.gguf`);
  const rounds = Number(values.rounds ?? 5);
  const threads = Number(values.threads ?? 2);
  const newTokens = Number(values.tokens ?? 64);
  const contextLength = Number(values.context ?? 128);
  const tokenizer = await loadTokenizer(folder, undefined);
  const corpusFile = resolve('examples/demo/corpus.txt');
  const corpus = tokenizeCorpus(corpusFile, readFileSync(corpusFile, 'utf8'), tokenizer, { kind: 'sliding', contextLength, stride: contextLength / 2 });
  const prompt = corpus.tokens.slice(0, 16);

  const runtime = await llamaRuntime('cpu');
  const variant = { id: `gguf-${type.toLowerCase()}`, dtype: 'unknown' as const, file, externalDataFiles: [], sizeBytes: statSync(file).size, gguf: { parts: [file], architecture: 'llama', tensorTypes: [], parameterCount: 0 } };
  const backend = await LlamaCppBackend.load({ variant, executionProvider: 'cpu', threads, tokenizer, agreementTexts: [], warn: (m) => console.warn(m) });
  // The bare side: the same binary and file, a context with the same settings, node-llama-cpp's own API only.
  const model = await runtime.llama.loadModel({ modelPath: file, gpuLayers: 0 });
  const context = await model.createContext({ contextSize: Math.max(contextLength, prompt.length + newTokens), batchSize: LLAMA_BATCH_SIZE, threads, sequences: 1, flashAttention: false, experimentalKvCacheKeyType: LLAMA_KV_CACHE_TYPE, experimentalKvCacheValueType: LLAMA_KV_CACHE_TYPE });
  const sequence = context.getSequence();
  // A second bare context on a second copy of the model: bare ÷ bare is the noise floor of this machine.
  const controlModel = await runtime.llama.loadModel({ modelPath: file, gpuLayers: 0 });
  const controlContext = await controlModel.createContext({ contextSize: Math.max(contextLength, prompt.length + newTokens), batchSize: LLAMA_BATCH_SIZE, threads, sequences: 1, flashAttention: false, experimentalKvCacheKeyType: LLAMA_KV_CACHE_TYPE, experimentalKvCacheValueType: LLAMA_KV_CACHE_TYPE });
  const controlSequence = controlContext.getSequence();

  const bareDecode = async (on = sequence): Promise<number> => {
    await on.clearHistory();
    const times: number[] = [];
    for await (const _token of on.evaluate(prompt as Token[])) {
      times.push(performance.now());
      if (times.length >= newTokens) break;
    }
    return perStep(times);
  };
  const oursDecode = async (): Promise<number> => perStep((await backend.generateGreedy(prompt, { maxNewTokens: newTokens, stopOnEos: false })).tokenTimesMs);
  const bareFidelity = async (probabilities: boolean): Promise<number> => {
    const started = performance.now();
    let nll = 0;
    for (const window of corpus.windows) {
      const tokens = windowTokens(corpus.tokens, window);
      await sequence.clearHistory();
      const out = await sequence.controlledEvaluate(tokens.map((t) => (probabilities ? [t as Token, { generateNext: { probabilities: true } }] : [t as Token, { generateNext: { confidence: true } }])));
      if (probabilities) for (let i = window.scoreFrom; i < window.end; i++) nll -= Math.log(out[i - 1 - window.start]!.next.probabilities!.get(corpus.tokens[i]! as Token) ?? 0);
    }
    if (!Number.isFinite(nll)) throw new Error('bare loop: a target had probability 0');
    return performance.now() - started;
  };
  const oursFidelity = async (): Promise<number> => {
    const started = performance.now();
    const result = await runPerplexityPass(backend, corpus, () => undefined, () => false);
    if (!result) throw new Error('perplexity pass cancelled');
    return performance.now() - started;
  };

  // Warm both sides once (first context, page cache, thread pools).
  await bareDecode();
  await oursDecode();
  await bareFidelity(true);
  await oursFidelity();
  await bareDecode(controlSequence);
  const decode: Array<{ bare: number; ours: number; control: number }> = [];
  const fidelity: Array<{ bare: number; ours: number; noProbabilities: number }> = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which side goes first, so a drift in machine load falls on both.
    if (r % 2 === 0) decode.push({ bare: await bareDecode(), ours: await oursDecode(), control: await bareDecode(controlSequence) });
    else {
      const control = await bareDecode(controlSequence);
      const ours = await oursDecode();
      decode.push({ bare: await bareDecode(), ours, control });
    }
    const noProbabilities = await bareFidelity(false);
    if (r % 2 === 0) fidelity.push({ bare: await bareFidelity(true), ours: await oursFidelity(), noProbabilities });
    else {
      const ours = await oursFidelity();
      fidelity.push({ bare: await bareFidelity(true), ours, noProbabilities });
    }
  }
  const positions = corpus.windows.reduce((n, w) => n + w.end - w.start, 0);
  const decodeRatio = median(decode.map((d) => d.ours / d.bare));
  const controlRatio = median(decode.map((d) => d.control / d.bare));
  const fidelityRatio = median(fidelity.map((f) => f.ours / f.bare));
  const probabilitiesMs = median(fidelity.map((f) => f.bare - f.noProbabilities));
  console.log(`gguf-overhead: ${file}`);
  console.log(`  llama.cpp ${runtime.llama.llamaCppRelease.release} (${runtime.llama.buildType} ${runtime.prebuiltPackage ?? 'local build'}, gpu ${runtime.llama.gpu}), node-llama-cpp ${runtime.nodeLlamaCppVersion}, ${threads} threads, batch ${LLAMA_BATCH_SIZE}, flash attention off, KV ${LLAMA_KV_CACHE_TYPE}, vocabulary ${backend.vocabSize}, load ${loadavg().map((l) => l.toFixed(1)).join('/')}`);
  console.log(`  ${rounds} rounds, median of per-round ratios (interleaved, the order alternating)`);
  console.log(`  decode    ${median(decode.map((d) => d.ours)).toFixed(3)} ms/step vs bare ${median(decode.map((d) => d.bare)).toFixed(3)} ms/step  → ${decodeRatio.toFixed(3)} (goal ≤ ${DECODE_GOAL}) ${decodeRatio <= DECODE_GOAL ? 'MET' : 'NOT MET'}   [${newTokens} tokens after a ${prompt.length}-token prompt]`);
  console.log(`  control   bare ÷ bare on a second context → ${controlRatio.toFixed(3)} (the machine's noise floor for the decode ratio)`);
  console.log(`  fidelity  ${median(fidelity.map((f) => f.ours)).toFixed(1)} ms vs bare ${median(fidelity.map((f) => f.bare)).toFixed(1)} ms  → ${fidelityRatio.toFixed(3)}   [${corpus.windows.length} windows of ${contextLength}, ${positions} positions]`);
  console.log(`  node-llama-cpp's own copy of the distributions: ${(probabilitiesMs / positions).toFixed(3)} ms per position (${((probabilitiesMs / positions / backend.vocabSize) * 1e6).toFixed(1)} ns per vocabulary entry; ×V for a real vocabulary, e.g. ${((probabilitiesMs / positions / backend.vocabSize) * 151_936).toFixed(0)} ms per position at V = 151 936)`);
  await context.dispose();
  await model.dispose();
  await controlContext.dispose();
  await controlModel.dispose();
  await backend.dispose();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
