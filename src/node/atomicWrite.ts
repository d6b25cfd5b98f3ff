import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** For tests: runs after the temporary file is written and synced, just before it replaces the file. */
  beforeRename?: (tempFile: string) => void;
}

/** What every temporary file of `file` starts with (its basename), so a crashed writer's can be found and removed. */
export function atomicTempPrefix(file: string): string {
  return `${basename(file)}.tmp-`;
}

/**
 * Writes `file` whole or not at all: a temporary file in the same folder (unique to this process
 * and call, so two writers never share one), fsync'd, then renamed over the file, then the folder
 * fsync'd so the rename itself survives a crash. A reader never sees half a file, and a crash at any
 * moment leaves the old file or the new one.
 */
export function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = {}): void {
  const folder = dirname(file);
  mkdirSync(folder, { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    options.beforeRename?.(temp);
    renameWithRetry(temp, file);
  } catch (error) {
    tryUnlink(temp);
    throw error;
  }
  fsyncFolder(folder);
}

/** rename, retried briefly where Windows refuses while another process has the target open. */
function renameWithRetry(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= 5 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** Makes a rename durable; not possible on every platform (Windows cannot open a folder), where it is skipped. */
function fsyncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Directory fsync unsupported here.
  }
}

/** Removes a file that may already be gone (a temp file, a stale lock). */
export function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Not there.
  }
}
