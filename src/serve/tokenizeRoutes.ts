import { badRequest } from './httpErrors';
import { RequestFields } from './requestFields';
import { checkIds, checkModel, ServeContext } from './serveContext';

/**
 * POST /tokenize in both dialects a client may speak (read 2026):
 * - vLLM (vllm/entrypoints/serve/tokenize, TokenizeCompletionRequest): {prompt, add_special_tokens
 *   (default true), return_token_strs} → {count, max_model_len, tokens, token_strs}; the chat form
 *   {messages, add_generation_prompt} renders the chat template first (add_special_tokens default false).
 * - llama.cpp server (tools/server/README.md): {content, add_special (default false), with_pieces}
 *   → {tokens} (with_pieces: [{id, piece}]).
 * The ids are the local tokenizer's, so a client's tokenizer-agreement check sees exactly what
 * the model is fed.
 */
export function tokenize(ctx: ServeContext, body: unknown): object {
  const f = RequestFields.of('POST /tokenize', body);
  checkModel(ctx, f);
  const content = f.string('content');
  if (content !== null) {
    const tokens = ctx.tokenizer.encode(content, f.bool('add_special', false));
    const withPieces = f.bool('with_pieces', false);
    return { tokens: withPieces ? tokens.map((id) => ({ id, piece: ctx.names.text.text(id) })) : tokens, count: tokens.length, max_model_len: ctx.maxModelLen };
  }
  let text = f.string('prompt');
  let addSpecialDefault = true;
  if (text === null && f.has('messages')) {
    text = renderChat(ctx, f);
    addSpecialDefault = false;
  }
  if (text === null) throw badRequest('POST /tokenize: send `prompt` (vLLM), `messages` (vLLM chat form) or `content` (llama.cpp).', 'prompt');
  const tokens = ctx.tokenizer.encode(text, f.bool('add_special_tokens', addSpecialDefault));
  return {
    count: tokens.length,
    max_model_len: ctx.maxModelLen,
    tokens,
    token_strs: f.bool('return_token_strs', false) ? tokens.map((id) => ctx.names.text.text(id)) : null,
  };
}

/** POST /detokenize: {tokens} → vLLM's {prompt} and llama.cpp's {content} (the same text). */
export function detokenize(ctx: ServeContext, body: unknown): object {
  const f = RequestFields.of('POST /detokenize', body);
  checkModel(ctx, f);
  const tokens = f.ids('tokens');
  if (tokens === null) throw badRequest('POST /detokenize: send `tokens`, a list of token ids.', 'tokens');
  checkIds(ctx, tokens, 'tokens');
  const text = ctx.tokenizer.decode(tokens);
  return { prompt: text, content: text };
}

/** The chat template applied to `messages` (with the generation prompt), or a 400 when the model has none. */
export function renderChat(ctx: ServeContext, f: RequestFields): string {
  const apply = ctx.tokenizer.applyChatTemplate;
  if (!apply) {
    throw badRequest(
      `${f.endpoint}: this model has no chat template (its tokenizer_config.json has no chat_template and there is no chat_template.jinja beside it). Use /v1/completions with the prompt as text, or add the model's chat template from its original export.`,
      'messages',
    );
  }
  if (f.has('add_generation_prompt') && !f.bool('add_generation_prompt', true)) throw badRequest(`${f.endpoint}: \`add_generation_prompt\` false is not supported: quantlens serve renders the template with the generation prompt.`, 'add_generation_prompt');
  if (f.bool('continue_final_message', false)) throw badRequest(`${f.endpoint}: \`continue_final_message\` is not supported by quantlens serve.`, 'continue_final_message');
  return apply(parseMessages(f));
}

type Role = 'system' | 'user' | 'assistant';

function parseMessages(f: RequestFields): Array<{ role: Role; content: string }> {
  const messages = f.raw('messages');
  if (!Array.isArray(messages) || messages.length === 0) throw f.wrong('messages', 'a non-empty list of {role, content}', messages);
  return messages.map((m: unknown, i) => {
    const { role, content } = (m ?? {}) as { role?: unknown; content?: unknown };
    if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'developer') throw badRequest(`${f.endpoint}: messages[${i}].role must be system, developer, user or assistant (got ${JSON.stringify(role)}).`, 'messages');
    return { role: role === 'developer' ? 'system' : role, content: messageText(f, content, i) };
  });
}

/** A message's content: a string, or text parts [{type: "text", text}] joined (what vLLM accepts for text-only models). */
function messageText(f: RequestFields, content: unknown, i: number): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content) && content.every((p) => typeof p === 'object' && p !== null && (p as { type?: unknown }).type === 'text' && typeof (p as { text?: unknown }).text === 'string')) {
    return content.map((p: { text: string }) => p.text).join('\n');
  }
  throw badRequest(`${f.endpoint}: messages[${i}].content must be a string or a list of text parts [{"type": "text", "text": "…"}] (this model takes text only).`, 'messages');
}
