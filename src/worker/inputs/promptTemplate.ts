import { join } from 'node:path';
import { InputError } from '../../shared/errors';
import type { ChatTemplateMode, ChatTemplateRecord, ModelFileRefs } from '../../shared/report/schema';
import { bothSettingNames } from '../../shared/runSettings';
import type { TextTokenizer } from '../backend/modelBackend';
import type { PromptSet } from './prompts';

/**
 * `--chat-template` for the generation prompts: each line becomes one user message rendered by the
 * tokenizer's own template (the applyChatTemplate task files use, add_generation_prompt included),
 * so a chat model is measured on the input it is served. Performance prompts stay raw corpus tokens.
 * @throws InputError with `on` when the model folder has no chat template.
 */
export function renderPrompts(prompts: PromptSet | null, mode: ChatTemplateMode, tokenizer: TextTokenizer, modelFolder: string, modelFiles: ModelFileRefs): { prompts: PromptSet | null; record: ChatTemplateRecord } {
  const source = tokenizer.chatTemplateSource ?? null;
  const sourceRef = source === 'chat_template.jinja' ? modelFiles.chatTemplate : source === 'tokenizer_config.json' ? modelFiles.tokenizerConfig : null;
  if (mode === 'on' && (!tokenizer.applyChatTemplate || !source)) {
    throw new InputError(
      join(modelFolder, 'tokenizer_config.json'),
      `The chat template is required (${bothSettingNames('chatTemplate')} on), but the model folder ${modelFolder} has none: tokenizer_config.json has no chat_template and there is no chat_template.jinja.`,
      `Use auto or off to feed the prompts raw, or add the model's chat template (the chat_template entry of its tokenizer_config.json, or chat_template.jinja) from the original export.`,
    );
  }
  const apply = mode !== 'off' && prompts !== null && tokenizer.applyChatTemplate !== undefined;
  const record: ChatTemplateRecord = { requested: mode, applied: apply, source, sha256: sourceRef?.sha256 ?? null, performancePrompts: 'raw' };
  if (!apply) return { prompts, record };
  const render = tokenizer.applyChatTemplate!;
  return {
    prompts: { ...prompts, chatTemplated: true, prompts: prompts.prompts.map((p) => ({ ...p, input: render([{ role: 'user', content: p.text }]) })) },
    record,
  };
}
