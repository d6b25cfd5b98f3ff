import { BpeModel, SPECIAL_TOKENS } from './bpe';

/**
 * The Hugging Face tokenizers JSON for a byte-level BPE with a BOS-prepending post-processor
 * (the Llama/GPT-2 family shape that transformers.js loads with AutoTokenizer).
 */
export function tokenizerJson(model: BpeModel): object {
  const idOf = (token: string): number => model.vocab.get(token)!;
  const bos = SPECIAL_TOKENS.bos;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: Object.values(SPECIAL_TOKENS).map((content) => ({
      id: idOf(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: bos, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: bos, type_id: 1 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { [bos]: { id: bos, ids: [idOf(bos)], tokens: [bos] } },
    },
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
      vocab: Object.fromEntries(model.vocab),
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
