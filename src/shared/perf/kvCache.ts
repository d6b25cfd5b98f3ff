/** The sizes of a decoder that the memory and roofline arithmetic needs, from config.json. */
export interface ModelGeometry {
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  hiddenSize: number;
  vocabSize: number;
  /** lm_head shares the embedding table (tie_word_embeddings). */
  tiedEmbeddings: boolean;
}

/**
 * Reads the geometry from a parsed config.json (transformers' key names); null when a size is
 * missing. kv heads default to the attention heads and head_dim to hidden_size / heads, as
 * transformers does.
 */
export function geometryFromConfig(config: Record<string, unknown>): ModelGeometry | null {
  const int = (key: string): number | undefined => {
    const value = config[key];
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const layers = int('num_hidden_layers');
  const heads = int('num_attention_heads');
  const hiddenSize = int('hidden_size');
  const vocabSize = int('vocab_size');
  if (!layers || !heads || !hiddenSize || !vocabSize) return null;
  return {
    layers,
    heads,
    kvHeads: int('num_key_value_heads') ?? heads,
    headDim: int('head_dim') ?? Math.floor(hiddenSize / heads),
    hiddenSize,
    vocabSize,
    tiedEmbeddings: config.tie_word_embeddings === true,
  };
}

/** KV cache bytes for `tokens` positions of `rows` sequences: 2 (K and V) × layers × kv heads × head dim × tokens × rows × element bytes. */
export function kvCacheBytes(geometry: Pick<ModelGeometry, 'layers' | 'kvHeads' | 'headDim'>, tokens: number, rows: number, elementBytes: number): number {
  return 2 * geometry.layers * geometry.kvHeads * geometry.headDim * tokens * rows * elementBytes;
}
