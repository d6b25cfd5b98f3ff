/** The run card's code-execution record as the CLI prints it after the task table: who allowed it, what isolation was in force. */
import { readFileSync } from 'node:fs';
import type { RunCard } from '../shared/report/schema';
import { RUN_FILES } from '../node/runFolder/layout';
import { join } from 'node:path';

export function codeExecutionLines(runFolder: string): string[] {
  let card: RunCard;
  try {
    card = JSON.parse(readFileSync(join(runFolder, RUN_FILES.card), 'utf8')) as RunCard;
  } catch {
    return [];
  }
  const record = card.spec.codeExecution;
  if (!record) return [];
  const lines = [`\nCode execution (allowed by ${record.allowedBy}; ${record.limits.wallMs} ms, ${Math.round(record.limits.memoryBytes / 1024 ** 2)} MiB per sample):`];
  for (const i of record.interpreters) {
    const iso = i.isolation;
    lines.push(`  ${i.language} ${i.version} (${i.path}): network ${iso.network}, filesystem ${iso.filesystem}, processes ${iso.processes}, limits ${iso.limits}${iso.user === 'nobody' ? ', as nobody' : ''}`);
    for (const note of iso.notes) lines.push(`    ${note}`);
  }
  return lines;
}
