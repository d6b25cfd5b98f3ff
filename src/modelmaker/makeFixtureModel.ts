import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import trainingText from './data/train.txt';
import { makeBpeEncoder, SPECIAL_TOKENS, trainBpe } from './bpe';
import { designWeights } from './designWeights';
import { FamilySpec } from './familySpec';
import { writeLlamaGraph } from './llamaGraph';
import { estimateNgramTables } from './ngramTables';
import { quantizeFp16, quantizeInt8PerChannel, quantizeQ4MatMulNBits } from './quantize/quantizers';
import { GraphParts } from './quantize/graphParts';
import { SeededRandom } from './random';
import { tokenizerConfigJson, tokenizerJson } from './tokenizerFiles';

/** The variants every fixture model ships, by transformers.js file name. */
export const FIXTURE_VARIANT_FILES = ['model.onnx', 'model_fp16.onnx', 'model_quantized.onnx', 'model_q4.onnx'] as const;

/** Paragraphs of the shipped training corpus; each becomes one BOS … EOS document. */
export function trainingDocuments(): string[] {
  return trainingText
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p.length > 0);
}

/**
 * Makes one fixture model folder in the layout transformers.js loads from local files. Pure
 * function of the spec and the shipped corpus: the same call writes byte-identical files.
 */
export function makeFixtureModel(spec: FamilySpec, parentFolder: string): string {
  const random = new SeededRandom(spec.seed);
  const documents = trainingDocuments();
  const bpe = trainBpe(documents, spec.merges);
  const encode = makeBpeEncoder(bpe);
  const vocabSize = bpe.vocab.size;
  const bos = bpe.vocab.get(SPECIAL_TOKENS.bos)!;
  const eos = bpe.vocab.get(SPECIAL_TOKENS.eos)!;
  const pad = bpe.vocab.get(SPECIAL_TOKENS.pad)!;
  const encoded = documents.map((doc) => [bos, ...encode(doc), eos]);

  const weights = designWeights(spec, estimateNgramTables(encoded, vocabSize), random);
  const graph = writeLlamaGraph(spec, vocabSize, weights);
  const opsets = [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }];
  const fp32: GraphParts = { nodes: graph.nodes, initializers: graph.initializers };

  const folder = join(parentFolder, spec.name);
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  const variants: Record<(typeof FIXTURE_VARIANT_FILES)[number], GraphParts> = {
    'model.onnx': fp32,
    'model_fp16.onnx': quantizeFp16(fp32),
    'model_quantized.onnx': quantizeInt8PerChannel(fp32),
    'model_q4.onnx': quantizeQ4MatMulNBits(fp32),
  };
  for (const [file, parts] of Object.entries(variants)) {
    writeFileSync(join(folder, 'onnx', file), graph.toModel(spec.name, opsets, parts));
  }

  const json = (file: string, value: object): void => writeFileSync(join(folder, file), JSON.stringify(value, null, 2) + '\n');
  json('config.json', {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: vocabSize,
    hidden_size: spec.hiddenSize,
    intermediate_size: spec.intermediateSize,
    num_hidden_layers: spec.layers,
    num_attention_heads: spec.heads,
    num_key_value_heads: spec.kvHeads,
    head_dim: spec.headDim,
    max_position_embeddings: spec.contextLength,
    rope_theta: spec.ropeTheta,
    rms_norm_eps: spec.rmsNormEps,
    hidden_act: 'silu',
    bos_token_id: bos,
    eos_token_id: eos,
    pad_token_id: pad,
    tie_word_embeddings: false,
    use_cache: true,
    torch_dtype: 'float32',
  });
  json('generation_config.json', { bos_token_id: bos, eos_token_id: eos, pad_token_id: pad, do_sample: false });
  json('tokenizer.json', tokenizerJson(bpe));
  json('tokenizer_config.json', tokenizerConfigJson(spec.contextLength));
  writeFileSync(join(folder, 'README.md'), modelCard(spec, vocabSize));
  return folder;
}

function modelCard(spec: FamilySpec, vocabSize: number): string {
  return `# ${spec.name}

A tiny synthetic Llama-style decoder made by QuantLens (\`npm run fixtures\`), so that tests and the
demo have a real ONNX model without downloading one. Not a trained network: its embedding and output
matrices carry a low-rank factorisation of bigram statistics of a small English corpus that QuantLens
ships, and layer 0's first attention head copies the previous token forward (skip-bigram). All other
weights are small seeded noise.

- vocabulary ${vocabSize} (byte-level BPE), hidden ${spec.hiddenSize}, ${spec.layers} layers,
  ${spec.heads} heads / ${spec.kvHeads} KV heads of dim ${spec.headDim}, context ${spec.contextLength}
- onnx/model.onnx: fp32
- onnx/model_fp16.onnx: weights stored as float16, cast to float32 at use (I/O and math in float32)
- onnx/model_quantized.onnx: int8 weight-only, per output channel, DequantizeLinear → MatMul
- onnx/model_q4.onnx: 4-bit block-wise (block 32, symmetric) com.microsoft MatMulNBits
`;
}
