/** Weights of a Llama-style decoder. Matrices are row-major [in, out], as ONNX MatMul takes them. */
export interface LlamaWeights {
  embedTokens: Float32Array; // [vocab, hidden]
  layers: LlamaLayerWeights[];
  finalNorm: Float32Array; // [hidden]
  lmHead: Float32Array; // [hidden, vocab]
}

export interface LlamaLayerWeights {
  inputNorm: Float32Array; // [hidden]
  qProj: Float32Array; // [hidden, heads·headDim]
  kProj: Float32Array; // [hidden, kvHeads·headDim]
  vProj: Float32Array; // [hidden, kvHeads·headDim]
  oProj: Float32Array; // [heads·headDim, hidden]
  postAttentionNorm: Float32Array; // [hidden]
  gateProj: Float32Array; // [hidden, intermediate]
  upProj: Float32Array; // [hidden, intermediate]
  downProj: Float32Array; // [intermediate, hidden]
}
