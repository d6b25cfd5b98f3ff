import { InputError } from '../shared/errors';
import { bothSettingNames } from '../shared/runSettings';
import type { TextTokenizer } from './backend/modelBackend';
import { promptTokenIds, PromptSet } from './inputs/prompts';

/**
 * How long a generation's sequence (prompt + new tokens) may be, and why: the context setting,
 * or the model's own max_position_embeddings when that is smaller (a model has no positions past
 * it, whatever the setting says).
 */
export interface SequenceLimit {
  tokens: number;
  contextLength: number;
  /** config.json's max_position_embeddings; undefined when config.json does not state it. */
  maxPositions: number | undefined;
  configFile: string;
}

export function sequenceLimit(contextLength: number, maxPositions: number | undefined, configFile: string): SequenceLimit {
  return { tokens: maxPositions !== undefined ? Math.min(contextLength, maxPositions) : contextLength, contextLength, maxPositions, configFile };
}

/**
 * Checked once, before any model loads: every prompt with `maxNewTokens` new tokens fits the limit.
 * It counts the tokens the model is fed: with a chat template, the rendered prompt's.
 * @throws InputError naming the prompt file and line, the limit that applies and where it comes from.
 */
export function checkPromptsFit(prompts: PromptSet, tokenizer: TextTokenizer, maxNewTokens: number, limit: SequenceLimit): void {
  for (const [index, prompt] of prompts.prompts.entries()) {
    const length = promptTokenIds(tokenizer, prompts, prompt).length;
    if (length + maxNewTokens <= limit.tokens) continue;
    const start = `Prompt ${index + 1} is ${length} tokens${prompts.chatTemplated ? ' as the chat template renders it' : ''}; with ${maxNewTokens} new tokens it is longer than`;
    const modelLimits = limit.maxPositions !== undefined && limit.maxPositions < limit.contextLength;
    // The template's tokens count too; feeding the prompt raw is one more way out.
    const raw = prompts.chatTemplated ? ` The chat template adds tokens of its own: off (${bothSettingNames('chatTemplate')}) feeds the prompts raw.` : '';
    if (modelLimits) {
      throw new InputError(
        prompts.file,
        `${start} the model's own limit of ${limit.maxPositions} tokens (max_position_embeddings in ${limit.configFile}); the context setting (${bothSettingNames('contextLength')}) of ${limit.contextLength} is larger, but the model has no positions past ${limit.maxPositions}.`,
        `Shorten the prompt or lower the new tokens (${bothSettingNames('maxNewTokens')}).${raw}`,
        prompt.line,
      );
    }
    const model = limit.maxPositions !== undefined ? `; the model's own max_position_embeddings (${limit.configFile}) is ${limit.maxPositions}` : '';
    throw new InputError(
      prompts.file,
      `${start} the context of ${limit.contextLength} (the context setting, ${bothSettingNames('contextLength')}${model}).`,
      (limit.maxPositions === limit.contextLength
        ? `Shorten the prompt or lower the new tokens (${bothSettingNames('maxNewTokens')}); the model takes no longer context.`
        : `Shorten the prompt, lower the new tokens (${bothSettingNames('maxNewTokens')}), or raise the context${limit.maxPositions !== undefined ? ` (up to ${limit.maxPositions})` : ''}.`) + raw,
      prompt.line,
    );
  }
}
