import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { LlamaCppBackend } from '../../src/worker/backend/llamaCppBackend';
import { loadBackend } from '../../src/worker/backend/loadBackend';
import { loadTokenizer } from '../../src/worker/backend/tokenizer';
import { logitsOf } from '../helpers/forward';
import { DEMO_CORPUS, TEST_THREADS } from '../helpers/engineRun';
import { fixtureGguf, GGUF_MODELS, ggufVariant, logSoftmax } from './ggufFixtures';

const [TINY_LLAMA] = GGUF_MODELS as [string, string];

const corpus = readFileSync(DEMO_CORPUS, 'utf8');

const backends: LlamaCppBackend[] = [];
after(async () => {
  for (const b of backends) await b.dispose();
});

for (const folder of GGUF_MODELS) {
  describe(`F32 GGUF of ${folder.split('/').pop()} through llama.cpp`, () => {
    test('reproduces the ONNX fp32 logits over the demo corpus (max |Δ log-softmax| ≤ 1e-4), full vocabulary, every position', async () => {
      const tokenizer = await loadTokenizer(folder, undefined);
      const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
      const session = await ort.InferenceSession.create(join(folder, 'onnx', 'model.onnx'), { intraOpNumThreads: TEST_THREADS });
      const warnings: string[] = [];
      const backend = await LlamaCppBackend.load({ variant: ggufVariant(fixtureGguf(folder, 'F32')), executionProvider: 'cpu', threads: TEST_THREADS, tokenizer, agreementTexts: corpus.split('\n').filter(Boolean).slice(0, 20), warn: (m) => warnings.push(m) });
      backends.push(backend);
      assert.deepEqual(warnings, []);
      assert.equal(backend.distributions.kind, 'full');
      assert.equal(backend.vocabSize, config.vocab_size);
      assert.equal(backend.executionProvider, 'llama.cpp-cpu');
      const card = backend.card;
      assert.equal(card.gpu, false);
      assert.equal(card.gpuLayers, 0);
      assert.equal(card.buildType, 'prebuilt');
      assert.equal(card.prebuiltPackage, `@node-llama-cpp/${process.platform}-${process.arch}`);
      assert.equal(card.threads, TEST_THREADS);
      assert.ok(card.tokenizer.agrees);

      const tokens = tokenizer.encode(corpus, true);
      let worst = 0;
      let rows = 0;
      // Windows of 128 tokens over the whole corpus, each from a fresh context in both stacks.
      for (let start = 0; start < tokens.length; start += 128) {
        const window = tokens.slice(start, start + 128);
        if (window.length < 2) break;
        const scores = await backend.forward(window);
        const { logits } = await logitsOf(session, config, window);
        const V = backend.vocabSize;
        assert.equal(scores.length, window.length * V);
        for (let i = 0; i < window.length; i++) {
          const reference = logSoftmax(logits.subarray(i * V, (i + 1) * V));
          for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(scores[i * V + v]! - reference[v]!));
          rows++;
        }
      }
      await session.release();
      console.log(`${folder}: ${rows} positions × ${backend.vocabSize} ids, max |Δ log p| = ${worst.toExponential(3)}`);
      assert.ok(rows > 500, `only ${rows} positions compared`);
      assert.ok(worst <= 1e-4, `max |Δ log p| ${worst} > 1e-4`);
    });
  });
}

describe('greedy generation through llama.cpp', () => {
  test('gives the ONNX fp32 greedy tokens, one timestamp per token, in order, after the start', async () => {
    const tokenizer = await loadTokenizer(TINY_LLAMA, undefined);
    const config = JSON.parse(readFileSync(join(TINY_LLAMA, 'config.json'), 'utf8'));
    const backend = await LlamaCppBackend.load({ variant: ggufVariant(fixtureGguf(TINY_LLAMA, 'F32')), executionProvider: 'cpu', threads: TEST_THREADS, tokenizer, agreementTexts: [], warn: () => undefined });
    backends.push(backend);
    const prompt = tokenizer.encode('The river', true);
    const result = await backend.generateGreedy(prompt, { maxNewTokens: 16, stopOnEos: false });
    assert.equal(result.tokens.length, 16);
    assert.equal(result.stoppedBy, 'max-new-tokens');
    assert.equal(result.tokenTimesMs.length, 16);
    assert.ok(result.tokenTimesMs[0]! >= result.startedAtMs);
    for (let i = 1; i < 16; i++) assert.ok(result.tokenTimesMs[i]! >= result.tokenTimesMs[i - 1]!);
    // The same greedy decode with plain onnxruntime, recomputing the whole sequence each step.
    const session = await ort.InferenceSession.create(join(TINY_LLAMA, 'onnx', 'model.onnx'), { intraOpNumThreads: TEST_THREADS });
    const expected: number[] = [];
    const sequence = [...prompt];
    for (let step = 0; step < 16; step++) {
      const { logits } = await logitsOf(session, config, sequence);
      const V = config.vocab_size;
      const last = logits.subarray((sequence.length - 1) * V, sequence.length * V);
      let best = 0;
      for (let v = 1; v < V; v++) if (last[v]! > last[best]!) best = v;
      expected.push(best);
      sequence.push(best);
    }
    await session.release();
    assert.deepEqual(result.tokens, expected);
  });

  test('stops at EOS when asked, and at once when cancelled', async () => {
    const tokenizer = await loadTokenizer(TINY_LLAMA, undefined);
    const backend = await loadBackend(ggufVariant(fixtureGguf(TINY_LLAMA, 'Q8_0')), {
      modelFolder: TINY_LLAMA,
      executionProvider: 'cpu',
      threads: { intraOp: TEST_THREADS, interOp: 1 },
      tokenizer,
      agreementTexts: [],
      warn: () => undefined,
      env: {},
    });
    backends.push(backend as LlamaCppBackend);
    assert.ok(backend instanceof LlamaCppBackend, 'loadBackend picks llama.cpp for a GGUF variant');
    const cancelled = await backend.generateGreedy(tokenizer.encode('The', true), { maxNewTokens: 8, stopOnEos: true, shouldStop: () => true });
    assert.equal(cancelled.stoppedBy, 'cancelled');
    assert.equal(cancelled.tokens.length, 0);
    let calls = 0;
    const stopped = await backend.generateGreedy(tokenizer.encode('The', true), { maxNewTokens: 8, stopOnEos: true, shouldStop: () => ++calls > 3 });
    assert.equal(stopped.stoppedBy, 'cancelled');
    assert.equal(stopped.tokens.length, 3);
  });
});
