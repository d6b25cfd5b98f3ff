import { z } from 'zod';
import { ANNOTATIONS_SCHEMA_VERSION } from '../../shared/annotations/types';
import type { AnnotationsFile } from '../../shared/annotations/types';
import type { JsonPath } from '../jsonFile';

/*
 * The structure of .quantlens/annotations.json. Objects are loose: a field this version does not
 * know (written by a newer QuantLens, or by hand) is kept and written back, never dropped. Categories
 * and flag kinds are any non-empty string for the same reason.
 */
const nonEmpty = z.string().min(1, 'must not be empty');
const offset = z.number().int('must be a whole number').min(0, 'must be 0 or more');

const rangeSchema = z.looseObject({ start: offset, end: offset }).refine((r) => r.end >= r.start, { message: 'must not be before start', path: ['end'] });

const replySchema = z.looseObject({
  id: nonEmpty,
  author: z.string(),
  body: z.string(),
  createdAt: nonEmpty,
  updatedAt: nonEmpty.optional(),
});

const originSchema = z.union([z.literal('human'), z.looseObject({ flag: nonEmpty })], { message: "must be \"human\" or {\"flag\": \"<kind>\"}" });

const annotationSchema = z.looseObject({
  id: nonEmpty,
  modelFolder: z.string(),
  variantId: nonEmpty,
  sampleKey: nonEmpty,
  range: rangeSchema,
  quotedText: z.string(),
  outputHash: nonEmpty,
  category: nonEmpty,
  note: z.string().default(''),
  status: z.enum(['open', 'resolved'], { message: 'must be "open" or "resolved"' }),
  author: z.string(),
  createdAt: nonEmpty,
  updatedAt: nonEmpty,
  replies: z.array(replySchema).default([]),
  origin: originSchema.default('human'),
});

const dismissedSchema = z.looseObject({ modelFolder: z.string(), variantId: nonEmpty, sampleKey: nonEmpty, flag: nonEmpty });

const fileSchema = z.looseObject({
  schemaVersion: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version like "1.0.0"'),
  annotations: z.array(annotationSchema),
  dismissedFlags: z.array(dismissedSchema).default([]),
});

export type AnnotationsValidation =
  | { ok: true; file: AnnotationsFile }
  | { ok: false; problem: string; path: JsonPath };

/** Checks parsed JSON against the file's structure; the first problem names the field, e.g. annotations[3].range.start. */
export function validateAnnotationsFile(value: unknown): AnnotationsValidation {
  const parsed = fileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const more = parsed.error.issues.length - 1;
    const message = issue.code === 'invalid_type' && issue.message.includes('received undefined') ? 'is missing' : issue.message.replace(/^Invalid input: /, '');
    return { ok: false, path, problem: `${path.length ? formatPath(path) : 'The file'} ${message.startsWith('must') || message === 'is missing' ? message : `is invalid: ${message}`}${more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : ''}.` };
  }
  const file = parsed.data as unknown as AnnotationsFile;
  const major = Number(file.schemaVersion.split('.')[0]);
  if (major > Number(ANNOTATIONS_SCHEMA_VERSION.split('.')[0])) {
    return { ok: false, path: ['schemaVersion'], problem: `The file uses annotations schema ${file.schemaVersion}, newer than this QuantLens understands (${ANNOTATIONS_SCHEMA_VERSION}).` };
  }
  const seen = new Map<string, number>();
  for (const [index, a] of file.annotations.entries()) {
    const earlier = seen.get(a.id);
    if (earlier !== undefined) return { ok: false, path: ['annotations', index, 'id'], problem: `${formatPath(['annotations', index, 'id'])} "${a.id}" is also the id of annotations[${earlier}]; ids must be unique.` };
    seen.set(a.id, index);
  }
  return { ok: true, file };
}

/** annotations[3].range.start */
export function formatPath(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
