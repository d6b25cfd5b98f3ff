/**
 * Field mapping: a task file can say which source field holds each field an adapter needs, as a
 * path ("answers.text", "translation.de", "choices[0]") or a list of paths gathered into a list
 * (choices: [A, B, C, D] for the original MMLU CSV columns).
 */
import { InputError } from '../../shared/errors';
import { DatasetRecord, describeSource, isPlainObject } from './records';

export type FieldMapping = Record<string, string | readonly string[]>;

const MISSING = Symbol('missing');

/** The value at a dotted path ("a.b", "a[0].b", "a.0"), or MISSING. */
function valueAt(record: Record<string, unknown>, path: string): unknown {
  if (Object.prototype.hasOwnProperty.call(record, path)) return record[path];
  const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.').filter((p) => p !== '');
  let current: unknown = record;
  for (const part of parts) {
    if (Array.isArray(current) && /^\d+$/.test(part)) current = current[Number(part)];
    else if (isPlainObject(current) && Object.prototype.hasOwnProperty.call(current, part)) current = current[part];
    else return MISSING;
    if (current === undefined) return MISSING;
  }
  return current;
}

export function getField(record: Record<string, unknown>, path: string): unknown {
  const value = valueAt(record, path);
  return value === MISSING ? undefined : value;
}

export function hasField(record: Record<string, unknown>, path: string): boolean {
  return valueAt(record, path) !== MISSING;
}

/**
 * The record with each mapped field set from its source path(s); unmapped fields pass through.
 * A mapped source that is absent is an error naming the record's line or row.
 */
export function applyFieldMapping(record: DatasetRecord, mapping: FieldMapping | undefined): Record<string, unknown> {
  if (!mapping) return record.fields;
  const out: Record<string, unknown> = { ...record.fields };
  for (const [target, source] of Object.entries(mapping)) {
    const paths = typeof source === 'string' ? [source] : source;
    const values = paths.map((path) => {
      const value = valueAt(record.fields, path);
      if (value === MISSING) {
        throw new InputError(
          record.source.file,
          `the record at ${describeSource(record.source)} has no field "${path}" (mapped to "${target}"); its fields are: ${Object.keys(record.fields).join(', ') || 'none'}.`,
          'Correct dataset.fields in the task file to name a field the data has.',
          record.source.line,
        );
      }
      return value;
    });
    out[target] = typeof source === 'string' ? values[0] : values;
  }
  return out;
}
