import { BpeModel, SPECIAL_TOKENS } from './bpe';

/** One entry of tokenizer.json's `added_tokens`; its id comes from the vocabulary. */
export interface AddedToken {
  content: string;
  special: boolean;
}

/** How a byte-level BPE tokenizer.json wraps the model: added tokens and the pipeline stages. */
export interface TokenizerConventions {
  addedTokens: readonly AddedToken[];
  normalizer: object | null;
  preTokenizer: object;
  postProcessor: object;
}

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };

/** A TemplateProcessing post-processor that prepends `bos` (Llama's convention). */
export function bosTemplate(bos: string, bosId: number): object {
  return {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [
      { SpecialToken: { id: bos, type_id: 0 } },
      { Sequence: { id: 'A', type_id: 0 } },
      { SpecialToken: { id: bos, type_id: 1 } },
      { Sequence: { id: 'B', type_id: 1 } },
    ],
    special_tokens: { [bos]: { id: bos, ids: [bosId], tokens: [bos] } },
  };
}

/** GPT-2 style: ByteLevel pre-tokenizer with its regex, and a post-processor that adds nothing. */
export function gpt2Conventions(addedTokens: readonly AddedToken[]): TokenizerConventions {
  return { addedTokens, normalizer: null, preTokenizer: BYTE_LEVEL, postProcessor: { ...BYTE_LEVEL, trim_offsets: false } };
}

/**
 * The Hugging Face tokenizers JSON for a byte-level BPE with a BOS-prepending post-processor
 * (the Llama/GPT-2 family shape that transformers.js loads with AutoTokenizer).
 */
export function tokenizerJson(model: BpeModel): object {
  const bos = SPECIAL_TOKENS.bos;
  return byteLevelTokenizerJson(model, {
    addedTokens: Object.values(SPECIAL_TOKENS).map((content) => ({ content, special: true })),
    normalizer: null,
    preTokenizer: BYTE_LEVEL,
    postProcessor: bosTemplate(bos, model.vocab.get(bos)!),
  });
}

/**
 * tokenizer.json for a byte-level BPE under the given conventions. Added tokens take their ids from
 * `model.vocab`; `modelVocab` is what the BPE model section lists (Qwen2 leaves its added tokens out
 * of it, Llama/GPT-2 style tokenizers keep them in).
 */
export function byteLevelTokenizerJson(model: BpeModel, conventions: TokenizerConventions, modelVocab: ReadonlyMap<string, number> = model.vocab): object {
  const idOf = (token: string): number => {
    const id = model.vocab.get(token);
    if (id === undefined) throw new Error(`tokenizer.json: added token ${JSON.stringify(token)} is not in the vocabulary`);
    return id;
  };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: conventions.addedTokens.map(({ content, special }) => ({
      id: idOf(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special,
    })),
    normalizer: conventions.normalizer,
    pre_tokenizer: conventions.preTokenizer,
    post_processor: conventions.postProcessor,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(modelVocab),
      merges: model.merges.map(([a, b]) => [a, b]),
    },
  };
}

export function tokenizerConfigJson(contextLength: number): object {
  return {
    add_bos_token: true,
    add_eos_token: false,
    bos_token: SPECIAL_TOKENS.bos,
    eos_token: SPECIAL_TOKENS.eos,
    pad_token: SPECIAL_TOKENS.pad,
    unk_token: null,
    clean_up_tokenization_spaces: false,
    model_max_length: contextLength,
    padding_side: 'left',
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
}
