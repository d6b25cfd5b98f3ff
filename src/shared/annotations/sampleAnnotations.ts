import type { SampleRecord } from '../report/schema';
import { outputHash } from './outputHash';
import { categoryForFlag } from './taxonomy';
import type { Annotation, AnnotationOrigin, AnnotationsFile, SampleFlag, SampleRef, TextRange } from './types';
import { sameSample } from './types';

export interface NewAnnotation extends SampleRef {
  /** A fresh unique id (e.g. crypto.randomUUID() in the host). */
  id: string;
  /** The whole output the range is in, as the user sees it now. */
  output: string;
  range: TextRange;
  category: string;
  note: string;
  author: string;
  /** ISO 8601 time of creation. */
  at: string;
  origin?: AnnotationOrigin;
}

/** A new open annotation; quotedText and outputHash are taken from `output`. Throws RangeError on a range outside it. */
export function createAnnotation(input: NewAnnotation): Annotation {
  const { start, end } = input.range;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > input.output.length) {
    throw new RangeError(`Range ${start}–${end} is not within the output (${input.output.length} characters).`);
  }
  return {
    id: input.id,
    modelFolder: input.modelFolder,
    variantId: input.variantId,
    sampleKey: input.sampleKey,
    range: { start, end },
    quotedText: input.output.slice(start, end),
    outputHash: outputHash(input.output),
    category: input.category,
    note: input.note,
    status: 'open',
    author: input.author,
    createdAt: input.at,
    updatedAt: input.at,
    replies: [],
    origin: input.origin ?? 'human',
  };
}

/**
 * The part of the output a flag is about: from the first diverging token to the end for a
 * divergence, the whole output otherwise.
 */
export function flagRange(sample: Pick<SampleRecord, 'output' | 'tokenTexts'>, flag: Pick<SampleFlag, 'kind' | 'value'>): TextRange {
  if (flag.kind === 'divergence') {
    const start = sample.tokenTexts.slice(0, flag.value).join('').length;
    if (start <= sample.output.length) return { start, end: sample.output.length };
  }
  return { start: 0, end: sample.output.length };
}

/** Accepting a suggestion: an annotation of the flag's category over flagRange, noted with the flag's detail unless a note is given. */
export function annotationFromFlag(sample: Pick<SampleRecord, 'output' | 'tokenTexts' | 'variantId' | 'sampleKey'>, flag: SampleFlag, meta: { id: string; modelFolder: string; author: string; at: string; note?: string; category?: string }): Annotation {
  return createAnnotation({
    id: meta.id,
    modelFolder: meta.modelFolder,
    variantId: sample.variantId,
    sampleKey: sample.sampleKey,
    output: sample.output,
    range: flagRange(sample, flag),
    category: meta.category ?? categoryForFlag(flag.kind),
    note: meta.note ?? flag.detail,
    author: meta.author,
    at: meta.at,
    origin: { flag: flag.kind },
  });
}

/** The annotations on one sample, in canonical order. */
export function annotationsForSample(file: Pick<AnnotationsFile, 'annotations'>, ref: SampleRef): Annotation[] {
  return file.annotations.filter((a) => sameSample(a, ref));
}

export function isFlagDismissed(file: Pick<AnnotationsFile, 'dismissedFlags'>, ref: SampleRef, kind: string): boolean {
  return file.dismissedFlags.some((d) => d.flag === kind && sameSample(d, ref));
}

/** Whether a person accepted this kind of flag on the sample (an annotation with that origin exists). */
export function isFlagAccepted(file: Pick<AnnotationsFile, 'annotations'>, ref: SampleRef, kind: string): boolean {
  return file.annotations.some((a) => typeof a.origin === 'object' && a.origin.flag === kind && sameSample(a, ref));
}

/** The flags still to suggest on a sample: neither dismissed nor accepted. */
export function pendingFlags(sample: Pick<SampleRecord, 'variantId' | 'sampleKey' | 'flags'>, modelFolder: string, file: AnnotationsFile): SampleFlag[] {
  const ref = { modelFolder, variantId: sample.variantId, sampleKey: sample.sampleKey };
  return (sample.flags ?? []).filter((f) => !isFlagDismissed(file, ref, f.kind) && !isFlagAccepted(file, ref, f.kind));
}
