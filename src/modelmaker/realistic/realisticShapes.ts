import { DecoderShape } from '../llamaGraph';
import { AddedToken } from '../tokenizerFiles';

/**
 * The shape of a real small model (issue 16): its config.json values, its tokenizer's size and
 * special tokens, so the models made from it exercise QuantLens at real scale (a 150k-wide vocab,
 * a >2 GB fp32 file with external data) without a download. Values were checked against the
 * published config.json / tokenizer files of HuggingFaceTB/SmolLM2-135M and Qwen/Qwen2.5-0.5B.
 */
export interface RealisticShape extends DecoderShape {
  /** Command-line name (`--realistic <name>`) and folder name. */
  name: string;
  /** The real model this one copies the shape of. */
  mimics: string;
  seed: number;
  architecture: string;
  modelType: string;
  /** The embedding's rows (config vocab_size); may exceed the tokenizer's size (Qwen pads it). */
  vocabSize: number;
  contextLength: number;
  tieWordEmbeddings: boolean;
  /** Tokens placed before the 256 byte symbols (SmolLM2 puts its specials at ids 0…16). */
  leadingSpecials: readonly AddedToken[];
  /** Tokens appended after the BPE vocabulary (Qwen's specials start at 151643). */
  trailingSpecials: readonly AddedToken[];
  /** Size of the BPE vocabulary (specials included for leading ones, excluded for trailing ones). */
  bpeVocabSize: number;
  /** Ids in config.json, by token content. */
  bos: string | null;
  eos: string;
  pad: string | null;
  tokenizer: 'gpt2' | 'qwen2';
  /** Extra config.json keys the real model carries. */
  extraConfig: Record<string, unknown>;
}

const special = (content: string): AddedToken => ({ content, special: true });

export const REALISTIC_SHAPES: readonly RealisticShape[] = [
  {
    name: 'smollm2-135m',
    mimics: 'HuggingFaceTB/SmolLM2-135M',
    seed: 135,
    architecture: 'LlamaForCausalLM',
    modelType: 'llama',
    vocabSize: 49152,
    hiddenSize: 576,
    intermediateSize: 1536,
    layers: 30,
    heads: 9,
    kvHeads: 3,
    headDim: 64,
    ropeTheta: 100000,
    rmsNormEps: 1e-5,
    contextLength: 8192,
    tieWordEmbeddings: true,
    leadingSpecials: [
      '<|endoftext|>', '<|im_start|>', '<|im_end|>', '<repo_name>', '<reponame>', '<file_sep>', '<filename>', '<gh_stars>',
      '<issue_start>', '<issue_comment>', '<issue_closed>', '<jupyter_start>', '<jupyter_text>', '<jupyter_code>',
      '<jupyter_output>', '<jupyter_script>', '<empty_output>',
    ].map(special),
    trailingSpecials: [],
    bpeVocabSize: 49152,
    bos: '<|endoftext|>',
    eos: '<|endoftext|>',
    pad: null,
    tokenizer: 'gpt2',
    extraConfig: { attention_bias: false, mlp_bias: false, initializer_range: 0.041666666666666664, pretraining_tp: 1, rope_scaling: null, is_llama_config: true, rope_interleaved: false },
  },
  {
    name: 'qwen2.5-0.5b',
    mimics: 'Qwen/Qwen2.5-0.5B',
    seed: 500,
    architecture: 'Qwen2ForCausalLM',
    modelType: 'qwen2',
    vocabSize: 151936,
    hiddenSize: 896,
    intermediateSize: 4864,
    layers: 24,
    heads: 14,
    kvHeads: 2,
    headDim: 64,
    qkvBias: true,
    ropeTheta: 1000000,
    rmsNormEps: 1e-6,
    contextLength: 32768,
    tieWordEmbeddings: true,
    leadingSpecials: [],
    trailingSpecials: [
      special('<|endoftext|>'), special('<|im_start|>'), special('<|im_end|>'), special('<|object_ref_start|>'), special('<|object_ref_end|>'),
      special('<|box_start|>'), special('<|box_end|>'), special('<|quad_start|>'), special('<|quad_end|>'), special('<|vision_start|>'),
      special('<|vision_end|>'), special('<|vision_pad|>'), special('<|image_pad|>'), special('<|video_pad|>'),
      { content: '<tool_call>', special: false }, { content: '</tool_call>', special: false },
      { content: '<|fim_prefix|>', special: false }, { content: '<|fim_middle|>', special: false }, { content: '<|fim_suffix|>', special: false },
      { content: '<|fim_pad|>', special: false }, { content: '<|repo_name|>', special: false }, { content: '<|file_sep|>', special: false },
    ],
    bpeVocabSize: 151643,
    bos: null,
    eos: '<|endoftext|>',
    pad: '<|endoftext|>',
    tokenizer: 'qwen2',
    extraConfig: { max_window_layers: 24, sliding_window: 32768, use_sliding_window: false, use_mrope: false, initializer_range: 0.02 },
  },
];

export function realisticShape(name: string): RealisticShape {
  const shape = REALISTIC_SHAPES.find((s) => s.name === name);
  if (!shape) throw new Error(`make-fixtures: no realistic shape "${name}"; the shapes are ${REALISTIC_SHAPES.map((s) => s.name).join(', ')}`);
  return shape;
}

/**
 * The same conventions with fewer layers and a smaller vocabulary (the embedding stays padded by as
 * many rows as the real one): cheap enough for unit tests.
 */
export function reducedShape(shape: RealisticShape, layers: number, bpeVocabSize: number): RealisticShape {
  const padding = shape.vocabSize - tokenizerSize(shape);
  const reduced = { ...shape, name: `${shape.name}-reduced`, layers, bpeVocabSize };
  return { ...reduced, vocabSize: tokenizerSize(reduced) + padding };
}

/** Entries in the tokenizer: the BPE vocabulary plus the trailing specials. */
export function tokenizerSize(shape: RealisticShape): number {
  return shape.bpeVocabSize + shape.trailingSpecials.length;
}
