import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { RunCard, RunEvent, RunReport, SampleRecord } from '../../shared/report/schema';
import { writeFileAtomic } from '../atomicWrite';
import { RunFileRole, runFile, runFolderOf } from './layout';

/** Writes a JSON file whole or not at all: a reader never sees half a run.json or report.json. */
function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * The run folder as the engine writes it. events.jsonl and samples.jsonl are append-only and
 * fsync'd after each unit, so a crash or kill loses nothing already computed.
 */
export class RunFolder {
  constructor(readonly path: string) {}

  /** A new run folder `<root>/.quantlens/runs/<runId>` with its run.json. */
  static create(root: string, card: RunCard): RunFolder {
    const path = runFolderOf(root, card.runId);
    mkdirSync(path, { recursive: true });
    const folder = new RunFolder(path);
    folder.writeCard(card);
    return folder;
  }

  /** run.json, whole: at creation, and on resume with the inputs' hashes as they are now. */
  writeCard(card: RunCard): void {
    writeJsonAtomic(runFile(this.path, 'card'), card);
  }

  appendEvent(event: RunEvent): void {
    this.appendLines('events', [JSON.stringify(event)]);
  }

  appendSamples(samples: readonly SampleRecord[]): void {
    if (samples.length) this.appendLines('samples', samples.map((s) => JSON.stringify(s)));
  }

  /** On resume: keep only the samples of units that completed (a crash may have left more). */
  keepSamplesOf(completedVariantIds: ReadonlySet<string>): void {
    let text = '';
    try {
      text = readFileSync(runFile(this.path, 'samples'), 'utf8');
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
    // Atomic: a crash while trimming must not lose the samples of the units that are kept.
    writeFileAtomic(runFile(this.path, 'samples'), kept.map((l) => l + '\n').join(''));
  }

  writeReport(report: RunReport): string {
    const file = runFile(this.path, 'report');
    writeJsonAtomic(file, report);
    return file;
  }

  private appendLines(role: RunFileRole, lines: string[]): void {
    const fd = openSync(runFile(this.path, role), 'a');
    try {
      writeSync(fd, lines.join('\n') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
