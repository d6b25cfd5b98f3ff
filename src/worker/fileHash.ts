import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { InputFileRef } from '../shared/report/schema';

/** SHA-256 of a file read in 4 MiB chunks, so multi-GB weights never sit in memory whole. */
export function fileSha256(path: string): { bytes: number; sha256: string } {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return { bytes: statSync(path).size, sha256: hash.digest('hex') };
}

/** A file as the run spec records it: path, SHA-256 and size. */
export function fileRef(path: string): InputFileRef {
  return { path, ...fileSha256(path) };
}
