import { FamilySpec } from '../familySpec';

/**
 * A third fixture family for GGUF only (fixtures/gguf-models/quantlens-tiny-k256): every matrix
 * row is a multiple of 256, so its Q4_K and Q6_K files hold real K-quant tensors (the other two
 * families' rows, 64…192 wide, make llama-quantize fall back to Q5_0/Q8_0). Not in
 * FIXTURE_FAMILIES: the ONNX tests keep their two families.
 */
export const K_QUANT_FAMILY: FamilySpec = {
  name: 'quantlens-tiny-k256',
  seed: 256,
  merges: 300,
  hiddenSize: 256,
  intermediateSize: 256,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  headDim: 64,
  bigramRank: 96,
  skipRank: 16,
  contextLength: 512,
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
};
