import { FamilyFolder } from './familyFolder';
import { GgufValue } from './ggufFile';

/** llama_token_type: NORMAL = 1, CONTROL = 3 (what convert_hf_to_gguf gives special added tokens). */
const TOKEN_NORMAL = 1;
const TOKEN_CONTROL = 3;

/**
 * The byte-level BPE of tokenizer.json as llama.cpp's "gpt2" vocabulary. `tokenizer.ggml.pre` is
 * "gpt-2": llama.cpp splits it with unicode_regex_split_custom_gpt2, whose pattern
 * `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` is exactly the
 * ByteLevel pre-tokenizer's (use_regex: true) that the fixture tokenizer.json declares.
 */
export function tokenizerMetadata(family: FamilyFolder): Array<[string, GgufValue]> {
  const { vocab, merges, added } = family.tokenizer;
  const tokens: string[] = [];
  for (const [token, id] of Object.entries(vocab)) tokens[id] = token;
  for (let i = 0; i < tokens.length; i++) if (tokens[i] === undefined) throw new Error(`tokenizer.json of ${family.name}: no token has id ${i}`);
  const control = new Set(added.filter((t) => t.special).map((t) => t.id));
  const c = family.config;
  const entries: Array<[string, GgufValue]> = [
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: 'string', value: 'gpt-2' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: tokens }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: tokens.map((_, id) => (control.has(id) ? TOKEN_CONTROL : TOKEN_NORMAL)) }],
    ['tokenizer.ggml.merges', { type: 'string[]', value: merges.map((m) => (Array.isArray(m) ? `${m[0]} ${m[1]}` : m)) }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: c.bos_token_id }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: c.eos_token_id }],
  ];
  if (c.pad_token_id !== undefined) entries.push(['tokenizer.ggml.padding_token_id', { type: 'u32', value: c.pad_token_id }]);
  entries.push(['tokenizer.ggml.add_bos_token', { type: 'bool', value: family.addBosToken }]);
  entries.push(['tokenizer.ggml.add_eos_token', { type: 'bool', value: family.addEosToken }]);
  return entries;
}
