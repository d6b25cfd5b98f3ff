import { diffWordsWithSpace } from 'diff';

/** One run of a word-level diff: text shared by both sides, or only on one. */
export interface DiffPart {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/**
 * Word-level diff of two outputs with jsdiff (whitespace kept, so both sides can be rebuilt
 * exactly). jsdiff gives up past `maxEditLength` edits or after `timeoutMs`, and returns nothing;
 * then the outputs are shown as one removed and one added block. The edit cap alone does not bound
 * the time: two unrelated 10,000-character outputs took ~1.4 s to reach 2,000 edits, so the time
 * limit is what keeps such a sample from freezing the panel.
 */
export function wordDiff(before: string, after: string, maxEditLength = 2000, timeoutMs = 100): DiffPart[] {
  const changes = diffWordsWithSpace(before, after, { maxEditLength, timeout: timeoutMs });
  if (!changes) {
    return [
      ...(before ? [{ kind: 'removed' as const, text: before }] : []),
      ...(after ? [{ kind: 'added' as const, text: after }] : []),
    ];
  }
  return changes.filter((c) => c.value).map((c) => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
}

/** The text of one side of a diff, rebuilt from its parts. */
export function sideText(parts: readonly DiffPart[], side: 'before' | 'after'): string {
  return parts.filter((p) => p.kind === 'same' || p.kind === (side === 'before' ? 'removed' : 'added')).map((p) => p.text).join('');
}
