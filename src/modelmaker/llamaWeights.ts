/**
 * A weight's values, or a function that makes them when the writer reaches that tensor: the
 * realistic-shape models (hundreds of millions of weights) are generated one tensor at a time so
 * the whole model is never in memory at once.
 */
export type Weight = Float32Array | (() => Float32Array);

/** Weights of a Llama-style decoder. Matrices are row-major [in, out], as ONNX MatMul takes them. */
export interface LlamaWeights<W extends Weight = Weight> {
  embedTokens: W; // [vocab, hidden]
  layers: Array<LlamaLayerWeights<W>>;
  finalNorm: W; // [hidden]
  /** [hidden, vocab]; with tied embeddings the transpose of embedTokens (see GraphOptions). */
  lmHead: W;
}

export interface LlamaLayerWeights<W extends Weight = Weight> {
  inputNorm: W; // [hidden]
  qProj: W; // [hidden, heads·headDim]
  kProj: W; // [hidden, kvHeads·headDim]
  vProj: W; // [hidden, kvHeads·headDim]
  /** Qwen2-style attention biases ([heads·headDim], [kvHeads·headDim] ×2); o_proj never has one. */
  qBias?: W;
  kBias?: W;
  vBias?: W;
  oProj: W; // [heads·headDim, hidden]
  postAttentionNorm: W; // [hidden]
  gateProj: W; // [hidden, intermediate]
  upProj: W; // [hidden, intermediate]
  downProj: W; // [intermediate, hidden]
}
