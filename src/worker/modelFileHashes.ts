import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelVariant } from '../shared/modelTypes';
import type { InputFileRef, ModelFileRefs } from '../shared/report/schema';
import { fileRef } from './fileHash';

/** An optional file of the model folder: hashed when it is there, null when it is not. */
function optionalRef(path: string): InputFileRef | null {
  return existsSync(path) && statSync(path).isFile() ? fileRef(path) : null;
}

/**
 * SHA-256 of every model folder file a number can depend on: config, tokenizer files and each
 * variant's weights. A variant discovery found unreadable gets no files: its path may not even be
 * a file (a folder named *.onnx), and its units only fail with the reason.
 */
export function hashModelFiles(folder: string, variants: readonly ModelVariant[]): ModelFileRefs {
  return {
    config: fileRef(join(folder, 'config.json')),
    tokenizer: fileRef(join(folder, 'tokenizer.json')),
    tokenizerConfig: optionalRef(join(folder, 'tokenizer_config.json')),
    chatTemplate: optionalRef(join(folder, 'chat_template.jinja')),
    generationConfig: optionalRef(join(folder, 'generation_config.json')),
    variants: Object.fromEntries(variants.map((v) => [v.id, v.error ? [] : [v.file, ...v.externalDataFiles].map(fileRef)])),
  };
}
