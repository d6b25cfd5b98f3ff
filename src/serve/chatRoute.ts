import type { ServerResponse } from 'node:http';
import type { GenerationJob } from './generation';
import { badRequest } from './httpErrors';
import { sendJson, SseWriter } from './httpIo';
import { chatLogprob, promptLogprobs } from './logprobShapes';
import { finishTiming, runPrompt } from './promptRunner';
import { RequestFields } from './requestFields';
import type { RequestTiming } from './requestLog';
import { checkLogprobCap, parseSampling, resolveMaxTokens, SamplingPlan } from './samplingPlan';
import { checkIds, checkModel, randomId, rowRequest, ServeContext, usage } from './serveContext';
import { renderChat } from './tokenizeRoutes';

const ENDPOINT = 'POST /v1/chat/completions';

interface ChatPlan extends SamplingPlan {
  prompt: number[];
  /** top_logprobs when logprobs is true, else null. */
  topLogprobs: number | null;
  maxTokensResolved: number;
}

/**
 * POST /v1/chat/completions as vLLM serves it (chat_completion/protocol.py ChatCompletionRequest,
 * ChatCompletionResponse, ChatCompletionStreamResponse — read 2026): the messages rendered by the
 * model's chat template with the generation prompt, tokenized without extra special tokens
 * (add_special_tokens default false: the template brings its own); max_completion_tokens or the
 * deprecated max_tokens (default: what fits in max_model_len); logprobs + top_logprobs in the chat
 * shape; vLLM's prompt_logprobs at the response's top level; the same greedy-only rules and stop
 * handling as /v1/completions. Streamed: a first chunk with the assistant role, one chunk per token,
 * the usage chunk (stream_options.include_usage), data: [DONE].
 */
export async function chatCompletions(ctx: ServeContext, body: unknown, res: ServerResponse, timing: RequestTiming): Promise<void> {
  const plan = parseChat(ctx, RequestFields.of(ENDPOINT, body));
  timing.stream = plan.stream;
  timing.promptTokens = plan.prompt.length;
  const names = plan.returnTokensAsIds ? ctx.names.ids : ctx.names.text;
  const id = randomId('chatcmpl');
  timing.id = id;
  const head = { id, object: plan.stream ? 'chat.completion.chunk' : 'chat.completion', created: Math.floor(Date.now() / 1000), model: ctx.modelName };
  const job = jobOf(ctx, plan);

  if (!plan.stream) {
    const result = await runPrompt(ctx, job, res);
    if (!result) return finishTiming(timing, 'cancelled', performance.now());
    timing.outputTokens = result.steps.length;
    const logprobs = plan.topLogprobs === null ? null : { content: result.steps.map((s) => chatLogprob(s.token, s.row!, names)) };
    const at = sendJson(res, 200, {
      ...head,
      choices: [{ index: 0, message: { role: 'assistant', content: result.text, reasoning: null }, logprobs, finish_reason: result.finish.finishReason, stop_reason: result.finish.stopReason }],
      service_tier: null,
      system_fingerprint: null,
      usage: usage(plan.prompt.length, result.steps.length),
      prompt_logprobs: result.promptRows ? promptLogprobs(result.promptRows, names) : null,
    });
    if (result.steps.length) timing.firstTokenWrittenMs = at;
    return finishTiming(timing, 'ok', at);
  }

  const sse = new SseWriter(res);
  const chunk = (delta: object, logprobs: object | null, finish: { finishReason: string; stopReason: string | number | null } | null): number =>
    sse.send({ ...head, choices: [{ index: 0, delta, logprobs, finish_reason: finish?.finishReason ?? null, stop_reason: finish?.stopReason ?? null }] });
  chunk({ role: 'assistant', content: '' }, null, null);
  let produced = 0;
  const result = await runPrompt(ctx, job, res, {
    onStep: (step) => {
      const at = chunk({ content: step.textDelta }, plan.topLogprobs === null ? null : { content: [chatLogprob(step.token, step.row!, names)] }, step.finish);
      produced++;
      timing.outputTokens = produced;
      timing.firstTokenWrittenMs ??= at;
    },
    onFinishWithoutToken: (finish, textDelta) => void chunk({ content: textDelta }, null, finish),
  });
  if (!result) return finishTiming(timing, 'cancelled', performance.now());
  if (plan.includeUsage) sse.send({ ...head, choices: [], usage: usage(plan.prompt.length, produced) });
  finishTiming(timing, 'ok', sse.done());
}

function parseChat(ctx: ServeContext, f: RequestFields): ChatPlan {
  checkModel(ctx, f);
  const text = renderChat(ctx, f);
  const prompt = ctx.tokenizer.encode(text, f.bool('add_special_tokens', false));
  const maxTokens = f.int('max_completion_tokens', 0) ?? f.int('max_tokens', 0);
  const sampling = parseSampling(f, maxTokens);
  const logprobs = f.bool('logprobs', false);
  const top = f.int('top_logprobs') ?? 0;
  if (top < -1) throw badRequest('`top_logprobs` must be a positive value or -1.', 'top_logprobs');
  if (top !== 0 && !logprobs) throw badRequest('when using `top_logprobs`, `logprobs` must be set to true.', 'top_logprobs');
  const ids = sampling.logprobTokenIds;
  if (ids) {
    if (!logprobs) throw badRequest('when using `logprob_token_ids`, `logprobs` must be set to true.', 'logprob_token_ids');
    checkIds(ctx, ids, 'logprob_token_ids');
  }
  checkIds(ctx, sampling.stopTokenIds, 'stop_token_ids');
  checkLogprobCap(ctx.maxLogprobs, ctx.vocabSize, logprobs && !ids ? top : null, sampling.promptLogprobs);
  return { ...sampling, prompt, topLogprobs: logprobs ? top : null, maxTokensResolved: resolveMaxTokens(maxTokens, prompt.length, ctx.maxModelLen, 'messages') };
}

function jobOf(ctx: ServeContext, plan: ChatPlan): GenerationJob {
  return {
    prompt: plan.prompt,
    maxTokens: plan.maxTokensResolved,
    minTokens: plan.minTokens,
    eosIds: plan.ignoreEos ? [] : ctx.tokenizer.eosTokenIds,
    stopTokenIds: plan.stopTokenIds,
    stop: plan.stop,
    includeStopStr: plan.includeStopStr,
    promptRows: rowRequest(plan.promptLogprobs),
    sampleRows: plan.topLogprobs === null || plan.logprobTokenIds ? null : rowRequest(plan.topLogprobs),
    sampleIds: plan.topLogprobs === null ? null : plan.logprobTokenIds,
  };
}
