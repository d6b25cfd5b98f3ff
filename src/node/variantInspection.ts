import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isInputError } from '../shared/errors';
import type { InputProblem, ModelVariant, QuantSignature } from '../shared/modelTypes';
import { isFileSystemError, problemOf } from './fileReadErrors';
import { readQuantSignature } from './onnxStream';
import { dtypeOfOnnxFile, isExternalDataFileOf } from './variantNaming';
import { nameVersusGraph } from './variantNameCheck';

/**
 * Describes one .onnx file: dtype from its name, signature from its graph, size with its external
 * data. A fault is recorded on the variant, so one broken file never hides the others.
 * @param siblings names of the entries in the .onnx file's folder, where its external data lives.
 */
export async function inspectVariant(file: string, siblings: readonly string[]): Promise<Omit<ModelVariant, 'id'>> {
  const fileName = basename(file);
  const folder = dirname(file);
  const externalDataFiles = new Set(
    siblings.filter((name) => isExternalDataFileOf(fileName, name)).map((name) => join(folder, name)),
  );
  let signature: QuantSignature | undefined;
  let error: InputProblem | undefined;
  try {
    signature = readQuantSignature(file);
  } catch (caught) {
    if (!isInputError(caught)) throw caught;
    error = problemOf(caught);
  }
  for (const location of signature?.externalDataLocations ?? []) {
    const dataFile = resolve(folder, location);
    if ((await regularFileSize(dataFile)) !== undefined) {
      externalDataFiles.add(dataFile);
    } else {
      error ??= {
        file: dataFile,
        problem: `is missing; ${fileName} keeps weights in it.`,
        remedy: `Copy it next to ${fileName}; it comes with the model's download.`,
      };
    }
  }
  const sizes = await Promise.all([file, ...externalDataFiles].map(regularFileSize));
  const dtype = dtypeOfOnnxFile(fileName);
  const mismatch = signature && nameVersusGraph(file, dtype, signature);
  return {
    dtype,
    file,
    externalDataFiles: [...externalDataFiles].sort(),
    sizeBytes: sizes.reduce<number>((total, size) => total + (size ?? 0), 0),
    ...(signature ? { signature } : {}),
    ...(error ? { error } : {}),
    ...(mismatch ? { warnings: [mismatch] } : {}),
  };
}

/** The size of a regular file; undefined for what is missing, unreadable or not a file (a fault recorded elsewhere). */
async function regularFileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch (error) {
    if (isFileSystemError(error)) return undefined;
    throw error;
  }
}
