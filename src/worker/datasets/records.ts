/** What every dataset reader returns: plain records, each with the place in the file it came from. */

export type DatasetFormat = 'jsonl' | 'json' | 'csv' | 'parquet';

export interface RecordSource {
  file: string;
  /** 1-based line (JSONL, JSON, CSV) or row (Parquet) where the record starts. */
  line: number;
  unit: 'line' | 'row';
}

export interface DatasetRecord {
  fields: Record<string, unknown>;
  source: RecordSource;
}

const EXTENSIONS: Record<string, DatasetFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
  '.parquet': 'parquet',
};

/** The format a file name implies, or undefined for anything else. */
export function formatOfFile(file: string): DatasetFormat | undefined {
  const lower = file.toLowerCase();
  for (const [ext, format] of Object.entries(EXTENSIONS)) if (lower.endsWith(ext)) return format;
  return undefined;
}

export const DATA_FILE_EXTENSIONS = Object.keys(EXTENSIONS);

/** "line 12" or "row 12". */
export function describeSource(source: RecordSource): string {
  return `${source.unit} ${source.line}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
