import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { runFile } from './layout';

/** One finished request as requests.jsonl holds it (one JSON object a line). */
interface JournalLine {
  /** sha256 of what makes the answer what it is (requestKey.ts): the endpoint's identity and the request. */
  key: string;
  variantId: string;
  method: string;
  answer: unknown;
}

/**
 * The run folder's requests.jsonl: every finished request to a served variant, appended and
 * fsync'd as it finishes, so a run killed or cancelled in the middle of a unit keeps what the
 * server already answered. Lines are only appended (a single write each); a line cut short by a
 * crash does not parse and is skipped, and the next append starts on a fresh line. Answers are
 * found by their key only, which names the endpoint's identity (what resume compares) and the
 * exact request, so an answer is never reused for another server or another question.
 */
export class RequestJournal {
  private readonly answers = new Map<string, unknown>();
  /** Lines that did not parse (a torn last line after a crash). */
  readonly skippedLines: number = 0;

  constructor(readonly file: string, readonly variantId: string) {
    if (!existsSync(file)) return;
    const text = readFileSync(file, 'utf8');
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const entry = JSON.parse(line) as JournalLine;
        if (entry.variantId === variantId && typeof entry.key === 'string') this.answers.set(entry.key, entry.answer);
      } catch {
        skipped++;
      }
    }
    this.skippedLines = skipped;
    // A torn last line: end it, so the next answer is a line of its own.
    if (text.length && !text.endsWith('\n')) this.write('\n');
  }

  static forRun(runFolder: string, variantId: string): RequestJournal {
    return new RequestJournal(runFile(runFolder, 'requests'), variantId);
  }

  /** Answers held (from the run being resumed, and those recorded since). */
  get size(): number {
    return this.answers.size;
  }

  get(key: string): unknown {
    return this.answers.get(key);
  }

  record(key: string, method: string, answer: unknown): void {
    const line: JournalLine = { key, variantId: this.variantId, method, answer };
    this.write(JSON.stringify(line) + '\n');
    this.answers.set(key, answer);
  }

  private write(text: string): void {
    const fd = openSync(this.file, 'a');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
