import type { SampleRecord } from '../report/schema';
import { anchorStatus } from './anchor';
import { FLAG_KINDS, FLAG_LABELS } from './flags';
import { outputHash } from './outputHash';
import { categoryForFlag, categoryLabel, DEFAULT_TAXONOMY, FailureCategory, isKnownCategory } from './taxonomy';
import type { Annotation, AnnotationsFile, FlagKind, FlagKindName } from './types';
import { sampleRefKey } from './types';

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a proportion `successes / n`: good at small n and at 0 or n successes,
 * where the normal (Wald) interval collapses. n = 0 gives [0, 1]: nothing is known.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): [number, number] {
  if (n <= 0) return [0, 1];
  const p = successes / n;
  const z2n = (z * z) / n;
  const denominator = 1 + z2n;
  const center = (p + z2n / 2) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))) / denominator;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/** Samples with something ÷ generated samples, with its Wilson 95% interval. */
export interface SampleRate {
  /** Samples with at least one. */
  samples: number;
  /** Generated samples of the variant. */
  n: number;
  /** samples ÷ n; NaN when n is 0. */
  rate: number;
  ci95: [number, number];
}

export function sampleRate(samples: number, n: number): SampleRate {
  return { samples, n, rate: n > 0 ? samples / n : NaN, ci95: wilsonInterval(samples, n) };
}

export interface CategoryRate extends SampleRate {
  category: string;
  label: string;
  /** False for a category the taxonomy does not know (kept from the file as it is). */
  known: boolean;
  /** Annotations of this category (a sample may have several). */
  annotations: number;
}

export interface FlagRate extends SampleRate {
  kind: FlagKindName;
  label: string;
  /** The category the flag becomes when accepted. */
  category: string;
}

export interface VariantAnnotationSummary {
  variantId: string;
  /** Generated samples of the variant in the run: the denominator of every rate. */
  generated: number;
  /** Annotations people made (accepted flags included), counted on samples of this run. */
  human: {
    /** Samples with at least one annotation. */
    any: SampleRate;
    annotations: number;
    open: number;
    resolved: number;
    /** Annotations whose text is gone from the current output (left out of the rates unless includeOutdated). */
    outdated: number;
    /** Every taxonomy category (zero counts included), then unknown categories found in the file. */
    byCategory: CategoryRate[];
  };
  /** Automatic flags not dismissed; null when the run's samples carry no flags (made before flags existed). */
  automatic: {
    any: SampleRate;
    dismissed: number;
    byKind: FlagRate[];
  } | null;
}

export interface SummaryOptions {
  /** Model folder of the run, relative to the workspace root (as annotations store it). */
  modelFolder: string;
  taxonomy?: readonly FailureCategory[];
  /** Count annotations whose text is gone from the current output (default false). */
  includeOutdated?: boolean;
}

type SummarySample = Pick<SampleRecord, 'variantId' | 'sampleKey' | 'output' | 'flags'>;

/**
 * Per variant, in the order variants first appear in `samples`: how many of its generated samples
 * people annotated with each category, and how many carry each automatic flag (dismissed ones left
 * out), as rates with Wilson 95% intervals. Human and automatic are counted separately; an accepted
 * flag counts in both. Annotation status does not matter (a resolved annotation still marks a failure).
 */
export function summarizeAnnotations(samples: readonly SummarySample[], file: AnnotationsFile, options: SummaryOptions): VariantAnnotationSummary[] {
  const taxonomy = options.taxonomy ?? DEFAULT_TAXONOMY;
  const annotationsBySample = new Map<string, Annotation[]>();
  for (const a of file.annotations) {
    if (a.modelFolder !== options.modelFolder) continue;
    const key = sampleRefKey(a);
    const list = annotationsBySample.get(key);
    if (list) list.push(a);
    else annotationsBySample.set(key, [a]);
  }
  const dismissed = new Set(file.dismissedFlags.filter((d) => d.modelFolder === options.modelFolder).map((d) => `${sampleRefKey(d)}\u0000${d.flag}`));

  const variants = new Map<string, SummarySample[]>();
  for (const s of samples) {
    const list = variants.get(s.variantId);
    if (list) list.push(s);
    else variants.set(s.variantId, [s]);
  }

  return [...variants].map(([variantId, list]) => {
    const n = list.length;
    const categorySamples = new Map<string, number>();
    const categoryAnnotations = new Map<string, number>();
    let annotatedSamples = 0;
    let annotations = 0;
    let open = 0;
    let resolved = 0;
    let outdated = 0;
    const flagSamples = new Map<string, number>();
    let flaggedSamples = 0;
    let dismissedCount = 0;
    let anyFlags = false;

    for (const sample of list) {
      const ref = { modelFolder: options.modelFolder, variantId, sampleKey: sample.sampleKey };
      const key = sampleRefKey(ref);
      const hash = outputHash(sample.output);
      const counted = (annotationsBySample.get(key) ?? []).filter((a) => {
        if (anchorStatus(a, sample.output, hash).state !== 'outdated') return true;
        outdated++;
        return options.includeOutdated === true;
      });
      if (counted.length) annotatedSamples++;
      const categories = new Set<string>();
      for (const a of counted) {
        annotations++;
        if (a.status === 'resolved') resolved++;
        else open++;
        categories.add(a.category);
        categoryAnnotations.set(a.category, (categoryAnnotations.get(a.category) ?? 0) + 1);
      }
      for (const c of categories) categorySamples.set(c, (categorySamples.get(c) ?? 0) + 1);

      if (sample.flags) anyFlags = true;
      const kinds = new Set<string>();
      for (const flag of sample.flags ?? []) {
        if (dismissed.has(`${key}\u0000${flag.kind}`)) dismissedCount++;
        else kinds.add(flag.kind);
      }
      if (kinds.size) flaggedSamples++;
      for (const k of kinds) flagSamples.set(k, (flagSamples.get(k) ?? 0) + 1);
    }

    const unknown = [...categorySamples.keys()].filter((c) => !isKnownCategory(c, taxonomy)).sort();
    const byCategory: CategoryRate[] = [...taxonomy.map((c) => c.id), ...unknown].map((category) => ({
      category,
      label: categoryLabel(category, taxonomy),
      known: isKnownCategory(category, taxonomy),
      annotations: categoryAnnotations.get(category) ?? 0,
      ...sampleRate(categorySamples.get(category) ?? 0, n),
    }));
    const otherKinds = [...flagSamples.keys()].filter((k) => !FLAG_KINDS.includes(k as FlagKind)).sort();
    const byKind: FlagRate[] = [...FLAG_KINDS, ...otherKinds].map((kind) => ({
      kind,
      label: FLAG_LABELS[kind as FlagKind] ?? kind,
      category: categoryForFlag(kind),
      ...sampleRate(flagSamples.get(kind) ?? 0, n),
    }));

    return {
      variantId,
      generated: n,
      human: { any: sampleRate(annotatedSamples, n), annotations, open, resolved, outdated, byCategory },
      automatic: anyFlags ? { any: sampleRate(flaggedSamples, n), dismissed: dismissedCount, byKind } : null,
    };
  });
}
