import { FamilySpec } from './familySpec';
import { LlamaLayerWeights, LlamaWeights } from './llamaWeights';
import { lowRankFactors } from './lowRank';
import { NgramTables } from './ngramTables';
import { SeededRandom } from './random';

/**
 * Designs weights that make a real Llama-style decoder speak like its training corpus.
 *
 * The residual stream of every token starts as a vector of RMS 1 (so RMSNorm leaves it alone) laid
 * out in slots:
 *   [0] a constant 1: gives layer 0's first attention head a position-only query and key
 *   [1] padding that makes every token's vector the same length
 *   bigram slot: the token's row of a low-rank factorisation of ln P(next | token)
 *   source slot: the token's row of a factorisation of the skip-bigram PMI
 *   previous slot: empty; layer 0 head 0 attends to the previous position (a RoPE trick: its query
 *     and key are constant vectors rotated so the score peaks at distance 1) and copies that token's
 *     source slot here.
 * The output matrix reads the bigram and previous slots, so logits ≈ ln P(next | t) + β·PMI(next | t−1).
 * Every other weight (the other heads, the MLPs, layer 1+) is small Gaussian noise: real computation
 * that perturbs the logits a little, as a trained model's would.
 */
export function designWeights(spec: FamilySpec, tables: NgramTables, random: SeededRandom): LlamaWeights<Float32Array> {
  const { hiddenSize: H, heads: NH, kvHeads: KV, headDim: D, bigramRank: R1, skipRank: R2 } = spec;
  const V = tables.bigramLogits.rows;
  const slot = { constant: 0, padding: 1, bigram: 2, source: 2 + R1, previous: 2 + R1 + R2 };
  if (slot.previous + R2 > H) throw new Error(`${spec.name}: hidden size ${H} too small for ranks ${R1}+${R2}`);
  if (R2 > D) throw new Error(`${spec.name}: skip rank ${R2} exceeds head dim ${D}`);

  const bigram = lowRankFactors(tables.bigramLogits, R1, random);
  const skip = lowRankFactors(tables.skipPmi, R2, random);

  // Scale each factor so the largest embedding row leaves room for the constant and padding slots.
  const maxRowNorm2 = (m: { data: Float64Array; cols: number }, rows: number): number => {
    let max = 0;
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let c = 0; c < m.cols; c++) sum += m.data[r * m.cols + c]! ** 2;
      max = Math.max(max, sum);
    }
    return max;
  };
  const bigramScale = Math.sqrt((0.6 * H) / maxRowNorm2(bigram.left, V));
  const skipScale = Math.sqrt((0.25 * H) / maxRowNorm2(skip.left, V));

  const embedTokens = new Float32Array(V * H);
  let meanSkipNorm2 = 0;
  for (let t = 0; t < V; t++) {
    const row = t * H;
    embedTokens[row + slot.constant] = 1;
    let norm2 = 1;
    for (let c = 0; c < R1; c++) {
      const value = bigram.left.data[t * R1 + c]! * bigramScale;
      embedTokens[row + slot.bigram + c] = value;
      norm2 += value * value;
    }
    let skipNorm2 = 0;
    for (let c = 0; c < R2; c++) {
      const value = skip.left.data[t * R2 + c]! * skipScale;
      embedTokens[row + slot.source + c] = value;
      skipNorm2 += value * value;
    }
    meanSkipNorm2 += skipNorm2 / V;
    embedTokens[row + slot.padding] = Math.sqrt(Math.max(H - norm2 - skipNorm2, 0));
  }

  // After layer 0 the stream also holds the previous token's source vector, so the final RMSNorm
  // divides by a slightly larger RMS; compensate on average.
  const normCompensation = Math.sqrt(1 + meanSkipNorm2 / H);
  const skipWeight = 0.6;
  const lmHead = new Float32Array(H * V);
  for (let t = 0; t < V; t++) {
    for (let c = 0; c < R1; c++) lmHead[(slot.bigram + c) * V + t] = (bigram.right.data[t * R1 + c]! / bigramScale) * normCompensation;
    for (let c = 0; c < R2; c++) lmHead[(slot.previous + c) * V + t] = ((skipWeight * skip.right.data[t * R2 + c]!) / skipScale) * normCompensation;
  }

  const noise = (rows: number, cols: number, std: number): Float32Array => random.normalArray(rows * cols, std);
  const ones = (): Float32Array => new Float32Array(H).fill(1);
  const layers: Array<LlamaLayerWeights<Float32Array>> = [];
  for (let i = 0; i < spec.layers; i++) {
    const layer: LlamaLayerWeights<Float32Array> = {
      inputNorm: ones(),
      qProj: noise(H, NH * D, 0.02),
      kProj: noise(H, KV * D, 0.02),
      vProj: noise(H, KV * D, 0.02),
      oProj: noise(NH * D, H, 0.02),
      postAttentionNorm: ones(),
      gateProj: noise(H, spec.intermediateSize, 0.05),
      upProj: noise(H, spec.intermediateSize, 0.05),
      downProj: noise(spec.intermediateSize, H, 0.02),
    };
    if (i === 0) installPreviousTokenHead(layer, spec, slot);
    layers.push(layer);
  }
  return { embedTokens, layers, finalNorm: ones(), lmHead };
}

/**
 * Head 0 (and its KV head 0) attend to the previous position and copy its source slot into the
 * previous slot. With rotate_half RoPE the score between query position m and key position n is
 * Σ_j σ² cos((m − n − 1)·θ_j) / √D, which peaks at m − n = 1.
 */
function installPreviousTokenHead(layer: LlamaLayerWeights<Float32Array>, spec: FamilySpec, slot: { constant: number; source: number; previous: number }): void {
  const { hiddenSize: H, heads: NH, kvHeads: KV, headDim: D, skipRank: R2 } = spec;
  const sigma = 16;
  const qCols = NH * D;
  const kvCols = KV * D;
  for (let r = 0; r < H; r++) {
    for (let j = 0; j < D; j++) {
      layer.qProj[r * qCols + j] = 0;
      layer.kProj[r * kvCols + j] = 0;
      layer.vProj[r * kvCols + j] = 0;
    }
  }
  for (let j = 0; j < D / 2; j++) {
    const theta = spec.ropeTheta ** (-(2 * j) / D);
    layer.qProj[slot.constant * qCols + j] = sigma;
    layer.kProj[slot.constant * kvCols + j] = sigma * Math.cos(theta);
    layer.kProj[slot.constant * kvCols + j + D / 2] = sigma * Math.sin(theta);
  }
  for (let c = 0; c < R2; c++) layer.vProj[(slot.source + c) * kvCols + c] = 1;
  for (let j = 0; j < D; j++) for (let c = 0; c < H; c++) layer.oProj[j * H + c] = 0;
  for (let c = 0; c < R2; c++) layer.oProj[c * H + slot.previous + c] = 1;
}
