import { InputError } from '../shared/errors';
import type { InputProblem } from '../shared/modelTypes';

/** True for the errors Node's fs raises (they carry an errno code such as 'EACCES'). */
export function isFileSystemError(value: unknown): value is NodeJS.ErrnoException {
  return value instanceof Error && typeof (value as NodeJS.ErrnoException).code === 'string';
}

/** Throws an fs error on a user's file as an InputError that says what to do; rethrows any other error as is. */
export function throwReadError(file: string, error: unknown): never {
  if (!isFileSystemError(error)) throw error;
  throw readErrorAsInputError(file, error);
}

export function readErrorAsInputError(file: string, error: NodeJS.ErrnoException): InputError {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return new InputError(
        file,
        'cannot be read: permission denied.',
        'Give your user read permission on it, or copy the model to a folder you own.',
      );
    case 'EISDIR':
      return new InputError(file, 'is a folder, where a file was expected.', 'Rename or remove that folder.');
    case 'ENOTDIR':
      return new InputError(file, 'is a file, where a folder was expected.', 'Choose the folder that holds the model.');
    case 'ENOENT':
      return new InputError(file, 'does not exist.', 'Check the path; the file may have been moved or deleted.');
    default:
      return new InputError(
        file,
        `cannot be read (${error.code}: ${error.message}).`,
        'Check that the disk is readable and nothing else holds the file, then try again.',
      );
  }
}

export function problemOf(error: InputError): InputProblem {
  return {
    file: error.file,
    ...(error.line !== undefined ? { line: error.line } : {}),
    ...(error.column !== undefined ? { column: error.column } : {}),
    problem: error.problem,
    remedy: error.remedy,
  };
}
