import type { FlagKindName } from './types';

/** A failure category of the taxonomy annotations are filed under. */
export interface FailureCategory {
  /** Stored in annotations.json; never renamed once written. */
  id: string;
  label: string;
  description: string;
}

/** The built-in taxonomy; settings may add categories (resolveTaxonomy). */
export const DEFAULT_TAXONOMY: readonly FailureCategory[] = Object.freeze([
  { id: 'repetition', label: 'Repetition', description: 'Loops or repeats words, phrases or sentences.' },
  { id: 'nonsensical-text', label: 'Nonsensical text', description: 'Ungrammatical or meaningless text.' },
  { id: 'factual-error', label: 'Factual error', description: 'States something false, or loses a fact the baseline kept.' },
  { id: 'lost-instruction-following', label: 'Lost instruction following', description: 'Ignores or drifts from what the prompt asked.' },
  { id: 'formatting-break', label: 'Formatting break', description: 'Breaks the expected format (lists, code, JSON, markup).' },
  { id: 'truncation-early-stop', label: 'Truncation / early stop', description: 'Stops too early, or runs into the length limit.' },
  { id: 'language-switch', label: 'Language switch', description: 'Switches to another language or script.' },
  { id: 'other', label: 'Other', description: 'Anything else; say what in the note.' },
].map((c) => Object.freeze(c)));

/**
 * The taxonomy with categories from settings appended: a plain string is an id that is also its
 * label. An extra with a built-in id relabels nothing (the built-in wins); duplicates are dropped.
 */
export function resolveTaxonomy(extra: ReadonlyArray<string | { id: string; label?: string; description?: string }> = []): FailureCategory[] {
  const out: FailureCategory[] = [...DEFAULT_TAXONOMY];
  for (const item of extra) {
    const c = typeof item === 'string' ? { id: item } : item;
    const id = c.id.trim();
    if (!id || out.some((known) => known.id === id)) continue;
    out.push({ id, label: (typeof item === 'string' ? undefined : item.label?.trim()) || id, description: (typeof item === 'string' ? undefined : item.description) ?? '' });
  }
  return out;
}

/** A category's label; an id the taxonomy does not know is shown as it is (it is kept, never dropped). */
export function categoryLabel(id: string, taxonomy: readonly FailureCategory[] = DEFAULT_TAXONOMY): string {
  return taxonomy.find((c) => c.id === id)?.label ?? id;
}

export function isKnownCategory(id: string, taxonomy: readonly FailureCategory[] = DEFAULT_TAXONOMY): boolean {
  return taxonomy.some((c) => c.id === id);
}

/** The category an accepted automatic flag is filed under. */
export function categoryForFlag(kind: FlagKindName): string {
  switch (kind) {
    case 'repetition':
      return 'repetition';
    case 'gibberish':
      return 'nonsensical-text';
    case 'early-stop':
    case 'truncation':
    case 'empty-output':
      return 'truncation-early-stop';
    default:
      return 'other';
  }
}
