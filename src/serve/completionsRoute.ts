import type { ServerResponse } from 'node:http';
import type { GenerationJob } from './generation';
import { badRequest } from './httpErrors';
import { sendJson, SseWriter } from './httpIo';
import { LegacyPosition, legacyLogprobs, promptLogprobs, TokenNames } from './logprobShapes';
import { finishTiming, PromptResult, runPrompt } from './promptRunner';
import type { ScoredRows } from './protocol';
import { RequestFields } from './requestFields';
import type { RequestTiming } from './requestLog';
import { checkLogprobCap, parseSampling, resolveMaxTokens, SamplingPlan } from './samplingPlan';
import { checkIds, checkModel, randomId, rowRequest, ServeContext, usage } from './serveContext';

const ENDPOINT = 'POST /v1/completions';

/** A completion request after validation: what each prompt runs with. */
interface CompletionPlan extends SamplingPlan {
  prompts: Array<{ text: string; tokens: number[] }>;
  echo: boolean;
  logprobs: number | null;
  /** K of the prompt rows (prompt_logprobs, or logprobs when echoing), or null. */
  promptK: number | null;
  maxTokensResolved: number[];
}

/**
 * POST /v1/completions as vLLM serves it (completion/protocol.py CompletionRequest,
 * completion/serving.py — read 2026): prompt as a string, a list of strings, token ids or lists
 * of token ids (one choice each, in order); max_tokens (default 16); echo; logprobs K in the
 * legacy shape; vLLM's prompt_logprobs, return_tokens_as_token_ids, logprob_token_ids (ids whose
 * logprobs replace the top-k at each GENERATED position; vLLM has no such list for prompt rows in
 * its OpenAI API), ignore_eos, min_tokens, stop, stop_token_ids; echo with logprobs implies
 * prompt_logprobs = logprobs, so choices then carry prompt_logprobs too (as vLLM's do).
 */
export async function completions(ctx: ServeContext, body: unknown, res: ServerResponse, timing: RequestTiming): Promise<void> {
  const plan = parseCompletion(ctx, RequestFields.of(ENDPOINT, body));
  timing.stream = plan.stream;
  timing.promptTokens = plan.prompts.reduce((n, p) => n + p.tokens.length, 0);
  const names = plan.returnTokensAsIds ? ctx.names.ids : ctx.names.text;
  const id = randomId('cmpl');
  timing.id = id;
  const created = Math.floor(Date.now() / 1000);
  const head = { id, object: 'text_completion', created, model: ctx.modelName };
  if (plan.stream) return streamCompletion(ctx, plan, res, timing, head, names);

  const choices = [];
  let completionTokens = 0;
  for (let i = 0; i < plan.prompts.length; i++) {
    const result = await runPrompt(ctx, jobOf(ctx, plan, i), res);
    if (!result) return finishTiming(timing, 'cancelled', performance.now());
    completionTokens += result.steps.length;
    timing.outputTokens = completionTokens;
    choices.push(choiceOf(plan, i, result, names));
  }
  const at = sendJson(res, 200, { ...head, choices, service_tier: null, system_fingerprint: null, usage: usage(timing.promptTokens, completionTokens) });
  if (completionTokens > 0) timing.firstTokenWrittenMs = at;
  finishTiming(timing, 'ok', at);
}

function parseCompletion(ctx: ServeContext, f: RequestFields): CompletionPlan {
  checkModel(ctx, f);
  const prompts = parsePrompts(ctx, f);
  const maxTokens = f.int('max_tokens', 0) ?? 16;
  const sampling = parseSampling(f, maxTokens);
  const echo = f.bool('echo', false);
  const logprobs = f.int('logprobs');
  if (logprobs !== null && logprobs < 0 && logprobs !== -1) throw badRequest('`logprobs` must be a positive value or -1.', 'logprobs');
  const ids = sampling.logprobTokenIds;
  if (ids) {
    if (echo && maxTokens === 0) throw badRequest('`logprob_token_ids` is not supported when `echo=True` and `max_tokens=0` because no output tokens are generated.', 'logprob_token_ids');
    if (logprobs === null) throw badRequest('when using `logprob_token_ids`, `logprobs` must be set.', 'logprob_token_ids');
    checkIds(ctx, ids, 'logprob_token_ids');
    if (logprobs !== ids.length) throw badRequest(`When both logprobs and logprob_token_ids are set, logprobs must equal len(logprob_token_ids). Got logprobs=${logprobs}, len(logprob_token_ids)=${ids.length}.`, 'logprob_token_ids');
  }
  checkIds(ctx, sampling.stopTokenIds, 'stop_token_ids');
  const promptK = sampling.promptLogprobs ?? (echo && logprobs !== null ? logprobs : null);
  checkLogprobCap(ctx.maxLogprobs, ctx.vocabSize, ids ? null : logprobs, promptK);
  const maxTokensResolved = prompts.map((p) => resolveMaxTokens(maxTokens, p.tokens.length, ctx.maxModelLen, 'prompt'));
  return { ...sampling, prompts, echo, logprobs, promptK, maxTokensResolved };
}

