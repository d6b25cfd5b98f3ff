// The GGUF writer on the real fixture models: the header parsed back with @huggingface/gguf, the
// tensors read back at their offsets against the ONNX fp32 weights, each file type's tensor types,
// and the F32 file run by llama.cpp (node-llama-cpp) against onnxruntime on the same tokens.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { gguf } from '@huggingface/gguf';
import type { Token } from 'node-llama-cpp';
import * as ort from 'onnxruntime-node';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { trainingDocuments } from '../../src/modelmaker/makeFixtureModel';
import { readFamilyFolder } from '../../src/modelmaker/gguf/familyFolder';
import { decodeF16, dequantizeQ4_0, dequantizeQ5_0, dequantizeQ8_0 } from '../../src/modelmaker/gguf/quantBasic';
import { dequantizeQ4_K, dequantizeQ6_K } from '../../src/modelmaker/gguf/quantK';
import { encodeGgufModel, GGUF_FILE_TYPES, GgufFileType, writeGgufModel } from '../../src/modelmaker/gguf/writeGgufModel';
import { GGML_TYPES } from '../../src/node/gguf/ggmlTypes';
import { TINY_GQA, TINY_LLAMA } from '../helpers/fixtures';
import { logitsOf } from '../helpers/forward';

const scratch = mkdtempSync(join(tmpdir(), 'ql-gguf-writer-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** node-llama-cpp brands token ids; ours are plain vocabulary ids. */
const asToken = (id: number): Token => id as unknown as Token;

async function written(folder: string, type: GgufFileType): Promise<{ file: string; bytes: Buffer; parsed: Awaited<ReturnType<typeof gguf>> }> {
  const file = join(scratch, `${type}-${folder.split('/').pop()}.gguf`);
  writeGgufModel({ familyFolder: folder, outFile: file, type });
  return { file, bytes: readFileSync(file), parsed: await gguf(file, { allowLocalFile: true }) };
}

function tensorValues(bytes: Buffer, parsed: Awaited<ReturnType<typeof gguf>>, name: string): Float32Array {
  const info = parsed.tensorInfos.find((t) => t.name === name)!;
  const n = info.shape.reduce((a, d) => a * Number(d), 1);
  const type = GGML_TYPES[info.dtype]!;
  const start = Number(parsed.tensorDataOffset) + Number(info.offset);
  const data = new Uint8Array(bytes.subarray(start, start + (n / type.blockElements) * type.blockBytes));
  switch (type.name) {
    case 'F32': return new Float32Array(data.slice().buffer);
    case 'F16': return decodeF16(data, n);
    case 'Q8_0': return dequantizeQ8_0(data, n);
    case 'Q4_0': return dequantizeQ4_0(data, n);
    case 'Q5_0': return dequantizeQ5_0(data, n);
    case 'Q4_K': return dequantizeQ4_K(data, n);
    case 'Q6_K': return dequantizeQ6_K(data, n);
    default: throw new Error(type.name);
  }
}

test('F32: llama metadata, tokenizer, llama.cpp tensor names and dims, 32-byte alignment, as @huggingface/gguf parses it back', async () => {
  const { parsed, bytes } = await written(TINY_GQA, 'F32');
  const config = JSON.parse(readFileSync(join(TINY_GQA, 'config.json'), 'utf8'));
  const m = parsed.metadata as Record<string, unknown>;
  assert.equal(m.version, 3);
  assert.equal(m['general.architecture'], 'llama');
  assert.equal(m['general.alignment'], 32);
  assert.equal(m['general.file_type'], 0);
  assert.equal(m['llama.context_length'], config.max_position_embeddings);
  assert.equal(m['llama.embedding_length'], config.hidden_size);
  assert.equal(m['llama.block_count'], config.num_hidden_layers);
  assert.equal(m['llama.feed_forward_length'], config.intermediate_size);
  assert.equal(m['llama.attention.head_count'], 6);
  assert.equal(m['llama.attention.head_count_kv'], 2);
  assert.equal(m['llama.attention.key_length'], 16);
  assert.equal(m['llama.rope.dimension_count'], 16);
  assert.equal(m['llama.rope.freq_base'], 10000);
  assert.equal(m['llama.attention.layer_norm_rms_epsilon'], Math.fround(1e-6));
  assert.equal(m['tokenizer.ggml.model'], 'gpt2');
  assert.equal(m['tokenizer.ggml.pre'], 'gpt-2');
  const tokenizer = JSON.parse(readFileSync(join(TINY_GQA, 'tokenizer.json'), 'utf8'));
  const tokens = m['tokenizer.ggml.tokens'] as string[];
  assert.equal(tokens.length, config.vocab_size);
  for (const [token, id] of Object.entries(tokenizer.model.vocab as Record<string, number>)) assert.equal(tokens[id], token);
  assert.deepEqual((m['tokenizer.ggml.token_type'] as number[]).slice(0, 4), [3, 3, 3, 1], 'the three specials are CONTROL, the rest NORMAL');
  assert.deepEqual((m['tokenizer.ggml.merges'] as string[]).slice(0, 2), tokenizer.model.merges.slice(0, 2).map((p: string[]) => p.join(' ')));
  assert.equal(m['tokenizer.ggml.bos_token_id'], config.bos_token_id);
  assert.equal(m['tokenizer.ggml.eos_token_id'], config.eos_token_id);
  assert.equal(m['tokenizer.ggml.add_bos_token'], true);

  const names = parsed.tensorInfos.map((t) => t.name);
  assert.deepEqual(names.slice(0, 11), ['token_embd.weight', 'blk.0.attn_norm.weight', 'blk.0.attn_q.weight', 'blk.0.attn_k.weight', 'blk.0.attn_v.weight', 'blk.0.attn_output.weight', 'blk.0.ffn_norm.weight', 'blk.0.ffn_gate.weight', 'blk.0.ffn_up.weight', 'blk.0.ffn_down.weight', 'blk.1.attn_norm.weight']);
  assert.deepEqual(names.slice(-2), ['output_norm.weight', 'output.weight'], 'untied: an output matrix of its own');
  const dims = (name: string): number[] => parsed.tensorInfos.find((t) => t.name === name)!.shape.map(Number);
  assert.deepEqual(dims('token_embd.weight'), [128, config.vocab_size], 'ne[0] is the hidden size');
  assert.deepEqual(dims('blk.0.attn_q.weight'), [128, 96]);
  assert.deepEqual(dims('blk.0.attn_k.weight'), [128, 32]);
  assert.deepEqual(dims('blk.0.attn_output.weight'), [96, 128]);
  assert.deepEqual(dims('blk.0.ffn_down.weight'), [192, 128]);
  assert.equal(Number(parsed.tensorDataOffset) % 32, 0);
  for (const t of parsed.tensorInfos) assert.equal(Number(t.offset) % 32, 0, t.name);
  assert.ok(bytes.length >= Number(parsed.tensorDataOffset) + 4 * parsed.tensorInfos.reduce((n, t) => n + t.shape.reduce((a, d) => a * Number(d), 1), 0));
});

test('F32 tensors are the ONNX weights: embeddings as they are, matrices transposed, Q/K rows permuted from rotate_half to interleaved pairs', async () => {
  const { parsed, bytes } = await written(TINY_GQA, 'F32');
  const onnx = readFamilyFolder(TINY_GQA, 'gqa').weights;
  assert.deepEqual(tensorValues(bytes, parsed, 'token_embd.weight'), onnx.get('model.embed_tokens.weight')!.values);
  const H = 128;
  const D = 16;
  // GGUF row r of attn_k (ne = [H, kv·D]) holds HF output channel: head h, element 2j+s ← s·D/2 + j.
  const k = tensorValues(bytes, parsed, 'blk.1.attn_k.weight');
  const onnxK = onnx.get('model.layers.1.self_attn.k_proj.weight')!.values; // [H, kv·D], row-major
  for (let h = 0; h < 2; h++) {
    for (let j = 0; j < D / 2; j++) {
      for (let s = 0; s < 2; s++) {
        const ggufRow = h * D + 2 * j + s;
        const hfRow = h * D + s * (D / 2) + j;
        for (const i of [0, 5, 127]) assert.equal(k[ggufRow * H + i], onnxK[i * 32 + hfRow], `k row ${ggufRow}, column ${i}`);
      }
    }
  }
  const v = tensorValues(bytes, parsed, 'blk.0.attn_v.weight');
  const onnxV = onnx.get('model.layers.0.self_attn.v_proj.weight')!.values;
  for (const [r, i] of [[0, 0], [31, 127], [7, 64]] as const) assert.equal(v[r * H + i], onnxV[i * 32 + r], 'v is transposed, not permuted');
  const norm = tensorValues(bytes, parsed, 'blk.2.ffn_norm.weight');
  assert.deepEqual(norm, onnx.get('model.layers.2.post_attention_layernorm.weight')!.values);
});

test('each file type: norms stay F32, matrices take the type or llama-quantize\'s fallback for rows shorter than a K super-block, and dequantize close to the F32 weights', async () => {
  const f32 = await written(TINY_LLAMA, 'F32');
  const expected: Record<GgufFileType, { matrix: string; output: string; bound: number }> = {
    F32: { matrix: 'F32', output: 'F32', bound: 0 },
    F16: { matrix: 'F16', output: 'F16', bound: 2e-3 },
    Q8_0: { matrix: 'Q8_0', output: 'Q8_0', bound: 0.01 },
    Q4_0: { matrix: 'Q4_0', output: 'Q8_0', bound: 0.15 },
    Q4_K: { matrix: 'Q5_0', output: 'Q8_0', bound: 0.08 },
    Q6_K: { matrix: 'Q8_0', output: 'Q8_0', bound: 0.01 },
  };
  for (const type of GGUF_FILE_TYPES) {
    const { parsed, bytes } = await written(TINY_LLAMA, type);
    const typeOf = (name: string): string => GGML_TYPES[parsed.tensorInfos.find((t) => t.name === name)!.dtype]!.name;
    assert.equal(typeOf('blk.0.attn_norm.weight'), 'F32', type);
    assert.equal(typeOf('output_norm.weight'), 'F32', type);
    assert.equal(typeOf('blk.0.attn_q.weight'), expected[type].matrix, type);
    assert.equal(typeOf('token_embd.weight'), expected[type].matrix, type);
    assert.equal(typeOf('output.weight'), expected[type].output, `${type}: the output matrix (Q6_K wanted, rows of 64 fall back to Q8_0)`);
    if (type === 'Q4_K') assert.equal(typeOf('blk.1.ffn_down.weight'), 'Q8_0', 'Q4_K_M gives the last layer\'s ffn_down Q6_K (→ Q8_0)');
    for (const name of ['blk.1.ffn_up.weight', 'token_embd.weight', 'output.weight']) {
      const ref = tensorValues(f32.bytes, f32.parsed, name);
      const got = tensorValues(bytes, parsed, name);
      let err = 0;
      let norm = 0;
      for (let i = 0; i < ref.length; i++) {
        err += (got[i]! - ref[i]!) ** 2;
        norm += ref[i]! ** 2;
      }
      const relative = Math.sqrt(err / norm);
      assert.ok(relative <= expected[type].bound, `${type} ${name}: relative RMS error ${relative}`);
      if (type === 'F32') assert.equal(relative, 0);
    }
  }
});

test('the writer is deterministic: the same folder and type give the same bytes', () => {
  assert.ok(Buffer.from(encodeGgufModel(TINY_LLAMA, 'Q4_K')).equals(Buffer.from(encodeGgufModel(TINY_LLAMA, 'Q4_K'))));
});

test('llama.cpp runs the F32 file: next-token probabilities equal onnxruntime\'s fp32 ones (F32 KV cache, no flash attention)', async () => {
  const { file } = await written(TINY_LLAMA, 'F32');
  const config = JSON.parse(readFileSync(join(TINY_LLAMA, 'config.json'), 'utf8'));
  const tokens = [1, 40, 77, 120, 201, 33, 9, 300, 5, 17, 250, 100];
  const session = await ort.InferenceSession.create(join(TINY_LLAMA, 'onnx', 'model.onnx'));
  const { logits } = await logitsOf(session, config, tokens);
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never' });
  const model = await llama.loadModel({ modelPath: file });
  try {
    const context = await model.createContext({ contextSize: 64, batchSize: 64, flashAttention: false, experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' });
    const out = await context.getSequence().controlledEvaluate(tokens.map((t) => [asToken(t), { generateNext: { probabilities: true } }]));
    const V = config.vocab_size as number;
    let worst = 0;
    tokens.forEach((_, t) => {
      const row = logits.subarray(t * V, (t + 1) * V);
      const max = Math.max(...row);
      const sum = row.reduce((s, x) => s + Math.exp(x - max), 0);
      const probabilities = out[t]!.next.probabilities!;
      assert.equal(probabilities.size, V, 'the full vocabulary');
      for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(Math.exp(row[v]! - max) / sum - (probabilities.get(asToken(v)) ?? 0)));
    });
    assert.ok(worst < 1e-5, `largest probability difference ${worst}`);
    // The embedded tokenizer ("gpt2" vocabulary, "gpt-2" pre-tokenizer) splits text as tokenizer.json does.
    env.allowRemoteModels = false;
    env.localModelPath = join(TINY_LLAMA, '..') + '/';
    const reference = await AutoTokenizer.from_pretrained('quantlens-tiny-llama');
    const texts = [...trainingDocuments().slice(0, 8), 'Tabs\tand  double  spaces, trailing   ', 'Numbers 12345 and émigré café\n\nnew paragraph', "it's we'll they'd"];
    for (const text of texts) assert.deepEqual(model.tokenize(text), (reference.encode(text) as number[]).slice(1), JSON.stringify(text));
    await context.dispose();
  } finally {
    await model.dispose();
  }
});

test('llama.cpp reads the K-quant blocks as the dequantizer does: on the 256-wide family, Q4_K/Q6_K files stay close to F32, and Q6_K equals its own dequantized F32 copy up to activation rounding', async () => {
  const folder = resolve('fixtures/gguf-models/quantlens-tiny-k256');
  assert.ok(existsSync(folder), `${folder} is missing: run \`node scripts/build.mjs && node dist/make-fixtures.js\``);
  const file = (type: string): string => join(folder, 'gguf', `quantlens-tiny-k256-${type}.gguf`);
  // The Q6_K file with every tensor dequantized by our own code and stored as F32.
  const parsed = await gguf(file('Q6_K'), { allowLocalFile: true });
  const q6 = readFileSync(file('Q6_K'));
  const f32 = await written(folder, 'F32');
  const copy = Buffer.from(f32.bytes);
  for (const t of f32.parsed.tensorInfos) {
    const values = tensorValues(q6, parsed, t.name);
    Buffer.from(values.buffer).copy(copy, Number(f32.parsed.tensorDataOffset) + Number(t.offset));
  }
  const dequantized = join(scratch, 'k256-Q6_K-dequantized-F32.gguf');
  writeFileSync(dequantized, copy);

  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never' });
  const tokens = [1, 40, 77, 120, 201, 33, 9, 300, 5, 17, 250, 100, 64, 31, 8, 2];
  const distributions = async (path: string): Promise<Array<Map<Token, number>>> => {
    const model = await llama.loadModel({ modelPath: path });
    try {
      const context = await model.createContext({ contextSize: 64, batchSize: 64, flashAttention: false, experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' });
      const out = await context.getSequence().controlledEvaluate(tokens.map((t) => [asToken(t), { generateNext: { probabilities: true } }]));
      await context.dispose();
      return out.map((o) => o!.next.probabilities!);
    } finally {
      await model.dispose();
    }
  };
  const meanKl = (p: Array<Map<Token, number>>, q: Array<Map<Token, number>>): number =>
    p.reduce((sum, row, t) => sum + [...row].reduce((s, [v, x]) => s + (x > 0 ? x * Math.log(x / Math.max(q[t]!.get(v) ?? 0, 1e-30)) : 0), 0), 0) / p.length;
  const base = await distributions(file('F32'));
  const kl = {
    Q8_0: meanKl(base, await distributions(file('Q8_0'))),
    Q6_K: meanKl(base, await distributions(file('Q6_K'))),
    Q4_K: meanKl(base, await distributions(file('Q4_K'))),
    ownQ6_K: meanKl(await distributions(dequantized), await distributions(file('Q6_K'))),
  };
  // A block layout read differently by llama.cpp would give a near-random distribution (KL ≫ 1).
  assert.ok(kl.Q6_K < 0.05 && kl.Q4_K < 0.1, JSON.stringify(kl));
  assert.ok(kl.Q6_K < kl.Q4_K, `6-bit closer than 4-bit: ${JSON.stringify(kl)}`);
  // What is left between llama.cpp's Q6_K and our dequantized copy is its 8-bit activation rounding (Q8_K), the size of Q8_0's own error.
  assert.ok(kl.ownQ6_K < 3 * kl.Q8_0 + 1e-3, JSON.stringify(kl));
});
