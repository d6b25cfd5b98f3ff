import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';

/**
 * What a GGUF file is made from: a fixture model folder's config.json, tokenizer.json,
 * tokenizer_config.json and the fp32 weights of onnx/model.onnx — the very bytes the ONNX variants
 * are made of, so a GGUF variant and the ONNX baseline are the same model.
 */
export interface FamilyFolder {
  name: string;
  config: LlamaConfig;
  tokenizer: { vocab: Record<string, number>; merges: Array<[string, string] | string>; added: Array<{ id: number; content: string; special: boolean }> };
  addBosToken: boolean;
  addEosToken: boolean;
  /** fp32 initializers of onnx/model.onnx by name, with their ONNX dims. */
  weights: Map<string, { dims: number[]; values: Float32Array }>;
}

export interface LlamaConfig {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  max_position_embeddings: number;
  rope_theta: number;
  rms_norm_eps: number;
  bos_token_id: number;
  eos_token_id: number;
  pad_token_id?: number;
  tie_word_embeddings?: boolean;
  model_type: string;
}

export function readFamilyFolder(folder: string, name: string): FamilyFolder {
  const json = (file: string): any => JSON.parse(readFileSync(join(folder, file), 'utf8'));
  const config = json('config.json') as LlamaConfig;
  if (config.model_type !== 'llama') throw new Error(`${join(folder, 'config.json')}: model_type ${config.model_type}; the GGUF writer makes Llama-style models only`);
  const tokenizerFile = json('tokenizer.json');
  const tokenizerConfig = json('tokenizer_config.json');
  const model = onnx.ModelProto.decode(readFileSync(join(folder, 'onnx', 'model.onnx')));
  const weights = new Map<string, { dims: number[]; values: Float32Array }>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataType !== onnx.TensorProto.DataType.FLOAT || !t.rawData || !t.name) continue;
    const raw = t.rawData;
    // Copy: rawData may be an unaligned view into the decoded buffer.
    const values = new Float32Array(raw.byteLength / 4);
    new Uint8Array(values.buffer).set(raw);
    weights.set(t.name, { dims: (t.dims ?? []).map(Number), values });
  }
  return {
    name,
    config,
    tokenizer: { vocab: tokenizerFile.model.vocab, merges: tokenizerFile.model.merges, added: tokenizerFile.added_tokens ?? [] },
    addBosToken: tokenizerConfig.add_bos_token !== false,
    addEosToken: tokenizerConfig.add_eos_token === true,
    weights,
  };
}
