/** Local datasets: readers, the Hugging Face on-disk layouts, field mapping and built-in adapters. */
export * from './records';
export { readDatasetFile, readJsonl, readJson, readCsv, readParquet } from './readers';
export { resolveSplitFiles } from './layout';
export type { SplitFiles } from './layout';
export { applyFieldMapping, getField } from './fields';
export type { FieldMapping } from './fields';
export { ADAPTERS, ADAPTER_NAMES, defaultAdapter } from './adapters';
export type { AdapterName, DatasetAdapter, TaskKind, AdaptedRecord } from './adapters';
export * from './load';
