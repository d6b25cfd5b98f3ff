import type { EvalWindow } from '../../shared/windows';
import type { ModelBackend } from '../backend/modelBackend';

/**
 * Runs every backend on every window, in order, and hands the logits to `visit`. The next window's
 * forward passes are started before `visit` scores the current one, so the scoring arithmetic in
 * JavaScript overlaps onnxruntime's native work instead of adding to it. Backends run one after
 * another (never two sessions at once), so each keeps the machine's cores to itself.
 */
export async function forEachWindow(
  backends: readonly ModelBackend[],
  tokens: readonly number[],
  windows: readonly EvalWindow[],
  visit: (window: EvalWindow, logits: Float32Array[], index: number) => void | Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<boolean> {
  const runWindow = async (window: EvalWindow): Promise<Float32Array[]> => {
    const slice = tokens.slice(window.start, window.end);
    const out: Float32Array[] = [];
    for (const backend of backends) out.push(await backend.forward(slice));
    return out;
  };
  let pending = windows.length ? runWindow(windows[0]!) : undefined;
  for (let i = 0; i < windows.length; i++) {
    const logits = await pending!;
    if (shouldStop()) return false;
    pending = i + 1 < windows.length ? runWindow(windows[i + 1]!) : undefined;
    await visit(windows[i]!, logits, i);
  }
  return true;
}

/** Tokens scored between yields to the event loop. */
const SCORING_CHUNK = 32;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Calls `score(position, target)` for each token a window scores; position indexes its logits.
 * Yields to the event loop every few tokens so the next window's chained forward passes (base,
 * then variant) can be dispatched to onnxruntime while scoring goes on.
 */
export async function forEachScoredToken(window: EvalWindow, tokens: readonly number[], score: (logitsRow: number, target: number, tokenIndex: number) => void): Promise<void> {
  for (let i = window.scoreFrom; i < window.end; i++) {
    score(i - 1 - window.start, tokens[i]!, i);
    if ((i - window.scoreFrom) % SCORING_CHUNK === SCORING_CHUNK - 1) await yieldToEventLoop();
  }
}
