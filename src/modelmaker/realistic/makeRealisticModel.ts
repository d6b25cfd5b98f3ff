import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeLlamaGraph } from '../llamaGraph';
import { trainingDocuments } from '../makeFixtureModel';
import { writeOnnxModelFile } from '../onnxModelFile';
import { Q4F16_TRANSFORMERS_JS_CONFIG } from '../quantize/realExportVariants';
import { OnnxVariant } from '../quantize/variantRegistry';
import { RealisticShape, tokenizerSize } from './realisticShapes';
import { randomWeights } from './randomWeights';
import { realisticBpe, realisticTokenizerConfigJson, realisticTokenizerJson } from './realisticTokenizer';

/** `auto`: external data for a variant whose weights would pass this (real exports switch at protobuf's 2 GB). */
const AUTO_EXTERNAL_BYTES = 1.5 * 2 ** 30;

export type ExternalDataPolicy = 'auto' | 'always' | 'never';

export interface VariantWritten {
  dtype: string;
  file: string;
  modelBytes: number;
  externalDataBytes: number;
  milliseconds: number;
}

/**
 * Writes a model folder with a real model's shape and file conventions (config.json,
 * generation_config.json, tokenizer.json, tokenizer_config.json, onnx/<variant>.onnx[_data]) and
 * untrained seeded weights. Variants are written one after another, each streaming its tensors, so
 * memory stays around the largest tensor (the [vocab, hidden] embedding) whatever the model size.
 */
export function makeRealisticModel(
  shape: RealisticShape,
  parentFolder: string,
  variants: readonly OnnxVariant[],
  externalData: ExternalDataPolicy = 'auto',
  onVariant: (written: VariantWritten) => void = () => {},
): { folder: string; variants: VariantWritten[] } {
  const bpe = realisticBpe(shape, trainingDocuments());
  const usedRows = tokenizerSize(shape);
  if (bpe.vocab.size !== usedRows) throw new Error(`${shape.name}: the tokenizer has ${bpe.vocab.size} entries, expected ${usedRows}`);
  if (shape.vocabSize < usedRows) throw new Error(`${shape.name}: vocab_size ${shape.vocabSize} is smaller than the tokenizer (${usedRows})`);
  const graph = writeLlamaGraph(shape, shape.vocabSize, randomWeights(shape, usedRows));
  const opsets = [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }];
  const fp32Bytes = graph.initializers.reduce((sum, t) => sum + 4 * t.dims!.reduce<number>((n, d) => n * Number(d), 1), 0);

  const folder = join(parentFolder, shape.name);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  const written: VariantWritten[] = [];
  for (const variant of variants) {
    const started = Date.now();
    const external = externalData === 'always' || (externalData === 'auto' && fp32Bytes * variant.sizeRatio > AUTO_EXTERNAL_BYTES);
    const result = writeOnnxModelFile(join(folder, 'onnx', variant.file), graph, shape.name, opsets, variant.quantize, external);
    const entry = { dtype: variant.dtype, file: variant.file, ...result, milliseconds: Date.now() - started };
    written.push(entry);
    onVariant(entry);
  }

  const idOf = (token: string | null): number | null => (token === null ? null : bpe.vocab.get(token)!);
  const bosId = idOf(shape.bos ?? shape.eos);
  const eosId = idOf(shape.eos);
  const externalFiles = written.filter((w) => w.externalDataBytes > 0).map((w) => w.file);
  const json = (file: string, value: object): void => writeFileSync(join(folder, file), JSON.stringify(value, null, 2) + '\n');
  json('config.json', {
    architectures: [shape.architecture],
    attention_dropout: 0,
    bos_token_id: bosId,
    eos_token_id: eosId,
    ...(shape.pad !== null ? { pad_token_id: idOf(shape.pad) } : {}),
    // Qwen2's config has no head_dim (it is hidden / heads); Llama's states it.
    ...(shape.modelType === 'llama' ? { head_dim: shape.headDim } : {}),
    hidden_act: 'silu',
    hidden_size: shape.hiddenSize,
    intermediate_size: shape.intermediateSize,
    max_position_embeddings: shape.contextLength,
    model_type: shape.modelType,
    num_attention_heads: shape.heads,
    num_hidden_layers: shape.layers,
    num_key_value_heads: shape.kvHeads,
    rms_norm_eps: shape.rmsNormEps,
    rope_theta: shape.ropeTheta,
    tie_word_embeddings: shape.tieWordEmbeddings,
    torch_dtype: 'float32',
    use_cache: true,
    vocab_size: shape.vocabSize,
    ...shape.extraConfig,
    ...(shape.modelType === 'qwen2' ? { max_window_layers: shape.layers } : {}),
    ...transformersJsConfig(externalFiles, written.some((w) => w.dtype === 'q4f16')),
  });
  json('generation_config.json', { bos_token_id: bosId, eos_token_id: eosId, ...(shape.pad !== null ? { pad_token_id: idOf(shape.pad) } : {}), do_sample: false });
  json('tokenizer.json', realisticTokenizerJson(shape, bpe));
  json('tokenizer_config.json', realisticTokenizerConfigJson(shape, bpe));
  writeFileSync(join(folder, 'README.md'), modelCard(shape, written));
  return { folder, variants: written };
}

/** config.json's `transformers.js_config`: which files have external data, and q4f16's float16 KV cache. */
function transformersJsConfig(externalFiles: readonly string[], hasQ4f16: boolean): Record<string, unknown> {
  const config = {
    ...(externalFiles.length ? { use_external_data_format: Object.fromEntries(externalFiles.map((f) => [f, 1])) } : {}),
    ...(hasQ4f16 ? Q4F16_TRANSFORMERS_JS_CONFIG : {}),
  };
  return Object.keys(config).length ? { 'transformers.js_config': config } : {};
}

function modelCard(shape: RealisticShape, written: readonly VariantWritten[]): string {
  return `# ${shape.name}

Made by QuantLens (\`node dist/make-fixtures.js --realistic ${shape.name}\`) with the shape and file
conventions of ${shape.mimics}: ${shape.architecture}, ${shape.layers} layers, hidden ${shape.hiddenSize},
intermediate ${shape.intermediateSize}, ${shape.heads} heads / ${shape.kvHeads} KV heads of dim ${shape.headDim},
vocab_size ${shape.vocabSize} (tokenizer ${tokenizerSize(shape)})${shape.qkvBias ? ', q/k/v biases' : ''}, tied embeddings.

**Not a trained model**: seeded random weights at initialisation scale, and a tokenizer whose
merges past the few learned from QuantLens's small corpus are deterministic filler. Use it for
scale (memory, speed, file handling), never for quality numbers.

${written.map((w) => `- onnx/${w.file}${w.externalDataBytes ? ` + ${w.file}_data` : ''}: ${w.dtype}`).join('\n')}
`;
}
