/**
 * How the corpus token stream is cut into model calls. We use Hugging Face's sliding-window scheme
 * (perplexity guide): windows of `contextLength` tokens every `stride` tokens; each window scores
 * only the tokens no earlier window scored, so with stride = contextLength/2 every scored token past
 * the first window has at least contextLength/2 tokens of context. Baseline and variant always run
 * on the same windows.
 */
export interface WindowScheme {
  /** 'second-half': llama.cpp's llama-perplexity scheme (see planSecondHalfWindows); stride is then the context length. */
  kind: WindowSchemeKind;
  contextLength: number;
  stride: number;
}

export type WindowSchemeKind = 'sliding' | 'second-half';
export const WINDOW_SCHEMES: readonly WindowSchemeKind[] = ['sliding', 'second-half'];

export interface EvalWindow {
  /** Token index of the window's first token in the corpus stream. */
  start: number;
  /** One past the window's last token. */
  end: number;
  /** First token index whose prediction this window scores (predicted from position index − 1). */
  scoreFrom: number;
  /** Fed in place of tokens[start] (llama-perplexity puts BOS first in every chunk); absent: the corpus token itself. */
  firstToken?: number;
}

/** The tokens a window feeds the model: the corpus slice, its first token replaced where the window says so. */
export function windowTokens(tokens: readonly number[], window: EvalWindow): number[] {
  const slice = tokens.slice(window.start, window.end);
  if (window.firstToken !== undefined && slice.length) slice[0] = window.firstToken;
  return slice;
}

/**
 * `bos`: the id the tokenizer starts a text with (absent when it adds none); the second-half
 * scheme feeds it first in every chunk, as llama-perplexity does when the vocabulary adds BOS.
 */
export function planWindows(tokenCount: number, scheme: WindowScheme, bos?: number): EvalWindow[] {
  if (scheme.kind === 'second-half') return planSecondHalfWindows(tokenCount, scheme.contextLength, bos);
  if (scheme.stride < 1 || scheme.stride > scheme.contextLength) {
    throw new RangeError(`stride ${scheme.stride} must be between 1 and the context length ${scheme.contextLength}`);
  }
  const windows: EvalWindow[] = [];
  let previousEnd = 0;
  for (let start = 0; start < tokenCount; start += scheme.stride) {
    const end = Math.min(start + scheme.contextLength, tokenCount);
    const scoreFrom = Math.max(previousEnd, start + 1);
    if (scoreFrom < end) windows.push({ start, end, scoreFrom });
    previousEnd = end;
    if (end === tokenCount) break;
  }
  return windows;
}

/**
 * llama.cpp's `llama-perplexity` (tools/perplexity/perplexity.cpp, perplexity()): the token stream
 * is cut into ⌊N / n_ctx⌋ non-overlapping chunks of n_ctx tokens (the remainder is dropped); each
 * chunk is evaluated in a fresh context with its first token replaced by BOS (when the tokenizer
 * adds one), and only the second half is scored: with first = ⌊n_ctx / 2⌋, the logits at chunk
 * positions first … n_ctx − 2 predict the tokens at first + 1 … n_ctx − 1, n_ctx − 1 − first tokens
 * per chunk. PPL = exp(mean NLL over every scored token).
 */
export function planSecondHalfWindows(tokenCount: number, contextLength: number, bos?: number): EvalWindow[] {
  const first = Math.floor(contextLength / 2);
  const windows: EvalWindow[] = [];
  for (let chunk = 0; (chunk + 1) * contextLength <= tokenCount; chunk++) {
    const start = chunk * contextLength;
    windows.push({ start, end: start + contextLength, scoreFrom: start + first + 1, ...(bos !== undefined ? { firstToken: bos } : {}) });
  }
  return windows;
}

export function describeWindows(scheme: WindowScheme): string {
  if (scheme.kind === 'second-half') {
    return `llama.cpp's second-half scheme (llama-perplexity): non-overlapping chunks of ${scheme.contextLength} tokens (the remainder dropped), each in a fresh context with BOS in place of its first token, only its last ${scheme.contextLength - 1 - Math.floor(scheme.contextLength / 2)} predictions (the second half) scored`;
  }
  return `sliding windows of ${scheme.contextLength} tokens, stride ${scheme.stride}; each token scored once, by the first window that contains it with its predecessor (Hugging Face perplexity scheme); no BOS inserted per window`;
}
