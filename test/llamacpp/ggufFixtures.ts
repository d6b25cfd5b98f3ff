import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ModelVariant } from '../../src/shared/modelTypes';

/** The fixture GGUF of `folder`'s family and `type`, as make-fixtures writes it: `<folder>/gguf/<family>-<TYPE>.gguf` (a copied folder names its family). */
export function fixtureGguf(folder: string, type: string, family = basename(folder)): string {
  const file = join(folder, 'gguf', `${family}-${type}.gguf`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run node dist/make-fixtures.js (it writes the fixture GGUFs)`);
  return file;
}

/** A GGUF variant of a file, as discovery would give it (only what the backend reads). */
export function ggufVariant(file: string, id = `gguf-${basename(file).replace(/^.*-([^-]+)\.gguf$/, '$1').toLowerCase()}`): ModelVariant {
  return {
    id,
    dtype: 'unknown',
    file,
    externalDataFiles: [],
    sizeBytes: statSync(file).size,
    gguf: { parts: [file], architecture: 'llama', tensorTypes: [], parameterCount: 0 },
  };
}
