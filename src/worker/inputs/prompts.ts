import { InputError } from '../../shared/errors';
import type { TextTokenizer } from '../backend/modelBackend';

export interface PromptSet {
  file: string;
  /** `text` is the line as written; `input` what the model is fed (the chat template's rendering of it, or the text itself). */
  prompts: Array<{ text: string; line: number; input: string }>;
  /** Whether `input` is a chat template's rendering (src/worker/inputs/promptTemplate.ts). */
  chatTemplated: boolean;
}

/** One prompt per non-empty line; lines starting with # are comments. Fed raw until a chat template renders them. */
export function parsePromptFile(file: string, text: string): PromptSet {
  const prompts = text
    .split(/\r?\n/)
    .map((line, index) => ({ text: line.trim(), line: index + 1 }))
    .filter((p) => p.text.length > 0 && !p.text.startsWith('#'))
    .map((p) => ({ ...p, input: p.text }));
  if (prompts.length === 0) throw new InputError(file, 'The prompt file has no prompts.', 'Write one prompt per line (lines starting with # are ignored).');
  return { file, prompts, chatTemplated: false };
}

/**
 * The token ids a prompt is fed as. A rendered template carries its own special tokens (a BOS the
 * template wants is in it), so it is tokenized without adding more, as transformers.js's
 * text-generation pipeline does for chat input; a raw prompt gets the tokenizer's BOS.
 */
export function promptTokenIds(tokenizer: TextTokenizer, promptSet: PromptSet, prompt: PromptSet['prompts'][number]): number[] {
  return tokenizer.encode(prompt.input, !promptSet.chatTemplated);
}
