/**
 * One task on one model, the way lm-evaluation-harness's HF model scores requests:
 * - multiple_choice (`loglikelihood`): Σ log-softmax of each continuation's tokens given the
 *   context, with whole = encode(context + continuation) and the continuation's tokens
 *   whole[len(encode(context)):] (trailing spaces of the context move to the continuation);
 * - generation (`generate_until`): greedy up to max_new_tokens and EOS, cut at the first stop
 *   sequence;
 * - perplexity (`loglikelihood_rolling`): every token of the text scored once, in disjoint rolling
 *   windows of the model's maximum length, after a prefix token (BOS, or EOS without one).
 * Contexts longer than the model's positions are cut from the left, as the harness does.
 */
import { negativeLogLikelihood } from '../../shared/stats/tokenComparison';
import type { TaskUnitResult } from '../../shared/report/schema';
import type { PreparedTask, TaskPrompt } from '../tasks';
import type { ModelBackend, TextTokenizer } from '../backend/modelBackend';
import type { PassProgress } from './corpusPasses';
import { compareWithBaseline, RawTaskOutputs, scoreRaw, summarizeTaskMetric, taskMetrics } from './taskScoring';
import { targetLogprobs } from './partialRows';
import { taskCalibration } from './taskCalibration';
import { CodeRunContext, executeCompletions, generateCompletions } from '../code/codePass';

export interface TaskPassOptions {
  /** The model's max_position_embeddings: longer inputs lose their oldest tokens. */
  maxPositions: number;
  seed: number;
  /** The baseline's result of the same task (absent when this is the baseline). */
  baseline?: TaskUnitResult;
  isBaseline: boolean;
  /** Code tasks: the folders the sandboxed code must not see (execution was allowed at run setup). */
  code?: CodeRunContext;
}

/** Σ log P(token | prefix) for `tokens[from..]`, from one forward pass over at most `maxPositions` tokens. */
export async function sumLogLikelihood(backend: ModelBackend, tokens: readonly number[], from: number, maxPositions: number): Promise<number> {
  const start = Math.max(0, tokens.length - maxPositions);
  if (from - 1 < start) throw new Error(`a continuation of ${tokens.length - from} tokens does not fit the model's ${maxPositions} positions`);
  const input = tokens.slice(start);
  // A top-k server returns each actual token's log-probability (lm-evaluation-harness's
  // local-completions request: echo + logprobs), which is all a log-likelihood needs.
  if (backend.distributions.kind !== 'full') {
    const logprobs = await targetLogprobs(backend, input);
    let sum = 0;
    for (let i = from; i < tokens.length; i++) sum += logprobs.at(i - 1 - start);
    return sum;
  }
  const logits = await backend.forward(input);
  const V = backend.vocabSize;
  let sum = 0;
  for (let i = from; i < tokens.length; i++) sum -= negativeLogLikelihood(logits, (i - 1 - start) * V, V, tokens[i]!).nll;
  return sum;
}

/** The context's and the continuation's tokens, split as lm-evaluation-harness `_encode_pair` does. */
export function encodePair(tokenizer: TextTokenizer, context: string, continuation: string): { context: number[]; continuation: number[] } {
  const spaces = context.length - context.trimEnd().length;
  if (spaces > 0) {
    continuation = context.slice(context.length - spaces) + continuation;
    context = context.slice(0, context.length - spaces);
  }
  let contextIds = tokenizer.encode(context, true);
  let whole = tokenizer.encode(context + continuation, true);
  if (contextIds.length === 0) {
    // Nothing to condition on: the harness conditions on its end-of-text token.
    const prefix = tokenizer.eosTokenIds.slice(0, 1);
    contextIds = prefix;
    whole = [...prefix, ...whole];
  }
  return { context: contextIds, continuation: whole.slice(contextIds.length) };
}

/** The log-likelihood of each continuation given the context. */
export async function choiceLogLikelihoods(backend: ModelBackend, tokenizer: TextTokenizer, context: string, continuations: readonly string[], maxPositions: number): Promise<number[]> {
  const out: number[] = [];
  for (const continuation of continuations) {
    const pair = encodePair(tokenizer, context, continuation);
    out.push(pair.continuation.length ? await sumLogLikelihood(backend, [...pair.context, ...pair.continuation], pair.context.length, maxPositions) : 0);
  }
  return out;
}

