import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { geometryFromConfig, kvCacheBytes } from '../../src/shared/perf/kvCache';
import { TINY_GQA, TINY_LLAMA } from '../helpers/fixtures';

const config = (folder: string): Record<string, unknown> => JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;

test('KV cache bytes: 2 × layers × kv heads × head dim × tokens × rows × element bytes', () => {
  const llama = geometryFromConfig(config(TINY_LLAMA))!;
  assert.deepEqual(llama, { layers: 2, heads: 4, kvHeads: 4, headDim: 16, hiddenSize: 64, vocabSize: 687, tiedEmbeddings: false });
  // 2 · 2 · 4 · 16 · (64 + 32) · 1 · 4 = 98 304
  assert.equal(kvCacheBytes(llama, 64 + 32, 1, 4), 98_304);
  // GQA: 3 layers, 2 kv heads of 16: 2 · 3 · 2 · 16 · 160 · 4 rows · 2 bytes (float16) = 245 760
  const gqa = geometryFromConfig(config(TINY_GQA))!;
  assert.equal(gqa.kvHeads, 2);
  assert.equal(gqa.heads, 6);
  assert.equal(kvCacheBytes(gqa, 160, 4, 2), 245_760);
});

test('config defaults: kv heads fall back to the attention heads, head_dim to hidden / heads; missing sizes give null', () => {
  const g = geometryFromConfig({ num_hidden_layers: 4, num_attention_heads: 8, hidden_size: 512, vocab_size: 1000, tie_word_embeddings: true })!;
  assert.equal(g.kvHeads, 8);
  assert.equal(g.headDim, 64);
  assert.equal(g.tiedEmbeddings, true);
  assert.equal(geometryFromConfig({ num_hidden_layers: 4 }), null);
});
