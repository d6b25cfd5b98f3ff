import { InputError } from '../../shared/errors';

export interface PromptSet {
  file: string;
  prompts: Array<{ text: string; line: number }>;
}

/** One prompt per non-empty line; lines starting with # are comments. */
export function parsePromptFile(file: string, text: string): PromptSet {
  const prompts = text
    .split(/\r?\n/)
    .map((line, index) => ({ text: line.trim(), line: index + 1 }))
    .filter((p) => p.text.length > 0 && !p.text.startsWith('#'));
  if (prompts.length === 0) throw new InputError(file, 'The prompt file has no prompts.', 'Write one prompt per line (lines starting with # are ignored).');
  return { file, prompts };
}