/** vLLM's prompt forms: str | list[str] | list[int] | list[list[int]]. */
function parsePrompts(ctx: ServeContext, f: RequestFields): Array<{ text: string; tokens: number[] }> {
  const prompt = f.raw('prompt');
  const addSpecial = f.bool('add_special_tokens', true);
  const empty = (): Error => badRequest('Either prompt or prompt_embeds must be provided and non-empty.', 'prompt');
  const ofText = (text: string): { text: string; tokens: number[] } => {
    if (text === '') throw empty();
    return { text, tokens: ctx.tokenizer.encode(text, addSpecial) };
  };
  const ofIds = (ids: unknown[]): { text: string; tokens: number[] } => {
    if (ids.length === 0) throw empty();
    if (!ids.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) throw f.wrong('prompt', 'a string, a list of strings, a list of token ids (integers ≥ 0) or a list of such lists', ids);
    checkIds(ctx, ids as number[], 'prompt');
    return { text: ctx.tokenizer.decode(ids as number[]), tokens: ids as number[] };
  };
  if (prompt === undefined || prompt === null) throw empty();
  if (typeof prompt === 'string') return [ofText(prompt)];
  if (!Array.isArray(prompt) || prompt.length === 0) throw Array.isArray(prompt) ? empty() : f.wrong('prompt', 'a string, a list of strings, a list of token ids or a list of such lists', prompt);
  if (prompt.every((p) => typeof p === 'string')) return prompt.map((p: string) => ofText(p));
  if (prompt.every((p) => Array.isArray(p))) return prompt.map((p: unknown[]) => ofIds(p));
  return [ofIds(prompt)];
}

function jobOf(ctx: ServeContext, plan: CompletionPlan, i: number): GenerationJob {
  return {
    prompt: plan.prompts[i]!.tokens,
    maxTokens: plan.maxTokensResolved[i]!,
    minTokens: plan.minTokens,
    eosIds: plan.ignoreEos ? [] : ctx.tokenizer.eosTokenIds,
    stopTokenIds: plan.stopTokenIds,
    stop: plan.stop,
    includeStopStr: plan.includeStopStr,
    promptRows: rowRequest(plan.promptK),
    sampleRows: plan.logprobTokenIds ? null : rowRequest(plan.logprobs),
    sampleIds: plan.logprobTokenIds,
  };
}

/** The echoed prompt's positions: the first without a row, then row i − 1 for token i. */
function promptPositions(tokens: readonly number[], rows: ScoredRows | null): LegacyPosition[] {
  return tokens.map((token, i) => ({ token, rows: i === 0 ? null : rows, row: i - 1 }));
}

function choiceOf(plan: CompletionPlan, index: number, result: PromptResult, names: TokenNames): object {
  const prompt = plan.prompts[index]!;
  let logprobs = null;
  if (plan.logprobs !== null) {
    const positions = [
      ...(plan.echo ? promptPositions(prompt.tokens, result.promptRows) : []),
      ...result.steps.map((s) => ({ token: s.token, rows: s.row, row: 0 })),
    ];
    logprobs = legacyLogprobs(positions, names, plan.logprobs, plan.logprobTokenIds !== null, 0);
  }
  return {
    index,
    text: (plan.echo ? prompt.text : '') + result.text,
    logprobs,
    finish_reason: result.finish.finishReason,
    stop_reason: result.finish.stopReason,
    prompt_logprobs: result.promptRows ? promptLogprobs(result.promptRows, names) : null,
  };
}

/**
 * Streamed: one chunk per generated token (its text delta, possibly empty while a stop string or a
 * split character is held back, and its logprobs), the last carrying finish_reason; with echo the
 * first chunk also carries the prompt. Then the usage chunk (stream_options.include_usage) and
 * `data: [DONE]`.
 */
async function streamCompletion(ctx: ServeContext, plan: CompletionPlan, res: ServerResponse, timing: RequestTiming, head: object, names: TokenNames): Promise<void> {
  const sse = new SseWriter(res);
  let completionTokens = 0;
  for (let i = 0; i < plan.prompts.length; i++) {
    const prompt = plan.prompts[i]!;
    let echoed = !plan.echo;
    let offset = 0;
    const chunk = (text: string, positions: LegacyPosition[], finish: { finishReason: string; stopReason: string | number | null } | null): number => {
      const logprobs = plan.logprobs === null ? null : legacyLogprobs(positions, names, plan.logprobs, plan.logprobTokenIds !== null, offset);
      if (logprobs) offset = logprobs.text_offset.length ? logprobs.text_offset.at(-1)! + logprobs.tokens.at(-1)!.length : offset;
      return sse.send({ ...head, choices: [{ index: i, text, logprobs, finish_reason: finish?.finishReason ?? null, stop_reason: finish?.stopReason ?? null }] });
    };
    const echo = (rows: ScoredRows | null): { text: string; positions: LegacyPosition[] } => {
      if (echoed) return { text: '', positions: [] };
      echoed = true;
      return { text: prompt.text, positions: promptPositions(prompt.tokens, rows) };
    };
    const result = await runPrompt(ctx, jobOf(ctx, plan, i), res, {
      onStep: (step, rows) => {
        const e = echo(rows);
        const at = chunk(e.text + step.textDelta, [...e.positions, { token: step.token, rows: step.row, row: 0 }], step.finish);
        completionTokens++;
        timing.outputTokens = completionTokens;
        timing.firstTokenWrittenMs ??= at;
      },
      onFinishWithoutToken: (finish, textDelta, rows) => {
        const e = echo(rows);
        chunk(e.text + textDelta, e.positions, finish);
      },
    });
    if (!result) return finishTiming(timing, 'cancelled', performance.now());
  }
  if (plan.includeUsage) sse.send({ ...head, choices: [], usage: usage(timing.promptTokens, completionTokens) });
  finishTiming(timing, 'ok', sse.done());
}
