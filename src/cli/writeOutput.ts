import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** A command's output: to FILE when `--out` names one (and say so on stderr), to stdout otherwise. */
export function writeOutput(text: string, out: string | undefined): void {
  if (!out) {
    process.stdout.write(text);
    return;
  }
  writeFileSync(out, text);
  console.error(`Wrote ${resolve(out)}`);
}
