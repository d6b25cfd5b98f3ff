/**
 * Failure annotations on generated samples (issue 6): what a person marks on a variant's output,
 * and the automatic flags the engine computes for every generated sample. Pure data, no Node or DOM,
 * so the extension host, the CLI and the results panel share one definition.
 *
 * On disk: `.quantlens/annotations.json` at the workspace root (see src/node/annotations/annotationStore.ts).
 */

/** Version of `.quantlens/annotations.json`; bump the major on a breaking change. */
export const ANNOTATIONS_SCHEMA_VERSION = '1.0.0';

/** The kinds of automatic flag (thresholds in flags.ts, DEFAULT_FLAG_THRESHOLDS). */
export type FlagKind = 'repetition' | 'gibberish' | 'early-stop' | 'truncation' | 'length-ratio' | 'empty-output' | 'divergence';

/**
 * A flag kind as read from a file: a known kind, or a kind written by a newer QuantLens, which is
 * kept as-is rather than dropped.
 */
export type FlagKindName = FlagKind | (string & {});

/** One automatic flag on a generated sample (written to samples.jsonl as `flags`). */
export interface SampleFlag {
  kind: FlagKind;
  /** The measured value the flag is about (a rate, a ratio, a token count or index; see flags.ts). */
  value: number;
  /** The threshold `value` crossed; null where the flag is a plain condition (truncation, empty output, divergence). */
  threshold: number | null;
  /** One sentence saying what was seen, with the numbers. */
  detail: string;
}

/** Which sample an annotation is on. Stable across reruns: not a run id. */
export interface SampleRef {
  /** The model folder relative to the workspace root, with '/' separators ('' for the root itself). */
  modelFolder: string;
  variantId: string;
  /** SampleRecord.sampleKey: a hash of the prompt and decoding settings. */
  sampleKey: string;
}

/** A span of the output text in UTF-16 code units (JavaScript string offsets), end exclusive. */
export interface TextRange {
  start: number;
  end: number;
}

export type AnnotationStatus = 'open' | 'resolved';

/** Made by a person, or an automatic flag a person accepted. */
export type AnnotationOrigin = 'human' | { flag: FlagKindName };

export interface AnnotationReply {
  id: string;
  author: string;
  body: string;
  createdAt: string;
  /** Set when the reply was edited. */
  updatedAt?: string;
}

export interface Annotation extends SampleRef {
  /** Unique id (a random string made by the caller). */
  id: string;
  range: TextRange;
  /** The text of `range` when the annotation was made: what re-anchors it when the output changes. */
  quotedText: string;
  /** outputHash() of the whole output when the annotation was made. */
  outputHash: string;
  /** A taxonomy id (taxonomy.ts); an id not in the taxonomy is kept and shown as-is. */
  category: string;
  note: string;
  status: AnnotationStatus;
  author: string;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  replies: AnnotationReply[];
  origin: AnnotationOrigin;
}

/** An automatic flag a person judged not to be a failure; it is no longer suggested. */
export interface DismissedFlag extends SampleRef {
  flag: FlagKindName;
}

/** The whole of `.quantlens/annotations.json`. */
export interface AnnotationsFile {
  schemaVersion: string;
  annotations: Annotation[];
  dismissedFlags: DismissedFlag[];
}

export function emptyAnnotationsFile(): AnnotationsFile {
  return { schemaVersion: ANNOTATIONS_SCHEMA_VERSION, annotations: [], dismissedFlags: [] };
}

export function sameSample(a: SampleRef, b: SampleRef): boolean {
  return a.modelFolder === b.modelFolder && a.variantId === b.variantId && a.sampleKey === b.sampleKey;
}

/** A string key for maps: modelFolder, variant and sample key joined by NUL (which none of them holds). */
export function sampleRefKey(ref: SampleRef): string {
  return `${ref.modelFolder}\u0000${ref.variantId}\u0000${ref.sampleKey}`;
}
