import { outputHash } from './outputHash';
import type { Annotation, TextRange } from './types';

/**
 * Where an annotation stands on the output as it is now, as a pull-request comment does on a
 * changed file:
 * - current: the text under the range is the text that was annotated (`outputChanged` says whether
 *   the output changed elsewhere);
 * - moved: the output changed and the annotated text is found again elsewhere (the occurrence
 *   nearest the old position); show it at `range`;
 * - outdated: the annotated text is gone; show the annotation as outdated, with its quotedText.
 */
export type AnchorStatus =
  | { state: 'current'; range: TextRange; outputChanged: boolean }
  | { state: 'moved'; range: TextRange; outputChanged: true }
  | { state: 'outdated'; outputChanged: true };

export type AnchorState = AnchorStatus['state'];

/**
 * `currentHash` is outputHash(currentOutput); pass it when checking many annotations of one output.
 * An annotation on an empty range (an empty output, say) is current only while the output is
 * unchanged: there is no text to find again.
 */
export function anchorStatus(annotation: Pick<Annotation, 'range' | 'quotedText' | 'outputHash'>, currentOutput: string, currentHash: string = outputHash(currentOutput)): AnchorStatus {
  const { start, end } = annotation.range;
  if (currentHash === annotation.outputHash && end <= currentOutput.length) return { state: 'current', range: { start, end }, outputChanged: false };
  const quote = annotation.quotedText;
  if (quote === '') return { state: 'outdated', outputChanged: true };
  if (currentOutput.slice(start, end) === quote) return { state: 'current', range: { start, end }, outputChanged: true };
  let best = -1;
  for (let at = currentOutput.indexOf(quote); at >= 0; at = currentOutput.indexOf(quote, at + 1)) {
    if (best < 0 || Math.abs(at - start) < Math.abs(best - start)) best = at;
  }
  return best < 0 ? { state: 'outdated', outputChanged: true } : { state: 'moved', range: { start: best, end: best + quote.length }, outputChanged: true };
}
