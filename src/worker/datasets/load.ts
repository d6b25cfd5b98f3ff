/**
 * Loading a dataset split into normalized items: find the split's files, read them, apply the
 * field mapping, run the adapter, and give each item an id and a content key (so results,
 * diffs and annotations survive reruns and reordering).
 */
import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../../shared/errors';
import { ADAPTERS, AdaptedRecord, AdapterName, AdapterOptions, DatasetAdapter } from './adapters';
import { FieldMapping, applyFieldMapping, getField } from './fields';
import { resolveSplitFiles } from './layout';
import { readDatasetFile } from './readers';
import { DatasetFormat, DatasetRecord, RecordSource } from './records';

export interface DatasetSpec {
  /** A data file or a dataset folder; relative paths resolve against `baseDir`. */
  path: string;
  split?: string;
  /** The configuration folder (e.g. "all" for mmlu/all/test-*.parquet). */
  config?: string;
  format?: DatasetFormat;
  adapter: AdapterName;
  fields?: FieldMapping;
  /** The field that holds a stable item id (default: id, idx, ind, question_id when present). */
  idField?: string;
  sourceLanguage?: string;
  targetLanguage?: string;
}

interface ItemBase {
  /** The record's id, or "<split>-<n>" (n counted from 0 over the split). */
  id: string;
  /** 16 hex digits of SHA-256 over the item's content: stable across reruns and reordering. */
  key: string;
  /** Fields for prompt templates (the adapter's canonical fields and the record's own). */
  fields: Record<string, unknown>;
  source: RecordSource;
}

export interface MultipleChoiceItem extends ItemBase {
  kind: 'multiple_choice';
  /** The prompt context the adapter makes by default (lm-eval doc_to_text). */
  context: string;
  /** Continuations scored, without the target delimiter. */
  choices: string[];
  gold: number | number[];
  description?: string;
}

export interface GenerationItem extends ItemBase {
  kind: 'generation';
  context: string;
  input: Record<string, string>;
  references: string[];
  description?: string;
}

export interface TextItem extends ItemBase {
  kind: 'perplexity';
  text: string;
}

export type DatasetItem = MultipleChoiceItem | GenerationItem | TextItem;

export interface LoadedDataset {
  adapter: DatasetAdapter;
  files: string[];
  format: DatasetFormat;
  config?: string;
  items: DatasetItem[];
  /** Records in the split before `limit`. */
  totalRecords: number;
}

export interface LoadOptions {
  /** Where relative dataset paths start (the task file's folder). */
  baseDir?: string;
  /** Keep the first `limit` items of the split. */
  limit?: number;
}

const ID_FIELDS = ['id', 'idx', 'ind', 'question_id', 'task_id'];

export function contentKey(item: AdaptedRecord): string {
  const content =
    item.kind === 'multiple_choice'
      ? [item.kind, item.description ?? '', item.context, item.choices, item.gold]
      : item.kind === 'generation'
        ? [item.kind, item.description ?? '', item.context, item.references]
        : [item.kind, item.text];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}

function idOf(record: DatasetRecord, spec: DatasetSpec, index: number): string {
  const names = spec.idField ? [spec.idField] : ID_FIELDS;
  for (const name of names) {
    const value = getField(record.fields, name);
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  if (spec.idField) {
    throw new InputError(record.source.file, `the record at ${record.source.unit} ${record.source.line} has no id field "${spec.idField}".`, 'Name an id field every record has, or leave dataset.id_field out.', record.source.line);
  }
  return `${spec.split ?? 'item'}-${index}`;
}

export function toItem(record: DatasetRecord, spec: DatasetSpec, index: number, adapter: DatasetAdapter = ADAPTERS[spec.adapter]): DatasetItem {
  const mapped = applyFieldMapping(record, spec.fields);
  const options: AdapterOptions = {};
  if (spec.sourceLanguage) options.sourceLanguage = spec.sourceLanguage;
  if (spec.targetLanguage) options.targetLanguage = spec.targetLanguage;
  const adapted = adapter.adapt(record, mapped, options);
  const base = { id: idOf(record, spec, index), key: contentKey(adapted), source: record.source };
  return { ...adapted, ...base, fields: { ...mapped, ...adapted.fields } } as DatasetItem;
}

/** Reads every record of the split (all its files, in name order). */
export async function readSplitRecords(spec: DatasetSpec, baseDir = process.cwd()): Promise<{ files: string[]; format: DatasetFormat; config?: string; records: DatasetRecord[] }> {
  const path = isAbsolute(spec.path) ? spec.path : resolve(baseDir, spec.path);
  const split = resolveSplitFiles(path, spec.split, spec.config);
  const format = spec.format ?? split.format;
  const records: DatasetRecord[] = [];
  for (const file of split.files) records.push(...(await readDatasetFile(file, format)));
  return { files: split.files, format, ...(split.config !== undefined ? { config: split.config } : {}), records };
}

export async function loadDataset(spec: DatasetSpec, options: LoadOptions = {}): Promise<LoadedDataset> {
  const adapter = ADAPTERS[spec.adapter];
  const { files, format, config, records } = await readSplitRecords(spec, options.baseDir);
  const kept = options.limit !== undefined ? records.slice(0, options.limit) : records;
  const items = kept.map((record, i) => toItem(record, spec, i, adapter));
  return { adapter, files, format, ...(config !== undefined ? { config } : {}), items, totalRecords: records.length };
}
