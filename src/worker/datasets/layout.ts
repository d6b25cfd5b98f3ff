/**
 * Finding a split's files in a dataset folder, including the layouts the Hugging Face Hub and the
 * `datasets` library leave on disk:
 *   <root>/<split>.jsonl | .json | .csv | .parquet          (files named after the split)
 *   <root>/<split>-00000-of-00001.parquet                    (shards)
 *   <root>/data/<split>-00000-of-00001-<hash>.parquet        (Hub repos with one configuration)
 *   <root>/<config>/<split>-00000-of-00001.parquet           (Hub repos with configurations, e.g. mmlu/all/test-…)
 *   <root>/<config>/<split>/0000.parquet                     (the Hub's parquet conversion)
 * A file path is used as it is.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../../shared/errors';
import { throwReadError } from '../../node/fileReadErrors';
import { DATA_FILE_EXTENSIONS, DatasetFormat, formatOfFile } from './records';

export interface SplitFiles {
  files: string[];
  format: DatasetFormat;
  /** The configuration folder used, when the dataset has several. */
  config?: string;
}

function listDir(dir: string): { files: string[]; dirs: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    return throwReadError(dir, error);
  }
  const files: string[] = [];
  const dirs: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      continue;
    }
    if (isDir) dirs.push(name);
    else if (formatOfFile(name)) files.push(name);
  }
  return { files, dirs };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Data files in `dir` that belong to `split`: "<split>.<ext>" or "<split>-…<ext>". */
function splitFilesIn(dir: string, split: string): string[] {
  const pattern = new RegExp(`^${escapeRegExp(split)}(?:[-.][^/]*)?(?:${DATA_FILE_EXTENSIONS.map(escapeRegExp).join('|')})$`, 'i');
  return listDir(dir)
    .files.filter((name) => pattern.test(name))
    .map((name) => join(dir, name));
}

/** Split names visible in a folder, for the error message when the asked one is absent. */
function splitNamesIn(dir: string): string[] {
  const names = new Set<string>();
  const { files, dirs } = listDir(dir);
  for (const f of files) names.add(f.replace(/(?:-\d{5}-of-\d{5}.*)?\.[a-z]+$/i, '').replace(/-.*$/, ''));
  for (const d of dirs) if (d !== 'data') names.add(d);
  return [...names].sort();
}

/** Files of one split inside one folder (without looking into configuration folders). */
function findInFolder(dir: string, split: string): string[] {
  const direct = splitFilesIn(dir, split);
  if (direct.length) return direct;
  const { dirs } = listDir(dir);
  if (dirs.includes('data')) {
    const data = splitFilesIn(join(dir, 'data'), split);
    if (data.length) return data;
  }
  if (dirs.includes(split)) {
    const inner = listDir(join(dir, split)).files.map((name) => join(dir, split, name));
    if (inner.length) return inner;
  }
  return [];
}

function singleFormat(root: string, files: string[]): DatasetFormat {
  const formats = new Set(files.map((f) => formatOfFile(f)!));
  if (formats.size > 1) {
    throw new InputError(root, `mixes ${[...formats].join(' and ')} files for one split (${files.map((f) => basename(f)).join(', ')}).`, 'Keep one format per split, or point dataset.path at one file.');
  }
  return [...formats][0]!;
}

/** The files of `split` under `path` (a data file or a dataset folder), sorted by name. */
export function resolveSplitFiles(path: string, split: string | undefined, config?: string): SplitFiles {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (error) {
    return throwReadError(path, error);
  }
  if (!isDir) {
    const format = formatOfFile(path);
    if (!format) throw new InputError(path, 'is not a dataset format QuantLens reads.', 'Use .jsonl, .json, .csv or .parquet, or set dataset.format in the task file.');
    return { files: [path], format };
  }
  const { files: topFiles, dirs } = listDir(path);
  if (topFiles.length === 0 && dirs.length === 0) {
    throw new InputError(path, 'holds no .jsonl, .json, .csv or .parquet files.', 'Point dataset.path at the folder that holds the data files, or at one file.');
  }
  if (split === undefined) {
    if (topFiles.length === 1) return { files: [join(path, topFiles[0]!)], format: formatOfFile(topFiles[0]!)! };
    throw new InputError(path, 'is a folder with several data files, and no split was named.', 'Set dataset.split (e.g. test, validation) or point dataset.path at one file.');
  }
  if (config !== undefined) {
    if (!dirs.includes(config)) {
      throw new InputError(path, `has no configuration folder "${config}" (folders: ${dirs.join(', ') || 'none'}).`, 'Set dataset.config to one of those folders.');
    }
    const files = findInFolder(join(path, config), split);
    if (!files.length) throw missingSplit(join(path, config), split);
    return { files, format: singleFormat(path, files), config };
  }
  const here = findInFolder(path, split);
  if (here.length) return { files: here, format: singleFormat(path, here) };
  const configs = dirs.filter((d) => d !== 'data' && d !== split && findInFolder(join(path, d), split).length > 0);
  if (configs.length === 1) {
    const files = findInFolder(join(path, configs[0]!), split);
    return { files, format: singleFormat(path, files), config: configs[0]! };
  }
  if (configs.length > 1) {
    throw new InputError(path, `has several configurations with a "${split}" split: ${configs.join(', ')}.`, `Set dataset.config to one of them (e.g. config: ${configs.includes('all') ? 'all' : configs[0]}).`);
  }
  if (topFiles.includes('dataset_dict.json') || dirs.some((d) => existsArrow(join(path, d)))) {
    throw new InputError(path, 'looks like a `datasets` save_to_disk folder (Arrow files), which QuantLens does not read.', 'Export the split with dataset.to_parquet("test.parquet") or .to_json("test.jsonl").');
  }
  throw missingSplit(path, split);
}

function existsArrow(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => name.endsWith('.arrow'));
  } catch {
    return false;
  }
}

function missingSplit(dir: string, split: string): InputError {
  const available = splitNamesIn(dir);
  return new InputError(
    dir,
    `has no files for the split "${split}"${available.length ? ` (found: ${available.join(', ')})` : ''}.`,
    'Name the split as the files are named (<split>.jsonl, <split>-00000-of-00001.parquet, data/<split>-*.parquet), or point dataset.path at one file.',
  );
}
