import { FamilySpec } from './familySpec';
import { LlamaWeights, Weight } from './llamaWeights';
import { DType, GraphWriter } from './onnxWriter';

/** What the graph needs of a model's shape: a tiny fixture family or a realistic shape. */
export type DecoderShape = Pick<FamilySpec, 'hiddenSize' | 'intermediateSize' | 'layers' | 'heads' | 'kvHeads' | 'headDim' | 'ropeTheta' | 'rmsNormEps'> & {
  /** Qwen2: q/k/v projections add a bias (o_proj has none), as `model.layers.N.self_attn.{q,k,v}_proj.bias`. */
  qkvBias?: boolean;
};

/**
 * Writes the fp32 decoder graph with the Optimum `text-generation-with-past` interface that
 * transformers.js drives: input_ids, attention_mask, position_ids and past_key_values.{i}.key|value
 * in; logits and present.{i}.key|value out. The KV inputs use the symbolic `batch_size` and concrete
 * head sizes, because transformers.js builds the empty first-step cache from that metadata.
 */
export function writeLlamaGraph(spec: DecoderShape, vocabSize: number, weights: LlamaWeights): GraphWriter {
  const g = new GraphWriter();
  const { hiddenSize: H, heads: NH, kvHeads: KV, headDim: D } = spec;

  const inputIds = g.input('input_ids', DType.int64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', DType.int64, ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', DType.int64, ['batch_size', 'sequence_length']);
  const pastShape = ['batch_size', KV, 'past_sequence_length', D];
  const presentShape = ['batch_size', KV, 'total_sequence_length', D];
  for (let i = 0; i < spec.layers; i++) {
    g.input(`past_key_values.${i}.key`, DType.float32, pastShape);
    g.input(`past_key_values.${i}.value`, DType.float32, pastShape);
  }

  // Shared constants.
  const axesLast = g.int64('const_axes_last', [1], [-1]);
  const axesOne = g.int64('const_axes_1', [1], [1]);
  const axesOneTwo = g.int64('const_axes_1_2', [2], [1, 2]);
  const zeroI = g.int64('const_zero', [], [0]);
  const oneI = g.int64('const_one', [], [1]);
  const halfSplit = g.int64('const_rope_split', [2], [D / 2, D / 2]);
  const eps = g.float('const_rms_eps', [], [spec.rmsNormEps]);
  const attnScale = g.float('const_attn_scale', [], [1 / Math.sqrt(D)]);
  const maskZero = g.float('const_mask_zero', [], [0]);
  const maskNegative = g.float('const_mask_min', [], [-1e9]);
  const invFreq = g.float('rope_inv_freq', [D / 2], Array.from({ length: D / 2 }, (_, j) => spec.ropeTheta ** (-(2 * j) / D)));

  const hidden0 = g.op1('Gather', [g.float('model.embed_tokens.weight', [vocabSize, H], weights.embedTokens), inputIds], { axis: 0 });

  // Rotary tables from position_ids (Llama's rotate_half layout: cos = [freqs, freqs]).
  const positions = g.op1('Unsqueeze', [g.op1('Cast', [positionIds], { to: DType.float32 }), axesLast]);
  const freqs = g.op1('Mul', [positions, invFreq]);
  const angles = g.op1('Concat', [freqs, freqs], { axis: -1 });
  const cos = g.op1('Unsqueeze', [g.op1('Cos', [angles]), axesOne]); // [b, 1, s, D]
  const sin = g.op1('Unsqueeze', [g.op1('Sin', [angles]), axesOne]);

  // Additive mask [b, 1, s, T]: query i (absolute position past+i) sees key j when j ≤ past+i and
  // attention_mask[b, j] = 1.
  const total = g.op1('Gather', [g.op1('Shape', [attentionMask]), oneI], { axis: 0 });
  const queryLength = g.op1('Gather', [g.op1('Shape', [inputIds]), oneI], { axis: 0 });
  const pastLength = g.op1('Sub', [total, queryLength]);
  const keyPositions = g.op1('Range', [zeroI, total, oneI]);
  const queryPositions = g.op1('Unsqueeze', [g.op1('Range', [pastLength, total, oneI]), axesOne]);
  const causal = g.op1('LessOrEqual', [keyPositions, queryPositions]);
  const notPadding = g.op1('Unsqueeze', [g.op1('Cast', [attentionMask], { to: DType.bool }), axesOneTwo]);
  const maskBias = g.op1('Where', [g.op1('And', [causal, notPadding]), maskZero, maskNegative]);

  const rmsNorm = (x: string, gain: Weight, name: string): string => {
    const meanSquare = g.op1('ReduceMean', [g.op1('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const normed = g.op1('Div', [x, g.op1('Sqrt', [g.op1('Add', [meanSquare, eps])])]);
    return g.op1('Mul', [normed, g.float(name, [H], gain)]);
  };
  const linear = (x: string, weight: Weight, rows: number, cols: number, name: string): string =>
    g.op1('MatMul', [x, g.float(name, [rows, cols], weight)]);
  const projection = (x: string, weight: Weight, bias: Weight | undefined, rows: number, cols: number, name: string): string => {
    const product = linear(x, weight, rows, cols, `${name}.weight`);
    if (!spec.qkvBias) return product;
    if (!bias) throw new Error(`writeLlamaGraph: the shape has qkvBias but ${name} has no bias weights`);
    return g.op1('Add', [product, g.float(`${name}.bias`, [cols], bias)]);
  };
  const toHeads = (x: string, count: number, name: string): string =>
    g.op1('Transpose', [g.op1('Reshape', [x, g.int64(`${name}.shape`, [4], [0, 0, count, D])])], { perm: [0, 2, 1, 3] });
  const rotary = (x: string): string => {
    const [first, second] = g.op('Split', [x, halfSplit], { axis: -1 }, { outputs: 2 }) as [string, string];
    const rotated = g.op1('Concat', [g.op1('Neg', [second]), first], { axis: -1 });
    return g.op1('Add', [g.op1('Mul', [x, cos]), g.op1('Mul', [rotated, sin])]);
  };
  const repeatKv = (x: string, name: string): string => {
    if (NH === KV) return x;
    const expanded = g.op1('Expand', [g.op1('Unsqueeze', [x, g.int64(`${name}.axes`, [1], [2])]), g.int64(`${name}.expand`, [5], [1, 1, NH / KV, 1, 1])]);
    return g.op1('Reshape', [expanded, g.int64(`${name}.shape`, [4], [0, NH, -1, D])]);
  };

  let hidden = hidden0;
  weights.layers.forEach((w, i) => {
    const p = `model.layers.${i}`;
    const x = rmsNorm(hidden, w.inputNorm, `${p}.input_layernorm.weight`);
    const q = rotary(toHeads(projection(x, w.qProj, w.qBias, H, NH * D, `${p}.self_attn.q_proj`), NH, `${p}.q`));
    const k = rotary(toHeads(projection(x, w.kProj, w.kBias, H, KV * D, `${p}.self_attn.k_proj`), KV, `${p}.k`));
    const v = toHeads(projection(x, w.vProj, w.vBias, H, KV * D, `${p}.self_attn.v_proj`), KV, `${p}.v`);
    const presentKey = g.op1('Concat', [`past_key_values.${i}.key`, k], { axis: 2 }, { output: `present.${i}.key` });
    const presentValue = g.op1('Concat', [`past_key_values.${i}.value`, v], { axis: 2 }, { output: `present.${i}.value` });
    g.output(presentKey, DType.float32, presentShape);
    g.output(presentValue, DType.float32, presentShape);

    const keys = g.op1('Transpose', [repeatKv(presentKey, `${p}.rk`)], { perm: [0, 1, 3, 2] });
    const scores = g.op1('Add', [g.op1('Mul', [g.op1('MatMul', [q, keys]), attnScale]), maskBias]);
    const context = g.op1('MatMul', [g.op1('Softmax', [scores], { axis: -1 }), repeatKv(presentValue, `${p}.rv`)]);
    const merged = g.op1('Reshape', [g.op1('Transpose', [context], { perm: [0, 2, 1, 3] }), g.int64(`${p}.merge.shape`, [3], [0, 0, NH * D])]);
    hidden = g.op1('Add', [hidden, linear(merged, w.oProj, NH * D, H, `${p}.self_attn.o_proj.weight`)]);

    const y = rmsNorm(hidden, w.postAttentionNorm, `${p}.post_attention_layernorm.weight`);
    const gate = linear(y, w.gateProj, H, spec.intermediateSize, `${p}.mlp.gate_proj.weight`);
    const up = linear(y, w.upProj, H, spec.intermediateSize, `${p}.mlp.up_proj.weight`);
    const activated = g.op1('Mul', [g.op1('Mul', [gate, g.op1('Sigmoid', [gate])]), up]);
    hidden = g.op1('Add', [hidden, linear(activated, w.downProj, spec.intermediateSize, H, `${p}.mlp.down_proj.weight`)]);
  });

  const final = rmsNorm(hidden, weights.finalNorm, 'model.norm.weight');
  g.op1('MatMul', [final, g.float('lm_head.weight', [H, vocabSize], weights.lmHead)], {}, { output: 'logits' });
  g.output('logits', DType.float32, ['batch_size', 'sequence_length', vocabSize]);
  return g;
}
