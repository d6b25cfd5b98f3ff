import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** examples/tasks in the repository (tests run from dist-test/<dir>/, two levels below the root). */
export const EXAMPLES = resolve(__dirname, '..', '..', 'examples', 'tasks');

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `quantlens-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
