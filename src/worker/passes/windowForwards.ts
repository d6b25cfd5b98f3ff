import { EvalWindow, windowTokens } from '../../shared/windows';
import type { ModelBackend, NextTokenScores } from '../backend/modelBackend';

/**
 * Runs every backend on every window, in order, and hands the logits to `visit`. Backends run one
 * after another (never two sessions at once), so each keeps the machine's cores to itself.
 * onnxruntime-node computes on the calling thread, so nothing overlaps a forward pass here: work
 * that should overlap (lockstep scoring) goes to a worker thread.
 */
export async function forEachWindow(
  backends: readonly ModelBackend[],
  tokens: readonly number[],
  windows: readonly EvalWindow[],
  visit: (window: EvalWindow, logits: NextTokenScores[], index: number) => void | Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<boolean> {
  for (const [index, window] of windows.entries()) {
    if (shouldStop()) return false;
    const slice = windowTokens(tokens, window);
    const logits: NextTokenScores[] = [];
    for (const backend of backends) logits.push(await backend.forward(slice));
    await visit(window, logits, index);
  }
  return true;
}

/** Calls `score(position, target)` for each token a window scores; position indexes its logits. */
export function forEachScoredToken(window: EvalWindow, tokens: readonly number[], score: (logitsRow: number, target: number, tokenIndex: number) => void): void {
  for (let i = window.scoreFrom; i < window.end; i++) score(i - 1 - window.start, tokens[i]!, i);
}
