/**
 * A problem with something the user gave us (a model file, a dataset, a settings value).
 * It always names the file, and the line where one applies, and says what to do about it, so that
 * every door (CLI, output channel, results panel) can show the same one clear sentence.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    /** The file at fault, as the user would recognise it (absolute or workspace-relative). */
    readonly file: string,
    /** What is wrong, in one sentence. */
    readonly problem: string,
    /** What the user can do about it. */
    readonly remedy: string,
    /** 1-based line (or row) where the fault is, when it has one. */
    readonly line?: number,
    /** 1-based column on that line, for syntax errors (editors jump to file:line:column). */
    readonly column?: number,
  ) {
    super(`${fileLocation(file, line, column)}: ${problem} ${remedy}`.trim());
  }
}

/** `file`, `file:line` or `file:line:column`, as compilers print them and editors open them. */
export function fileLocation(file: string, line?: number, column?: number): string {
  if (line === undefined) return file;
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
}

export function isInputError(value: unknown): value is InputError {
  return value instanceof Error && value.name === 'InputError' && 'file' in value && 'problem' in value;
}

/** The message of any thrown value, for logs and reports. */
export function errorMessage(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
