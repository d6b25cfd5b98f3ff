import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ModelVariant } from '../../src/shared/modelTypes';
import { ggufVariantPath } from '../../src/modelmaker/gguf/ggufFixtures';
import { FIXTURE_MODELS } from '../helpers/fixtures';

/** make-fixtures' GGUF fixture folders: each family's config, tokenizer, fp32 ONNX baseline and every GGUF type. */
export const GGUF_MODELS_ROOT = resolve('fixtures/gguf-models');
export const GGUF_MODELS = FIXTURE_MODELS.map((folder) => join(GGUF_MODELS_ROOT, basename(folder)));
/** The hostile and odd GGUF files (fixtures/gguf-edge/quantlens-tiny-llama/gguf/). */
export const GGUF_EDGE = resolve('fixtures/gguf-edge/quantlens-tiny-llama');

/** The fixture GGUF of a folder's family and `type` (`<folder>/gguf/<family>-<TYPE>.gguf`; a copied folder names its family). */
export function fixtureGguf(folder: string, type: string, family = basename(folder)): string {
  const file = ggufVariantPath(folder, type, family);
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

/** log-softmax in float64 of one row of raw logits. */
export function logSoftmax(row: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]!);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  const lse = max + Math.log(sum);
  return Float64Array.from(row, (v) => v - lse);
}
