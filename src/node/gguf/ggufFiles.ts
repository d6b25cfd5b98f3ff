import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The subfolder a model folder may keep its GGUF files in, beside config.json (or they sit in the folder itself). */
export const GGUF_SUBFOLDER = 'gguf';

/** llama.cpp's split naming (llama_split_path): `<prefix>-00001-of-00003.gguf`. */
const SPLIT_NAME = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

/** One GGUF model as files: a single file, or the parts of a split model (some may be missing). */
export interface GgufModelFiles {
  /** Every part's path in order, present or not (part 1 first); one entry when not split. */
  parts: string[];
  /** The parts that are not on disk. */
  missing: string[];
  /** Where a name in the folder looks like a split part but its numbers cannot be (part 0, part > count). */
  badName?: string;
}

export function isGgufFileName(name: string): boolean {
  return name.toLowerCase().endsWith('.gguf');
}

/** The .gguf entries of a model folder and of its gguf/ subfolder, grouped into models. */
export async function locateGgufModels(folder: string, entries: readonly Dirent[]): Promise<GgufModelFiles[]> {
  const models = groupGgufFiles(folder, entries.filter((e) => isGgufFileName(e.name)).map((e) => e.name));
  if (entries.some((entry) => entry.name === GGUF_SUBFOLDER && entry.isDirectory())) {
    const sub = join(folder, GGUF_SUBFOLDER);
    let names: string[] = [];
    try {
      names = (await readdir(sub)).filter(isGgufFileName);
    } catch {
      // An unreadable gguf/ folder holds nothing we can show; the folder's other variants still count.
    }
    models.push(...groupGgufFiles(sub, names));
  }
  return models;
}

/**
 * Groups file names of one folder: split parts by prefix and count (their missing parts named as
 * llama.cpp would look for them), every other name on its own. Sorted by first part's path.
 */
export function groupGgufFiles(folder: string, names: readonly string[]): GgufModelFiles[] {
  const singles: GgufModelFiles[] = [];
  const splits = new Map<string, { prefix: string; count: number; width: number; present: Map<number, string> }>();
  for (const name of names) {
    const m = SPLIT_NAME.exec(name);
    const count = m ? Number(m[3]) : 0;
    const index = m ? Number(m[2]) : 0;
    if (!m || count < 1) {
      singles.push({ parts: [join(folder, name)], missing: [] });
      continue;
    }
    if (index < 1 || index > count) {
      singles.push({ parts: [join(folder, name)], missing: [], badName: `is named as part ${index} of ${count}, which cannot be` });
      continue;
    }
    const key = `${m[1]}\u0000${count}`;
    const group = splits.get(key) ?? { prefix: m[1]!, count, width: m[2]!.length, present: new Map<number, string>() };
    group.present.set(index, name);
    splits.set(key, group);
  }
  const grouped = [...splits.values()].map(({ prefix, count, present }) => {
    const parts: string[] = [];
    const missing: string[] = [];
    for (let i = 1; i <= count; i++) {
      const name = present.get(i) ?? `${prefix}-${String(i).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.gguf`;
      parts.push(join(folder, name));
      if (!present.has(i)) missing.push(join(folder, name));
    }
    return { parts, missing };
  });
  return [...singles, ...grouped].sort((a, b) => (a.parts[0]! < b.parts[0]! ? -1 : a.parts[0]! > b.parts[0]! ? 1 : 0));
}
