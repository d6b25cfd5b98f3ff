/** Cross-check helper (not shipped): QuantLens's codeBleu on each case of a JSON file, printed as JSON. */
import { readFileSync } from 'node:fs';
import { codeBleu } from '../../src/node/codebleu/index';

async function main(): Promise<void> {
  const cases = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { prediction: string; references: string[]; language: 'python' | 'javascript' }[];
  const out = [];
  for (const c of cases) out.push(await codeBleu(c.prediction, c.references, c.language));
  process.stdout.write(JSON.stringify(out));
}

void main();
