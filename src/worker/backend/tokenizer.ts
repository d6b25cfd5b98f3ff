import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AutoTokenizer, env as transformersEnv } from '@huggingface/transformers';
import { InputError } from '../../shared/errors';
import { readJsonFile } from '../../node/jsonFile';
import type { ChatTemplateSource, TextTokenizer } from './modelBackend';

/** The model folder's tokenizer, loaded by transformers.js from local files only. */
export async function loadTokenizer(modelFolder: string, eosFromConfig: number | number[] | undefined): Promise<TextTokenizer> {
  const file = join(modelFolder, 'tokenizer.json');
  if (!existsSync(file)) {
    throw new InputError(file, 'The model folder has no tokenizer.json.', 'Put the tokenizer files (tokenizer.json, tokenizer_config.json) from the model export next to config.json.');
  }
  transformersEnv.allowRemoteModels = false;
  transformersEnv.allowLocalModels = true;
  transformersEnv.localModelPath = dirname(modelFolder) + '/';
  let tokenizer: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(basename(modelFolder), { local_files_only: true });
  } catch (error) {
    if (error instanceof SyntaxError) placeTokenizerSyntaxError(modelFolder);
    throw error;
  }
  const eosTokenIds = [eosFromConfig ?? (tokenizer as unknown as { eos_token_id?: number }).eos_token_id].flat().filter((id): id is number => typeof id === 'number');
  const chat = tokenizer as unknown as { chat_template?: unknown; apply_chat_template(messages: unknown[], options: object): unknown };
  const template = chatTemplateOf(modelFolder, chat.chat_template);
  return {
    encode: (text, addSpecialTokens) => tokenizer.encode(text, { add_special_tokens: addSpecialTokens }) as number[],
    decode: (tokens) => tokenizer.decode(tokens as number[], { skip_special_tokens: true }),
    eosTokenIds,
    // Task files with use_chat_template and the generation prompts (--chat-template) render through it.
    ...(template
      ? {
          applyChatTemplate: (messages: Array<{ role: string; content: string }>) => String(chat.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true, ...(template.text !== null ? { chat_template: template.text } : {}) })),
          chatTemplateSource: template.source,
        }
      : {}),
  };
}

/**
 * Where the model's chat template is: chat_template.jinja beside the tokenizer (newer exports; it
 * wins, as in Python transformers, and transformers.js's AutoTokenizer does not read it, so its
 * text is passed in), else tokenizer_config.json's chat_template, which transformers.js loaded.
 */
function chatTemplateOf(modelFolder: string, fromConfig: unknown): { source: ChatTemplateSource; text: string | null } | null {
  const jinja = join(modelFolder, 'chat_template.jinja');
  if (existsSync(jinja)) return { source: 'chat_template.jinja', text: readFileSync(jinja, 'utf8') };
  return fromConfig ? { source: 'tokenizer_config.json', text: null } : null;
}

/** The JSON files transformers.js reads for a tokenizer. */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'];

/**
 * transformers.js parses the tokenizer files with JSON.parse and says neither which file nor
 * where. Only after it failed (tokenizer.json can be tens of MB: no second parse on the happy
 * path), our reader finds the file and throws its error at file:line:column.
 */
function placeTokenizerSyntaxError(modelFolder: string): void {
  for (const name of TOKENIZER_FILES) {
    const file = join(modelFolder, name);
    if (existsSync(file)) readJsonFile(file, 'Fix the JSON syntax there (or copy the tokenizer files from the model export again).');
  }
}
