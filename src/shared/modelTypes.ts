import type { ServedVariantInfo } from './endpoints';
import type { GgufVariantInfo } from './gguf';

/**
 * What discovery tells the rest of QuantLens about a model folder: its variants, what each one's
 * ONNX graph says about how it was quantized, and what is wrong with the folder. Pure data, so the
 * host, the worker, the CLI and the report can all carry it.
 */

/** A variant's precision as the transformers.js file naming states it (`model_q4.onnx` → 'q4'). */
export type VariantDtype =
  | 'fp32'
  | 'fp16'
  | 'bf16'
  | 'q8'
  | 'int8'
  | 'uint8'
  | 'q4'
  | 'q4f16'
  | 'bnb4'
  | 'unknown';

/** One thing wrong with the user's files, said the way InputError says it (see shared/errors.ts). */
export interface InputProblem {
  file: string;
  /** 1-based line, where the fault has one. */
  line?: number;
  /** 1-based column on that line, for syntax errors. */
  column?: number;
  problem: string;
  remedy: string;
}

/** One .onnx file of a model folder, or a variant served behind an endpoint (`served`). */
export interface ModelVariant {
  /** Stable within the folder: the dtype where that is unique, else the file stem, else the relative path. */
  id: string;
  dtype: VariantDtype;
  /** Absolute path of the .onnx file. */
  file: string;
  /** Absolute paths of the external data files that belong to it. */
  externalDataFiles: string[];
  /** The .onnx file plus its external data files, in bytes. */
  sizeBytes: number;
  /** Absent when the graph could not be read; `error` then says why. */
  signature?: QuantSignature;
  /** Why this variant cannot be evaluated (unreadable, not ONNX, external data missing). */
  error?: InputProblem;
  /** What a reader should know that does not stop its evaluation (its name says a dtype its graph is not). */
  warnings?: InputProblem[];
  /**
   * Set for a variant behind an OpenAI-compatible endpoint: `file` is then its first base URL,
   * `externalDataFiles` empty and `sizeBytes` 0 (the server's weights are not visible here).
   */
  served?: ServedVariantInfo;
  /** Set for a GGUF file run through llama.cpp (node-llama-cpp); see GgufVariantInfo for `file`/`sizeBytes`. */
  gguf?: GgufVariantInfo;
}

/**
 * The config.json values QuantLens reports and checks, under config.json's own key names.
 * A key is absent when config.json lacks it or has it with the wrong type (a problem says which).
 */
export interface ModelConfigSummary {
  model_type?: string;
  vocab_size?: number;
  hidden_size?: number;
  num_hidden_layers?: number;
  num_attention_heads?: number;
  /** Falls back to num_attention_heads when config.json omits it, as transformers does. */
  num_key_value_heads?: number;
  /** Absent: hidden_size / num_attention_heads, as transformers does. */
  head_dim?: number;
  /** The longest sequence the model has positions for. */
  max_position_embeddings?: number;
  /** lm_head shares the embedding table. */
  tie_word_embeddings?: boolean;
  /** Absent: the tokenizer's own EOS. */
  eos_token_id?: number | number[];
}

/** A folder holding one model in one or more quantized variants. */
export interface ModelFolder {
  /** Absolute path. */
  path: string;
  /** The folder's name, as the user knows the model. */
  name: string;
  config: ModelConfigSummary;
  /** Ordered fp32, fp16, bf16, q8, int8, uint8, q4, q4f16, bnb4, unknown; then by file name. */
  variants: ModelVariant[];
  /** The variant the others are compared with; absent when none qualifies (a problem says so). */
  baselineId?: string;
  /** Folder-level problems: config.json, tokenizer.json, no baseline. Variant problems sit on the variant. */
  problems: InputProblem[];
}

/** How one com.microsoft MatMulNBits node is set up. An absent attribute reads as its ONNX default, or 0 if it has none. */
export interface MatMulNBitsNode {
  /** The node's name ('' when the graph leaves it unnamed). */
  name: string;
  bits: number;
  blockSize: number;
  accuracyLevel: number;
  K: number;
  N: number;
}

/** One distinct MatMulNBits setting and how many nodes use it. */
export interface MatMulNBitsSetting {
  bits: number;
  blockSize: number;
  accuracyLevel: number;
  count: number;
}

/** Storage of one initializer dtype: how many tensors, and their logical size (elements × element size). */
export interface InitializerDtypeUsage {
  count: number;
  bytes: number;
}

/**
 * What an ONNX file's graph says about how it was quantized, read without loading its weights.
 * Names of dtypes follow onnxruntime's tensor types: 'float32', 'float16', 'bfloat16', 'int8', 'uint4', …
 */
export interface QuantSignature {
  /** Node count per operator, subgraphs included; `domain::OpType` for non-default domains. */
  opTypeHistogram: Record<string, number>;
  initializerDtypes: Record<string, InitializerDtypeUsage>;
  matMulNBits: MatMulNBitsNode[];
  matMulNBitsSettings: MatMulNBitsSetting[];
  qdq: {
    quantizeLinear: number;
    dequantizeLinear: number;
    /**
     * Distinct axes of DequantizeLinear nodes that quantize per channel: the scale initializer has
     * more than one element, or the scale is computed at run time and the node states an axis.
     */
    perChannelAxes: number[];
    matMulInteger: number;
    dynamicQuantizeLinear: number;
  };
  /**
   * Logical weight count, comparable across variants of one model: the elements of every
   * initializer that can hold weights (float and narrow integer types), subgraphs included, except
   * that packed 4-bit weights (MatMulNBits, MatMulBnb4, uint8 GatherBlockQuantized) count as the
   * K × N weights they stand for, and quantization metadata (scales, zero points) and shape or index
   * constants (int32/int64/bool/string) do not count. Weights held in Constant nodes are not counted.
   */
  parameterCount: number;
  /**
   * Initializers read only by row gathers (Gather, GatherBlockQuantized: embeddings, rotary
   * caches): a decode step reads one row of each. Absent in signatures read before it existed.
   */
  gatherOnlyTables?: Array<{ name: string; bytes: number; rows: number; parameters: number }>;
  /** Domain '' is the default ai.onnx domain. */
  opsetImports: Array<{ domain: string; version: number }>;
  /** Whether any initializer keeps its data in an external file. */
  externalData: boolean;
  /** The distinct external data file names the initializers point at, relative to the .onnx file. */
  externalDataLocations: string[];
  /** producer_name and producer_version, when the file states them. */
  producer?: string;
}
