import { createHash } from 'node:crypto';
import type { ModelVariant } from '../../shared/modelTypes';
import { RequestJournal } from '../../node/runFolder/requestJournal';
import { servedIdentitySha256 } from '../modelFileHashes';
import { EndpointBackend } from './endpointBackend';
import type { GreedyResult, ModelBackend, PromptTopK } from './modelBackend';

/**
 * Gives a served variant's backend the run folder's request journal; says how many answers a
 * resumed run holds for it. Other backends are left alone (an in-process forward is not a request).
 */
export function journalServedRequests(backend: ModelBackend, variant: ModelVariant, runFolder: string, warn: (message: string) => void): void {
  if (!(backend instanceof EndpointBackend) || !variant.served) return;
  const journal = RequestJournal.forRun(runFolder, variant.id);
  const answers = new ServedAnswers(journal, servedIdentitySha256(variant.served), warn);
  if (journal.skippedLines) warn(`${variant.id}: ${journal.file} had ${journal.skippedLines} unreadable line(s) (cut off by a crash?); those requests are sent again.`);
  if (answers.held) warn(`${variant.id}: ${answers.held} finished request(s) of the interrupted run are in ${journal.file}; those asked again with the same endpoint identity are answered from it, not sent.`);
  backend.useAnswers(answers);
}

/**
 * What a served variant's finished requests are journaled as (requests.jsonl), exactly: float64
 * and int32 arrays as the base64 of their bytes (no decimal round trip), generations with their
 * token times relative to the request's start. A resumed run reads them back instead of asking
 * the server again; the numbers computed from them are those of an uninterrupted run.
 */
/**
 * Whole-vocabulary rows journaled per answer at most (8 bytes each): a real model's vocabulary
 * makes one window's rows tens of MB (128k ids × 256 positions = 260 MB), which would fill the
 * disk over a corpus. Larger answers are sent again on resume; top-k rows and generations are small.
 */
export const MAX_JOURNALED_ENTRIES = 1 << 20;

export class ServedAnswers {
  /** Requests answered from the journal in this process (not sent). */
  reused = 0;
  private warnedTooLarge = false;

  constructor(private readonly journal: RequestJournal, private readonly identitySha256: string, private readonly warn: (message: string) => void = () => {}) {}

  /** Answers the journal held when it was opened (from the run being resumed). */
  get held(): number {
    return this.journal.size;
  }

  /**
   * The key of a request: the endpoint's identity (the hash resume compares: base URLs, served
   * model, dialect, what /v1/models said) and everything the answer depends on.
   */
  key(method: string, args: unknown): string {
    return createHash('sha256').update(this.identitySha256).update('\n').update(method).update('\n').update(JSON.stringify(args)).digest('hex');
  }

  forward(key: string): Float64Array | undefined {
    const hit = this.journal.get(key) as string | undefined;
    if (typeof hit !== 'string') return undefined;
    this.reused++;
    return f64(hit);
  }

  recordForward(key: string, rows: Float64Array): void {
    if (rows.length > MAX_JOURNALED_ENTRIES) {
      if (!this.warnedTooLarge) this.warn(`${this.journal.variantId}: whole-vocabulary answers of ${rows.length} log-probabilities (over ${MAX_JOURNALED_ENTRIES}) are not kept in ${this.journal.file}, so a resumed run sends those requests again; top-k answers and generations are kept.`);
      this.warnedTooLarge = true;
      return;
    }
    this.journal.record(key, 'forward', b64(rows));
  }

  topK(key: string): PromptTopK | undefined {
    const hit = this.journal.get(key) as { target: string; ids: string[]; logprobs: string[]; asked: boolean } | undefined;
    if (!hit || typeof hit !== 'object') return undefined;
    this.reused++;
    return { targetLogprobs: f64(hit.target), rows: hit.ids.map((ids, i) => ({ ids: i32(ids), logprobs: f64(hit.logprobs[i]!) })), askedIdsReturned: hit.asked };
  }

  recordTopK(key: string, answer: PromptTopK): void {
    this.journal.record(key, 'promptTopK', { target: b64(answer.targetLogprobs), ids: answer.rows.map((r) => b64(r.ids)), logprobs: answer.rows.map((r) => b64(r.logprobs)), asked: answer.askedIdsReturned });
  }

  /** A finished generation, its token times shifted to now (they were measured when it was sent). */
  greedy(key: string, nowMs: number): GreedyResult | undefined {
    const hit = this.journal.get(key) as { tokens: number[]; stoppedBy: GreedyResult['stoppedBy']; times: number[] } | undefined;
    if (!hit || typeof hit !== 'object') return undefined;
    this.reused++;
    return { tokens: [...hit.tokens], stoppedBy: hit.stoppedBy, startedAtMs: nowMs, tokenTimesMs: hit.times.map((t) => nowMs + t) };
  }

  /** Only finished generations: a cancelled one is not an answer. */
  recordGreedy(key: string, result: GreedyResult): void {
    if (result.stoppedBy === 'cancelled') return;
    this.journal.record(key, 'generateGreedy', { tokens: result.tokens, stoppedBy: result.stoppedBy, times: result.tokenTimesMs.map((t) => t - result.startedAtMs) });
  }
}

function b64(array: Float64Array | Int32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/** Copied out of the Buffer: its offset in Node's pool need not be 8-aligned. */
function f64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function i32(text: string): Int32Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Int32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
