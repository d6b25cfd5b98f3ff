/**
 * How the corpus token stream is cut into model calls. We use Hugging Face's sliding-window scheme
 * (perplexity guide): windows of `contextLength` tokens every `stride` tokens; each window scores
 * only the tokens no earlier window scored, so with stride = contextLength/2 every scored token past
 * the first window has at least contextLength/2 tokens of context. Baseline and variant always run
 * on the same windows.
 */
export interface WindowScheme {
  kind: 'sliding';
  contextLength: number;
  stride: number;
}

export interface EvalWindow {
  /** Token index of the window's first token in the corpus stream. */
  start: number;
  /** One past the window's last token. */
  end: number;
  /** First token index whose prediction this window scores (predicted from position index − 1). */
  scoreFrom: number;
}

export function planWindows(tokenCount: number, scheme: WindowScheme): EvalWindow[] {
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

export function describeWindows(scheme: WindowScheme): string {
  return `sliding windows of ${scheme.contextLength} tokens, stride ${scheme.stride}; each token scored once, by the first window that contains it with its predecessor (Hugging Face perplexity scheme); no BOS inserted per window`;
}
