import type { Dirent } from 'node:fs';
import { basename } from 'node:path';
import type { ModelVariant } from '../../shared/modelTypes';
import { locateGgufModels } from './ggufFiles';
import { DTYPE_ORDER } from '../variantNaming';
import { GgufVariantDraft, inspectGgufVariant } from './inspectGgufVariant';

/**
 * The GGUF variants of a model folder (its own .gguf files and those in gguf/), in the ONNX
 * variants' order: by dtype, then file.
 * Ids are `gguf-<file type>` (`gguf-q4_k_m`); where two files share a file type (or have none),
 * each of them is `gguf-<file name stem>` instead, so ids stay unique and stable within the folder.
 */
export async function inspectGgufVariants(folder: string, entries: readonly Dirent[], takenIds: ReadonlySet<string>): Promise<ModelVariant[]> {
  const drafts: GgufVariantDraft[] = [];
  for (const files of await locateGgufModels(folder, entries)) drafts.push(await inspectGgufVariant(files));
  const byType = drafts.map((d) => (d.gguf?.fileType ? `gguf-${d.gguf.fileType.toLowerCase()}` : undefined));
  const ids = drafts.map((d, i) => {
    const typed = byType[i];
    if (typed && !takenIds.has(typed) && byType.filter((t) => t === typed).length === 1) return typed;
    return `gguf-${stemOf(d.file)}`;
  });
  return drafts
    .map((d, i) => ({ id: ids[i]!, ...d }))
    .sort((a, b) => DTYPE_ORDER.indexOf(a.dtype) - DTYPE_ORDER.indexOf(b.dtype) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The file name without .gguf and without a split part's -00001-of-00003, lower-cased. */
function stemOf(file: string): string {
  return basename(file).replace(/\.gguf$/i, '').replace(/-\d{5}-of-\d{5}$/, '').toLowerCase();
}

export { locateGgufModels };
