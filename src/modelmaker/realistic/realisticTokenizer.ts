import { BpeModel, trainBpe } from '../bpe';
import { BYTE_TO_CHAR } from '../byteLevel';
import { byteLevelTokenizerJson, gpt2Conventions, TokenizerConventions } from '../tokenizerFiles';
import { RealisticShape } from './realisticShapes';

/** Merges learned from the shipped corpus before the filler (it is small: fewer are found). */
const TRAINED_MERGES = 4000;

/** Qwen2's pre-tokenizer split (digits one by one, letters with one leading non-letter). */
const QWEN2_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/**
 * A byte-level BPE of the real model's size: merges trained on the shipped corpus, then
 * deterministic filler merges (every existing token extended by one byte symbol, in order) up to
 * `bpeVocabSize`, then the trailing specials. Real tokenizers are far better trained; what this
 * reproduces is the size of the vocabulary and merge list and the special-token ids.
 */
export function realisticBpe(shape: RealisticShape, documents: readonly string[]): BpeModel {
  const room = shape.bpeVocabSize - shape.leadingSpecials.length - 256;
  if (room < 0) throw new Error(`${shape.name}: a BPE vocabulary of ${shape.bpeVocabSize} cannot hold the ${shape.leadingSpecials.length} specials and 256 byte symbols`);
  const model = trainBpe(documents, Math.min(TRAINED_MERGES, room), shape.leadingSpecials.map((t) => t.content));
  if (model.vocab.size > shape.bpeVocabSize) throw new Error(`${shape.name}: the trained BPE already has ${model.vocab.size} tokens, over ${shape.bpeVocabSize}`);
  const symbols = [...BYTE_TO_CHAR].sort();
  let frontier = [...symbols];
  while (model.vocab.size < shape.bpeVocabSize) {
    const next: string[] = [];
    for (const left of frontier) {
      for (const right of symbols) {
        if (model.vocab.size >= shape.bpeVocabSize) break;
        const token = left + right;
        if (model.vocab.has(token)) continue;
        model.merges.push([left, right]);
        model.vocab.set(token, model.vocab.size);
        next.push(token);
      }
    }
    frontier = next;
  }
  for (const { content } of shape.trailingSpecials) model.vocab.set(content, model.vocab.size);
  return model;
}

function conventions(shape: RealisticShape): TokenizerConventions {
  const addedTokens = [...shape.leadingSpecials, ...shape.trailingSpecials];
  if (shape.tokenizer === 'gpt2') return gpt2Conventions(addedTokens);
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
  return {
    addedTokens,
    normalizer: { type: 'NFC' },
    preTokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: QWEN2_SPLIT }, behavior: 'Isolated', invert: false }, byteLevel] },
    postProcessor: byteLevel,
  };
}

export function realisticTokenizerJson(shape: RealisticShape, model: BpeModel): object {
  // Trailing specials (Qwen2's) are added tokens only, outside the BPE model's vocabulary, as in the real file.
  const trailing = new Set(shape.trailingSpecials.map((t) => t.content));
  const bpeVocab = new Map([...model.vocab].filter(([token]) => !trailing.has(token)));
  return byteLevelTokenizerJson(model, conventions(shape), bpeVocab);
}

const SMOLLM2_CHAT_TEMPLATE =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\\n' }}{% endif %}" +
  "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

// Qwen2.5's template without its tool-calling branches.
const QWEN2_CHAT_TEMPLATE =
  "{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}" +
  "{%- else %}{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}{%- endif %}" +
  "{%- for message in messages %}{%- if not (message.role == 'system' and loop.first) %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}{%- endif %}{%- endfor %}" +
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

export function realisticTokenizerConfigJson(shape: RealisticShape, model: BpeModel): object {
  const added = [...shape.leadingSpecials, ...shape.trailingSpecials];
  return {
    add_prefix_space: false,
    added_tokens_decoder: Object.fromEntries(
      added.map((t) => [String(model.vocab.get(t.content)), { content: t.content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: t.special }]),
    ),
    additional_special_tokens: added.filter((t) => t.special && t.content.startsWith('<|im_')).map((t) => t.content),
    bos_token: shape.bos,
    chat_template: shape.tokenizer === 'qwen2' ? QWEN2_CHAT_TEMPLATE : SMOLLM2_CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: shape.eos,
    errors: 'replace',
    model_max_length: shape.contextLength,
    pad_token: shape.pad,
    split_special_tokens: false,
    tokenizer_class: shape.tokenizer === 'qwen2' ? 'Qwen2Tokenizer' : 'GPT2Tokenizer',
    unk_token: shape.tokenizer === 'qwen2' ? null : shape.eos,
  };
}
