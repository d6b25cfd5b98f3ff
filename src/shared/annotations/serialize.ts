import { normalizeAnnotationsFile } from './order';
import type { Annotation, AnnotationReply, AnnotationsFile, DismissedFlag } from './types';

/**
 * The annotations file as it is written: 2-space JSON with a final newline, lists in canonical order
 * and every object's keys in a fixed order (fields this version does not know, kept from a newer
 * writer or a hand edit, follow in alphabetical order). The same file always gives the same text,
 * so diffs of a versioned `.quantlens/annotations.json` show only what changed.
 */
export function serializeAnnotationsFile(file: AnnotationsFile): string {
  const sorted = normalizeAnnotationsFile(file);
  const value = ordered(sorted, ['schemaVersion', 'annotations', 'dismissedFlags'], {
    annotations: sorted.annotations.map(orderAnnotation),
    dismissedFlags: sorted.dismissedFlags.map((d: DismissedFlag) => ordered(d, ['modelFolder', 'variantId', 'sampleKey', 'flag'])),
  });
  return JSON.stringify(value, null, 2) + '\n';
}

const ANNOTATION_KEYS = ['id', 'modelFolder', 'variantId', 'sampleKey', 'range', 'quotedText', 'outputHash', 'category', 'note', 'status', 'author', 'createdAt', 'updatedAt', 'origin', 'replies'];

function orderAnnotation(a: Annotation): Record<string, unknown> {
  return ordered(a, ANNOTATION_KEYS, {
    range: ordered(a.range, ['start', 'end']),
    origin: typeof a.origin === 'string' ? a.origin : ordered(a.origin, ['flag']),
    replies: a.replies.map((r: AnnotationReply) => ordered(r, ['id', 'author', 'body', 'createdAt', 'updatedAt'])),
  });
}

/** `value`'s own keys: `first` in that order (those present), then the rest sorted; `replace` overrides values. */
function ordered(value: object, first: readonly string[], replace: Record<string, unknown> = {}): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const rest = Object.keys(source).filter((k) => !first.includes(k)).sort();
  for (const key of [...first, ...rest]) {
    if (!(key in source) || source[key] === undefined) continue;
    out[key] = key in replace ? replace[key] : source[key];
  }
  return out;
}
