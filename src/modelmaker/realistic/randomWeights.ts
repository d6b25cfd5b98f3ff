import { LlamaLayerWeights, LlamaWeights } from '../llamaWeights';
import { fillUniform, seedOf } from '../random';
import { RealisticShape } from './realisticShapes';

/**
 * Untrained weights for a realistic shape, each made on demand from its own seeded stream (so a
 * tensor is made when the writer reaches it, in any order, and dropped after).
 *
 * Scales: projections have std 0.02 (the models' initializer_range) and the output projections
 * (o_proj, down_proj) 0.04, so the blocks' updates dwarf the 0.02-std embedding in the residual
 * stream. Otherwise the tied output matrix, seeing the input token's own embedding, predicts that
 * token again (logit ≈ σ·hidden against a spread of σ·√hidden), and greedy decoding repeats one
 * token at p ≈ 0.99. The final norm's gain (3 / (0.02·√hidden)) gives the logits a std of about 3:
 * a peaked but far from one-hot softmax. The other norm gains are 1.
 * Embedding rows past `usedRows` (the tokenizer's size; Qwen pads its embedding) are zero, so those
 * ids have logit 0 and never win against the ~3σ top tokens.
 */
const EMBEDDING_STD = 0.02;
const LOGIT_STD = 3;

export function randomWeights(shape: RealisticShape, usedRows: number): LlamaWeights {
  const { hiddenSize: H, intermediateSize: I, heads: NH, kvHeads: KV, headDim: D, vocabSize: V } = shape;
  const noise = (name: string, length: number, std: number) => (): Float32Array => {
    const out = new Float32Array(length);
    fillUniform(out, std, seedOf(name, shape.seed));
    return out;
  };
  const ones = (length: number) => (): Float32Array => new Float32Array(length).fill(1);
  const embedding = (): Float32Array => {
    const out = new Float32Array(V * H);
    fillUniform(out, EMBEDDING_STD, seedOf('model.embed_tokens.weight', shape.seed), 0, usedRows * H);
    return out;
  };
  const std = 0.02;
  const outputStd = 0.04;
  const layers: LlamaLayerWeights[] = Array.from({ length: shape.layers }, (_, i) => {
    const p = `model.layers.${i}`;
    const layer: LlamaLayerWeights = {
      inputNorm: ones(H),
      qProj: noise(`${p}.self_attn.q_proj.weight`, H * NH * D, std),
      kProj: noise(`${p}.self_attn.k_proj.weight`, H * KV * D, std),
      vProj: noise(`${p}.self_attn.v_proj.weight`, H * KV * D, std),
      oProj: noise(`${p}.self_attn.o_proj.weight`, NH * D * H, outputStd),
      postAttentionNorm: ones(H),
      gateProj: noise(`${p}.mlp.gate_proj.weight`, H * I, std),
      upProj: noise(`${p}.mlp.up_proj.weight`, H * I, std),
      downProj: noise(`${p}.mlp.down_proj.weight`, I * H, outputStd),
    };
    if (shape.qkvBias) {
      layer.qBias = noise(`${p}.self_attn.q_proj.bias`, NH * D, 0.1);
      layer.kBias = noise(`${p}.self_attn.k_proj.bias`, KV * D, 0.1);
      layer.vBias = noise(`${p}.self_attn.v_proj.bias`, KV * D, 0.1);
    }
    return layer;
  });
  return {
    embedTokens: embedding,
    layers,
    finalNorm: () => new Float32Array(H).fill(LOGIT_STD / (EMBEDDING_STD * Math.sqrt(H))),
    // Tied: the exporter writes lm_head as its own [hidden, vocab] initializer (the transposed
    // embedding), so the file holds both, as onnx-community's exports of tied models do.
    lmHead: shape.tieWordEmbeddings ? () => transpose(embedding(), V, H) : noise('lm_head.weight', H * V, 1 / Math.sqrt(H)),
  };
}

/** [rows, cols] → [cols, rows], in cache-friendly tiles (the embedding is 136 M values for Qwen). */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  const tile = 64;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(rows, r0 + tile);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = Math.min(cols, c0 + tile);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = values[r * cols + c]!;
    }
  }
  return out;
}
