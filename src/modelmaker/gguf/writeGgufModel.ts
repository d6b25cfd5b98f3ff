import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { readFamilyFolder } from './familyFolder';
import { LLAMA_FTYPE } from './ggmlTypes';
import { encodeGguf, GGUF_ALIGNMENT, GgufTensor, GgufValue } from './ggufFile';
import { llamaTensors } from './llamaTensors';
import { encodeTensor, tensorTypeFor } from './tensorTypes';
import { tokenizerMetadata } from './tokenizerMetadata';

/** The file types this writer makes; `Q4_K` is llama.cpp's Q4_K_M-style "mostly Q4_K". */
export const GGUF_FILE_TYPES = ['F32', 'F16', 'Q8_0', 'Q4_0', 'Q4_K', 'Q6_K'] as const;
export type GgufFileType = (typeof GGUF_FILE_TYPES)[number];

export interface WriteGgufOptions {
  /** A fixture model folder: config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx. */
  familyFolder: string;
  outFile: string;
  type: GgufFileType;
}

/**
 * Writes one GGUF v3 file of the Llama model in `familyFolder`, from the same fp32 weights and
 * tokenizer as its ONNX variants, as llama.cpp's convert_hf_to_gguf.py (+ llama-quantize) would:
 * llama.cpp tensor names and layout, norms kept F32, 32-byte alignment. Returns the file's size.
 */
export function writeGgufModel(options: WriteGgufOptions): number {
  const bytes = encodeGgufModel(options.familyFolder, options.type);
  mkdirSync(dirname(options.outFile), { recursive: true });
  writeFileSync(options.outFile, bytes);
  return bytes.length;
}

export function encodeGgufModel(familyFolder: string, type: GgufFileType): Uint8Array {
  const { metadata, tensors } = ggufModelParts(familyFolder, type);
  return encodeGguf(metadata, tensors);
}

/** The metadata and tensors of the file, for callers that lay them out otherwise (split files). */
export function ggufModelParts(familyFolder: string, type: GgufFileType, architecture = 'llama'): { metadata: Array<[string, GgufValue]>; tensors: GgufTensor[] } {
  const family = readFamilyFolder(familyFolder, basename(familyFolder));
  const c = family.config;
  const u32 = (value: number): GgufValue => ({ type: 'u32', value });
  const f32 = (value: number): GgufValue => ({ type: 'f32', value });
  const metadata: Array<[string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: architecture }],
    ['general.type', { type: 'string', value: 'model' }],
    ['general.name', { type: 'string', value: family.name }],
    ['general.alignment', u32(GGUF_ALIGNMENT)],
    ['general.file_type', u32(LLAMA_FTYPE[type])],
    ['general.quantization_version', u32(2)],
    ['llama.vocab_size', u32(c.vocab_size)],
    ['llama.context_length', u32(c.max_position_embeddings)],
    ['llama.embedding_length', u32(c.hidden_size)],
    ['llama.block_count', u32(c.num_hidden_layers)],
    ['llama.feed_forward_length', u32(c.intermediate_size)],
    ['llama.attention.head_count', u32(c.num_attention_heads)],
    ['llama.attention.head_count_kv', u32(c.num_key_value_heads)],
    // head_dim need not be hidden/heads (the GQA fixture: 128/6 heads of 16), so say it.
    ['llama.attention.key_length', u32(c.head_dim)],
    ['llama.attention.value_length', u32(c.head_dim)],
    ['llama.attention.layer_norm_rms_epsilon', f32(c.rms_norm_eps)],
    ['llama.rope.freq_base', f32(c.rope_theta)],
    ['llama.rope.dimension_count', u32(c.head_dim)],
    ...tokenizerMetadata(family),
  ];
  const tensors: GgufTensor[] = llamaTensors(family).map((t) => {
    const tensorType = tensorTypeFor(type, t, c.num_hidden_layers);
    return { name: t.name, dims: t.dims, type: tensorType, data: encodeTensor(tensorType, t.values) };
  });
  // The architecture prefixes the hyperparameter keys (`llama.context_length`).
  return { metadata: metadata.map(([k, v]): [string, GgufValue] => [k.startsWith('llama.') ? architecture + k.slice(5) : k, v]), tensors };
}