/** Rolling log-likelihood of a text: every token scored once, each with as much context as fits. */
export async function rollingLogLikelihood(backend: ModelBackend, tokenizer: TextTokenizer, text: string, maxPositions: number): Promise<{ logLikelihood: number; tokens: number }> {
  const plain = tokenizer.encode(text, false);
  const withSpecial = tokenizer.encode(text, true);
  const prefix = withSpecial.length > plain.length ? withSpecial.slice(0, withSpecial.length - plain.length) : tokenizer.eosTokenIds.slice(0, 1);
  const sequence = [...prefix, ...plain];
  let logLikelihood = 0;
  for (let begin = prefix.length; begin < sequence.length; ) {
    const end = Math.min(sequence.length, begin - 1 + maxPositions);
    const start = end - Math.min(end, maxPositions);
    logLikelihood += await sumLogLikelihood(backend, sequence.slice(start, end), begin - start, maxPositions);
    begin = end;
  }
  return { logLikelihood, tokens: plain.length };
}

/** The generated text up to (not including) the first stop sequence. */
export function cutAtStop(text: string, stop: readonly string[]): string {
  let end = text.length;
  for (const s of stop) {
    const at = text.indexOf(s);
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}

async function generate(backend: ModelBackend, tokenizer: TextTokenizer, prompt: Extract<TaskPrompt, { kind: 'generation' }>, maxPositions: number, shouldStop: () => boolean): Promise<string | null> {
  const maxNewTokens = Math.min(prompt.maxNewTokens, maxPositions - 1);
  let ids = tokenizer.encode(prompt.prompt, true);
  if (ids.length + maxNewTokens > maxPositions) ids = ids.slice(ids.length + maxNewTokens - maxPositions);
  const generated = await backend.generateGreedy(ids, { maxNewTokens, stopOnEos: true, shouldStop });
  if (generated.stoppedBy === 'cancelled') return null;
  return cutAtStop(tokenizer.decode(generated.tokens), prompt.stop);
}

/** Runs one task on one model; null when cancelled. */
export async function runTaskPass(
  backend: ModelBackend,
  tokenizer: TextTokenizer,
  prepared: PreparedTask,
  options: TaskPassOptions,
  progress: PassProgress,
  shouldStop: () => boolean,
): Promise<TaskUnitResult | null> {
  const { task, prompts } = prepared;
  const raw: RawTaskOutputs = { itemKeys: prompts.map((p) => p.key) };
  for (const [index, prompt] of prompts.entries()) {
    if (shouldStop()) return null;
    if (prompt.kind === 'multiple_choice') {
      (raw.choiceLogLikelihoods ??= []).push(await choiceLogLikelihoods(backend, tokenizer, prompt.context, prompt.continuations, options.maxPositions));
    } else if (prompt.kind === 'generation') {
      const prediction = await generate(backend, tokenizer, prompt, options.maxPositions, shouldStop);
      if (prediction === null) return null;
      (raw.predictions ??= []).push(prediction);
    } else if (prompt.kind === 'code') {
      const completions = await generateCompletions(backend, tokenizer, prompt, task.code!, options.maxPositions, shouldStop);
      if (completions === null) return null;
      (raw.codeSamples ??= []).push(await executeCompletions(prompt, completions, task.code!, options.code ?? { hidden: [] }));
      (raw.predictions ??= []).push(completions[0]?.completion ?? '');
      (raw.codeProblems ??= []).push({ taskId: prompt.problem.taskId, language: prompt.problem.language, prompt: prompt.prompt });
    } else {
      const rolled = await rollingLogLikelihood(backend, tokenizer, prompt.text, options.maxPositions);
      (raw.logLikelihoods ??= []).push(rolled.logLikelihood);
      (raw.tokenCounts ??= []).push(rolled.tokens);
    }
    progress(index + 1, prompts.length);
  }
  const result: TaskUnitResult = {
    kind: 'task',
    variantId: backend.variantId,
    task: task.name,
    taskType: task.type,
    taskFile: task.file,
    executionProvider: backend.executionProvider,
    ...raw,
    metrics: taskMetrics(task).map((metric) => summarizeTaskMetric(metric, scoreRaw(metric, prompts, raw), options.seed)),
  };
  if (!options.isBaseline) Object.assign(result, compareWithBaseline(task, prompts, raw, options.baseline, options.seed));
  if (prepared.perturbation) result.perturbation = prepared.perturbation;
  const calibration = taskCalibration(prompts, raw);
  if (calibration) result.calibration = calibration;
  return result;
}
