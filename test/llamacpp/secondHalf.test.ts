import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { describeWindows, planWindows, windowTokens } from '../../src/shared/windows';
import { resolveRunSettings } from '../../src/shared/runSettings';
import { OnnxDecoderBackend } from '../../src/worker/backend/onnxBackend';
import { loadTokenizer } from '../../src/worker/backend/tokenizer';
import { tokenizeCorpus } from '../../src/worker/inputs/corpus';
import { runPerplexityPass } from '../../src/worker/passes/corpusPasses';
import { TINY_GQA } from '../helpers/fixtures';
import { logitsOf } from '../helpers/forward';
import { DEMO_CORPUS, TEST_THREADS } from '../helpers/engineRun';

test('second-half windows: ⌊N/n_ctx⌋ chunks, BOS first, positions first+1 … n_ctx−1 scored (llama-perplexity)', () => {
  // 23 tokens, n_ctx 8: chunks [0,8) [8,16) [16,24) would need 24 → two chunks, tokens 16…22 dropped.
  const windows = planWindows(23, { kind: 'second-half', contextLength: 8, stride: 8 }, 1);
  // first = 4: logits at chunk positions 4,5,6 predict tokens 5,6,7 of the chunk — 8 − 1 − 4 = 3 per chunk.
  assert.deepEqual(windows, [
    { start: 0, end: 8, scoreFrom: 5, firstToken: 1 },
    { start: 8, end: 16, scoreFrom: 13, firstToken: 1 },
  ]);
  // An odd context: first = ⌊7/2⌋ = 3, 7 − 1 − 3 = 3 scored per chunk.
  assert.deepEqual(planWindows(14, { kind: 'second-half', contextLength: 7, stride: 7 }), [
    { start: 0, end: 7, scoreFrom: 4 },
    { start: 7, end: 14, scoreFrom: 11 },
  ]);
  const tokens = Array.from({ length: 16 }, (_, i) => 100 + i);
  assert.deepEqual(windowTokens(tokens, windows[1]!), [1, 109, 110, 111, 112, 113, 114, 115]);
  assert.match(describeWindows({ kind: 'second-half', contextLength: 8, stride: 8 }), /chunks of 8 tokens.*BOS.*last 3 predictions/);
});

test('--windows second-half is a run setting; its stride is the context length whatever --stride says', () => {
  const resolved = resolveRunSettings({ windowScheme: 'second-half', contextLength: '64', stride: '16' }, 'cli', 2);
  assert.ok(resolved.ok);
  assert.equal(resolved.settings.windowScheme, 'second-half');
  assert.equal(resolved.settings.stride, 64);
  const bad = resolveRunSettings({ windowScheme: 'halves' }, 'settings', 2);
  assert.ok(!bad.ok);
  assert.deepEqual(bad.problems.map((p) => p.message), ['quantlens.windowScheme halves: must be one of sliding, second-half']);
});

test('second-half perplexity of the ONNX fixture equals a hand computation with plain onnxruntime', async () => {
  const tokenizer = await loadTokenizer(TINY_GQA, undefined);
  const config = JSON.parse(readFileSync(join(TINY_GQA, 'config.json'), 'utf8'));
  const text = readFileSync(DEMO_CORPUS, 'utf8');
  const n = 96;
  const corpus = tokenizeCorpus(DEMO_CORPUS, text, tokenizer, { kind: 'second-half', contextLength: n, stride: n });
  const backend = await OnnxDecoderBackend.load({ modelFolder: TINY_GQA, variant: { id: 'fp32', dtype: 'fp32', file: join(TINY_GQA, 'onnx', 'model.onnx'), externalDataFiles: [], sizeBytes: 0 }, executionProvider: 'cpu', threads: { intraOp: TEST_THREADS, interOp: 1 }, eosTokenIds: tokenizer.eosTokenIds });
  const result = await runPerplexityPass(backend, corpus, () => undefined, () => false);
  await backend.dispose();
  assert.ok(result);

  // By hand: chunk c is tokens[c·n … (c+1)·n) with BOS in place of its first token; rows 48 … 94 score tokens 49 … 95.
  const all = tokenizer.encode(text, true);
  const bos = all[0]!;
  const chunks = Math.floor(all.length / n);
  const session = await ort.InferenceSession.create(join(TINY_GQA, 'onnx', 'model.onnx'), { intraOpNumThreads: TEST_THREADS });
  let nll = 0;
  let count = 0;
  const V = config.vocab_size;
  for (let c = 0; c < chunks; c++) {
    const chunk = all.slice(c * n, (c + 1) * n);
    chunk[0] = bos;
    const { logits } = await logitsOf(session, config, chunk);
    for (let j = n / 2; j <= n - 2; j++) {
      const row = logits.subarray(j * V, (j + 1) * V);
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, row[v]!);
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(row[v]! - max);
      nll += -(row[chunk[j + 1]!]! - max - Math.log(sum));
      count++;
    }
  }
  await session.release();
  assert.equal(count, chunks * (n - 1 - n / 2));
  assert.equal(result.perplexity.tokens, count);
  const expected = Math.exp(nll / count);
  const got = result.perplexity.tokenPerplexity.value;
  assert.ok(Math.abs(got - expected) / expected < 1e-9, `second-half PPL ${got} vs hand ${expected}`);
  assert.deepEqual(result.windowTotals?.tokens, new Array(chunks).fill(n - 1 - n / 2));
});
