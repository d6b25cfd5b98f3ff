import { FamilyFolder } from './familyFolder';

/**
 * The fp32 tensors of a Llama model in llama.cpp's names and layout, from the ONNX initializers.
 * ONNX MatMul weights are [in, out] row-major; llama.cpp wants Hugging Face's [out, in] row-major,
 * which is ggml ne = [in, out] (ne[0] fastest). Q and K rows are permuted as convert_hf_to_gguf.py's
 * LlamaModel.permute does: HF's rotate_half RoPE pairs element j with j + D/2 of each head; ggml's
 * normal RoPE pairs 2j with 2j+1, so HF row (h, half·D/2 + j) becomes GGUF row (h, 2j + half).
 */
export interface FloatTensor {
  name: string;
  /** ggml order: ne[0] first. */
  dims: number[];
  values: Float32Array;
  /** Norm gains stay F32 in every llama.cpp file type. */
  kind: 'norm' | 'matrix';
}

export function llamaTensors(family: FamilyFolder): FloatTensor[] {
  const c = family.config;
  const get = (name: string): { dims: number[]; values: Float32Array } => {
    const w = family.weights.get(name);
    if (!w) throw new Error(`onnx/model.onnx of ${family.name} has no float initializer ${name}`);
    return w;
  };
  const norm = (gguf: string, onnxName: string): FloatTensor => ({ name: gguf, dims: [c.hidden_size], values: get(onnxName).values, kind: 'norm' });
  /** An ONNX [in, out] MatMul weight as an HF [out, in] matrix, ggml dims [in, out]. */
  const matmul = (gguf: string, onnxName: string, permuteHeads?: number): FloatTensor => {
    const { dims: [rows, cols], values } = get(onnxName) as { dims: [number, number]; values: Float32Array };
    let t = transpose(values, rows, cols); // now [cols=out, rows=in]
    if (permuteHeads) t = permuteRotaryRows(t, cols, rows, permuteHeads);
    return { name: gguf, dims: [rows, cols], values: t, kind: 'matrix' };
  };

  const tensors: FloatTensor[] = [];
  // token_embd: ONNX Gather table [vocab, hidden] is already row-per-token: ggml [hidden, vocab].
  tensors.push({ name: 'token_embd.weight', dims: [c.hidden_size, c.vocab_size], values: get('model.embed_tokens.weight').values, kind: 'matrix' });
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `model.layers.${i}`;
    tensors.push(norm(`blk.${i}.attn_norm.weight`, `${p}.input_layernorm.weight`));
    tensors.push(matmul(`blk.${i}.attn_q.weight`, `${p}.self_attn.q_proj.weight`, c.num_attention_heads));
    tensors.push(matmul(`blk.${i}.attn_k.weight`, `${p}.self_attn.k_proj.weight`, c.num_key_value_heads));
    tensors.push(matmul(`blk.${i}.attn_v.weight`, `${p}.self_attn.v_proj.weight`));
    tensors.push(matmul(`blk.${i}.attn_output.weight`, `${p}.self_attn.o_proj.weight`));
    tensors.push(norm(`blk.${i}.ffn_norm.weight`, `${p}.post_attention_layernorm.weight`));
    tensors.push(matmul(`blk.${i}.ffn_gate.weight`, `${p}.mlp.gate_proj.weight`));
    tensors.push(matmul(`blk.${i}.ffn_up.weight`, `${p}.mlp.up_proj.weight`));
    tensors.push(matmul(`blk.${i}.ffn_down.weight`, `${p}.mlp.down_proj.weight`));
  }
  tensors.push(norm('output_norm.weight', 'model.norm.weight'));
  // Tied embeddings: llama.cpp falls back to token_embd when `output` is absent.
  if (!c.tie_word_embeddings) tensors.push(matmul('output.weight', 'lm_head.weight'));
  return tensors;
}

function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = values[r * cols + k]!;
  return out;
}

/** convert_hf_to_gguf's permute on an [out, in] matrix of `heads` heads of `out/heads` rows each. */
export function permuteRotaryRows(values: Float32Array, outRows: number, inCols: number, heads: number): Float32Array {
  const headDim = outRows / heads;
  const half = headDim / 2;
  const out = new Float32Array(values.length);
  for (let h = 0; h < heads; h++) {
    for (let s = 0; s < 2; s++) {
      for (let j = 0; j < half; j++) {
        const from = h * headDim + s * half + j;
        const to = h * headDim + 2 * j + s;
        out.set(values.subarray(from * inCols, (from + 1) * inCols), to * inCols);
      }
    }
  }
  return out;
}
