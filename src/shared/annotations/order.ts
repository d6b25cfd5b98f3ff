import type { Annotation, AnnotationsFile, DismissedFlag } from './types';

/** Canonical order of annotations on disk: model folder, variant, sample, range, then creation. */
export function compareAnnotations(a: Annotation, b: Annotation): number {
  return (
    compareText(a.modelFolder, b.modelFolder) ||
    compareText(a.variantId, b.variantId) ||
    compareText(a.sampleKey, b.sampleKey) ||
    a.range.start - b.range.start ||
    a.range.end - b.range.end ||
    compareText(a.createdAt, b.createdAt) ||
    compareText(a.id, b.id)
  );
}

export function compareDismissed(a: DismissedFlag, b: DismissedFlag): number {
  return compareText(a.modelFolder, b.modelFolder) || compareText(a.variantId, b.variantId) || compareText(a.sampleKey, b.sampleKey) || compareText(a.flag, b.flag);
}

/** The file with its lists in canonical order (a hand-edited file may have any order). */
export function normalizeAnnotationsFile(file: AnnotationsFile): AnnotationsFile {
  return { ...file, annotations: [...file.annotations].sort(compareAnnotations), dismissedFlags: [...file.dismissedFlags].sort(compareDismissed) };
}

/** Code-unit order, independent of locale, so every machine writes the same file. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
