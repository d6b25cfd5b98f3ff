import { csvText } from '../csv';
import type { SampleRecord } from '../report/schema';
import { anchorStatus, AnchorStatus } from './anchor';
import { outputHash } from './outputHash';
import type { VariantAnnotationSummary } from './summary';
import type { Annotation, DismissedFlag, SampleFlag } from './types';
import { sampleRefKey } from './types';

/** An annotation as exported with its sample: where it stands on the sample's output now. */
export type AnchoredAnnotation = Annotation & { anchor: AnchorStatus };

export interface SampleAnnotations {
  modelFolder: string;
  annotations: AnchoredAnnotation[];
  /** The sample's automatic flags no one dismissed (accepted ones included: they are also annotations). */
  activeFlags: SampleFlag[];
  /** Kinds of the sample's flags a person dismissed. */
  dismissedFlags: string[];
}

/**
 * Each sample with its annotations and flags, for exports (and for views that want them joined).
 * `modelFolder` is the run's model folder relative to the workspace root; annotations of other
 * folders are ignored.
 */
export function samplesWithAnnotations<T extends SampleRecord>(samples: readonly T[], annotations: readonly Annotation[], dismissed: readonly DismissedFlag[], modelFolder: string): Array<T & SampleAnnotations> {
  const byKey = new Map<string, Annotation[]>();
  for (const a of annotations) {
    if (a.modelFolder !== modelFolder) continue;
    const key = sampleRefKey(a);
    const list = byKey.get(key);
    if (list) list.push(a);
    else byKey.set(key, [a]);
  }
  const dismissedKinds = new Map<string, Set<string>>();
  for (const d of dismissed) {
    if (d.modelFolder !== modelFolder) continue;
    const key = sampleRefKey(d);
    dismissedKinds.set(key, (dismissedKinds.get(key) ?? new Set()).add(d.flag));
  }
  return samples.map((sample) => {
    const key = sampleRefKey({ modelFolder, variantId: sample.variantId, sampleKey: sample.sampleKey });
    const hash = outputHash(sample.output);
    const gone = dismissedKinds.get(key) ?? new Set<string>();
    const flags = sample.flags ?? [];
    return {
      ...sample,
      modelFolder,
      annotations: (byKey.get(key) ?? []).map((a) => ({ ...a, anchor: anchorStatus(a, sample.output, hash) })),
      activeFlags: flags.filter((f) => !gone.has(f.kind)),
      dismissedFlags: flags.filter((f) => gone.has(f.kind)).map((f) => f.kind),
    };
  });
}

/** One JSON object a line: the sample record with its annotations and flags. */
export function annotatedSamplesToJsonl(samples: ReadonlyArray<SampleRecord & SampleAnnotations>): string {
  return samples.map((s) => JSON.stringify(s) + '\n').join('');
}

/** Columns of annotatedSamplesToCsv. */
export const ANNOTATED_SAMPLE_COLUMNS = [
  'model_folder', 'variant', 'prompt_index', 'sample_key', 'prompt', 'output', 'stopped_by', 'generated_tokens', 'first_divergence', 'mean_kld',
  'flags', 'dismissed_flags', 'annotation_count', 'annotation_categories', 'annotation_states', 'annotation_notes', 'annotations_json',
] as const;

/**
 * RFC 4180 CSV, one row a sample. Lists inside a cell are joined with '; ' (notes with a blank
 * line between them); `annotations_json` holds every annotation whole, for tools.
 */
export function annotatedSamplesToCsv(samples: ReadonlyArray<SampleRecord & SampleAnnotations>): string {
  const rows = samples.map((s) => [
    s.modelFolder, s.variantId, s.promptIndex, s.sampleKey, s.prompt, s.output, s.stoppedBy, s.tokenIds.length, s.firstDivergence,
    s.kld.length ? s.kld.reduce((a, b) => a + b, 0) / s.kld.length : undefined,
    s.activeFlags.map((f) => f.kind).join('; '),
    s.dismissedFlags.join('; '),
    s.annotations.length,
    s.annotations.map((a) => a.category).join('; '),
    s.annotations.map((a) => `${a.status}/${a.anchor.state}`).join('; '),
    s.annotations.map((a) => a.note).join('\n\n'),
    s.annotations.length ? JSON.stringify(s.annotations) : '',
  ]);
  return csvText([[...ANNOTATED_SAMPLE_COLUMNS], ...rows]);
}

/** Columns of the summary table: one row per variant × source × category or flag kind. */
export const ANNOTATION_SUMMARY_COLUMNS = ['variant', 'source', 'category', 'label', 'samples', 'generated', 'rate', 'ci95_low', 'ci95_high', 'annotations'] as const;

/** The summaries as rows of raw values (rates as fractions), for CSV and for the CLI's table. */
export function annotationSummaryRows(summaries: readonly VariantAnnotationSummary[]): Array<Array<string | number>> {
  const rows: Array<Array<string | number>> = [];
  for (const v of summaries) {
    for (const c of v.human.byCategory) rows.push([v.variantId, 'human', c.category, c.label, c.samples, c.n, c.rate, c.ci95[0], c.ci95[1], c.annotations]);
    for (const f of v.automatic?.byKind ?? []) rows.push([v.variantId, 'automatic', f.kind, f.label, f.samples, f.n, f.rate, f.ci95[0], f.ci95[1], f.samples]);
  }
  return rows;
}

export function annotationSummaryToCsv(summaries: readonly VariantAnnotationSummary[]): string {
  return csvText([[...ANNOTATION_SUMMARY_COLUMNS], ...annotationSummaryRows(summaries)]);
}
