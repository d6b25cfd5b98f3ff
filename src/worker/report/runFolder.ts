import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunCard, RunEvent, RunReport, SampleRecord } from '../../shared/report/schema';

export const RUN_FILES = { card: 'run.json', events: 'events.jsonl', samples: 'samples.jsonl', report: 'report.json' } as const;

/** Writes one file whole or not at all: a reader never sees half a run.json or report.json. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, JSON.stringify(value, null, 2) + '\n');
  const fd = openSync(temp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(temp, file);
}

/**
 * The run folder as the engine writes it. events.jsonl and samples.jsonl are append-only and
 * fsync'd after each unit, so a crash or kill loses nothing already computed.
 */
export class RunFolder {
  constructor(readonly path: string) {}

  static create(path: string, card: RunCard): RunFolder {
    mkdirSync(path, { recursive: true });
    const folder = new RunFolder(path);
    folder.writeCard(card);
    return folder;
  }

  /** run.json, whole: at creation, and on resume with the inputs' hashes as they are now. */
  writeCard(card: RunCard): void {
    writeJsonAtomic(join(this.path, RUN_FILES.card), card);
  }

  appendEvent(event: RunEvent): void {
    this.appendLines(RUN_FILES.events, [JSON.stringify(event)]);
  }

  appendSamples(samples: readonly SampleRecord[]): void {
    if (samples.length) this.appendLines(RUN_FILES.samples, samples.map((s) => JSON.stringify(s)));
  }

  /** On resume: keep only the samples of units that completed (a crash may have left more). */
  keepSamplesOf(completedVariantIds: ReadonlySet<string>): void {
    let text = '';
    try {
      text = readFileSync(join(this.path, RUN_FILES.samples), 'utf8');
    } catch {
      return;
    }
    const kept = text.split('\n').filter((line) => {
      try {
        return completedVariantIds.has((JSON.parse(line) as SampleRecord).variantId);
      } catch {
        return false;
      }
    });
    writeFileSync(join(this.path, RUN_FILES.samples), kept.map((l) => l + '\n').join(''));
  }

  writeReport(report: RunReport): string {
    const file = join(this.path, RUN_FILES.report);
    writeJsonAtomic(file, report);
    return file;
  }

  private appendLines(name: string, lines: string[]): void {
    const fd = openSync(join(this.path, name), 'a');
    try {
      writeSync(fd, lines.join('\n') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
