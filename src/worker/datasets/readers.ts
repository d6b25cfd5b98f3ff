/**
 * Readers for the dataset files users have on disk: JSONL, JSON, CSV and Parquet. Each returns plain
 * records with the line (or Parquet row) they came from; every problem is an InputError that names
 * the file and, where there is one, the line or row.
 */
import { readFile } from 'node:fs/promises';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { InputError } from '../../shared/errors';
import { throwReadError } from '../../node/fileReadErrors';
import { CsvSyntaxError, parseCsv } from './csv';
import { JsonSyntaxError, jsonSyntaxInputError, parseJsonOf, parseJsonWithLines } from '../../node/jsonFile';
import { DatasetFormat, DatasetRecord, formatOfFile, isPlainObject } from './records';

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    return throwReadError(file, error);
  }
}

/** JSON Lines: one object per line; blank lines are skipped. */
export async function readJsonl(file: string): Promise<DatasetRecord[]> {
  const text = await readText(file);
  const lines = text.split('\n');
  const records: DatasetRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = (i === 0 ? lines[i]!.replace(/^\ufeff/, '') : lines[i]!).replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const value = parseJsonOf(file, raw, 'Fix the JSON syntax there: each line of a .jsonl file must be one complete JSON object.', i + 1);
    if (!isPlainObject(value)) {
      throw new InputError(file, `line ${i + 1} is ${describeJson(value)}, not a JSON object.`, 'Each line of a .jsonl file must be one JSON object, e.g. {"question": "…", "answer": 0}.', i + 1);
    }
    records.push({ fields: value, source: { file, line: i + 1, unit: 'line' } });
  }
  return records;
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * SQuAD's official JSON ({"data": [{"title", "paragraphs": [{"context", "qas": [...]}]}]}) becomes
 * one record per question in the Hugging Face `squad` shape: id, title, context, question,
 * answers {text[], answer_start[]}.
 */
function flattenSquad(data: unknown[], lineOf: WeakMap<object, number>, file: string): DatasetRecord[] | undefined {
  if (!data.every((a) => isPlainObject(a) && Array.isArray(a.paragraphs))) return undefined;
  const out: DatasetRecord[] = [];
  for (const article of data as Array<Record<string, unknown>>) {
    for (const paragraph of article.paragraphs as unknown[]) {
      if (!isPlainObject(paragraph) || !Array.isArray(paragraph.qas)) continue;
      for (const qa of paragraph.qas) {
        if (!isPlainObject(qa)) continue;
        const answers = Array.isArray(qa.answers) ? qa.answers.filter(isPlainObject) : [];
        out.push({
          fields: {
            id: qa.id,
            title: article.title,
            context: paragraph.context,
            question: qa.question,
            answers: { text: answers.map((a) => a.text), answer_start: answers.map((a) => a.answer_start) },
          },
          source: { file, line: lineOf.get(qa) ?? 1, unit: 'line' },
        });
      }
    }
  }
  return out;
}

/**
 * JSON: a top-level array of objects, or an object holding one array of objects (e.g. {"data": [...]},
 * as `datasets` writes with `field="data"`), or SQuAD's nested format.
 */
export async function readJson(file: string): Promise<DatasetRecord[]> {
  const text = await readText(file);
  let parsed;
  try {
    parsed = parseJsonWithLines(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw jsonSyntaxInputError(file, error, 'Fix the JSON syntax there, or save the data as JSON Lines (one object per line).');
  }
  const { value, lineOf } = parsed;
  let array: unknown[] | undefined;
  if (Array.isArray(value)) {
    array = value;
  } else if (isPlainObject(value)) {
    const arrays = Object.entries(value).filter(([, v]) => Array.isArray(v));
    const data = value.data;
    if (Array.isArray(data)) {
      const squad = flattenSquad(data, lineOf, file);
      if (squad) return squad;
      array = data;
    } else if (arrays.length === 1) {
      array = arrays[0]![1] as unknown[];
    }
  }
  if (!array) {
    throw new InputError(file, 'holds no list of records: expected a JSON array of objects, or an object with one such array (e.g. {"data": [...]}).', 'Save the records as a JSON array, or as JSON Lines (.jsonl).', 1);
  }
  return array.map((record, i) => {
    if (!isPlainObject(record)) {
      const line = typeof record === 'object' && record !== null ? lineOf.get(record) : undefined;
      throw new InputError(file, `record ${i + 1} is ${describeJson(record)}, not a JSON object.`, 'Every record must be a JSON object with named fields.', line ?? lineOf.get(array!));
    }
    return { fields: record, source: { file, line: lineOf.get(record) ?? 1, unit: 'line' as const } };
  });
}

/** CSV (RFC 4180) with a header row; every value is a string. */
export async function readCsv(file: string): Promise<DatasetRecord[]> {
  const text = await readText(file);
  let rows;
  try {
    rows = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    throw new InputError(file, `is not valid CSV at line ${error.line}: ${error.message}.`, 'Fix the quoting there (RFC 4180: fields with commas, quotes or line breaks are wrapped in double quotes).', error.line);
  }
  if (rows.length === 0) throw new InputError(file, 'is empty.', 'A CSV dataset needs a header row and at least one record.', 1);
  const header = rows[0]!;
  const seen = new Set<string>();
  header.values.forEach((name, i) => {
    if (name.trim() === '') throw new InputError(file, `column ${i + 1} of the header row has no name.`, 'Give every column a name in the first row.', header.line);
    if (seen.has(name)) throw new InputError(file, `the header row names column "${name}" twice.`, 'Give every column a distinct name.', header.line);
    seen.add(name);
  });
  return rows.slice(1).map((row) => {
    if (row.values.length !== header.values.length) {
      throw new InputError(file, `the record on line ${row.line} has ${row.values.length} fields, the header has ${header.values.length}.`, 'Quote fields that contain commas, and give every record one value per column.', row.line);
    }
    const fields: Record<string, unknown> = {};
    header.values.forEach((name, i) => {
      fields[name] = row.values[i];
    });
    return { fields, source: { file, line: row.line, unit: 'line' as const } };
  });
}

/** Parquet through hyparquet, with snappy, gzip, zstd, brotli and lz4 pages (hyparquet-compressors). */
export async function readParquet(file: string): Promise<DatasetRecord[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return throwReadError(file, error);
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Array<Record<string, unknown>>;
  try {
    const metadata = parquetMetadata(buffer);
    rows = await parquetReadObjects({ file: buffer, metadata, compressors, rowFormat: 'object' });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InputError(file, `is not a readable Parquet file (${message}).`, 'Check that the download finished; re-export it with pandas/pyarrow (snappy, gzip or zstd compression) if it persists.');
  }
  return rows.map((row, i) => ({ fields: plainValues(row) as Record<string, unknown>, source: { file, line: i + 1, unit: 'row' as const } }));
}

/** Parquet INT64 arrives as BigInt; records hold plain numbers (exact below 2^53). */
function plainValues(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plainValues);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plainValues(v);
    return out;
  }
  return value;
}

/** Reads one data file, by its extension unless `format` is given. */
export async function readDatasetFile(file: string, format?: DatasetFormat): Promise<DatasetRecord[]> {
  const kind = format ?? formatOfFile(file);
  switch (kind) {
    case 'jsonl':
      return readJsonl(file);
    case 'json':
      return readJson(file);
    case 'csv':
      return readCsv(file);
    case 'parquet':
      return readParquet(file);
    default:
      throw new InputError(file, 'is not a dataset format QuantLens reads.', 'Use .jsonl, .json, .csv or .parquet, or set dataset.format in the task file.');
  }
}
