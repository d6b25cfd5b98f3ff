import type { JobSpec, ModelClient } from './modelClient';
import type { RowRequest, ScoredRows } from './protocol';
import { TextStream } from './textStream';

/** Why a choice ended, in OpenAI/vLLM terms: stop_reason is the stop string or stop token id (null for EOS). */
export interface Finish {
  finishReason: 'stop' | 'length';
  stopReason: string | number | null;
}

export interface GeneratedStep {
  token: number;
  row: ScoredRows | null;
  /** Text that became safe to send with this token (may be empty). */
  textDelta: string;
  /** Set on the last token: the choice ends with it. */
  finish: Finish | null;
}

export interface GenerationEvents {
  onPromptRows?(rows: ScoredRows): void;
  onStep(step: GeneratedStep): void;
  /** The choice ended without a last token to carry it (max_tokens 0); `textDelta` flushes the rest. */
  onFinishWithoutToken(finish: Finish, textDelta: string): void;
  onCancelled(): void;
  onFailed(message: string): void;
}

export interface GenerationJob {
  prompt: number[];
  maxTokens: number;
  minTokens: number;
  /** EOS ids (none with ignore_eos). */
  eosIds: readonly number[];
  stopTokenIds: readonly number[];
  stop: readonly string[];
  includeStopStr: boolean;
  promptRows: RowRequest | null;
  sampleRows: RowRequest | null;
  sampleIds: number[] | null;
}

/**
 * One prompt's generation: the model thread decodes, this side turns tokens into text, applies
 * stop strings, and says which token ends the choice. Returns a cancel function (client gone).
 */
export function runGeneration(client: ModelClient, decode: (tokens: readonly number[]) => string, job: GenerationJob, events: GenerationEvents): { cancel(): void; text(): string; tokens(): number } {
  const text = new TextStream(decode, job.stop, job.minTokens, job.includeStopStr);
  const eos = new Set(job.eosIds);
  const stopIds = new Set([...job.eosIds, ...job.stopTokenIds]);
  let ended = false;
  const spec: JobSpec = {
    prompt: job.prompt,
    maxTokens: job.maxTokens,
    minTokens: job.minTokens,
    stopIds: [...stopIds],
    promptRows: job.promptRows,
    sampleRows: job.sampleRows,
    sampleIds: job.sampleIds,
  };
  const id = client.run(spec, {
    onPromptRows: (rows) => events.onPromptRows?.(rows),
    onToken: (token, row) => {
      if (ended) return;
      let finish: Finish | null = null;
      if (text.push(token)) finish = { finishReason: 'stop', stopReason: text.stoppedBy };
      else if (stopIds.has(token)) finish = { finishReason: 'stop', stopReason: eos.has(token) ? null : token };
      else if (text.tokenCount >= job.maxTokens) finish = { finishReason: 'length', stopReason: null };
      if (finish) {
        ended = true;
        // A stop string ended the text before the model did: stop decoding now.
        if (finish.stopReason !== null && typeof finish.stopReason === 'string') client.cancel(id);
      }
      events.onStep({ token, row, textDelta: text.delta(finish !== null), finish });
    },
    onDone: (reason) => {
      if (ended) return;
      ended = true;
      if (reason === 'cancelled') return events.onCancelled();
      events.onFinishWithoutToken({ finishReason: reason === 'length' ? 'length' : 'stop', stopReason: null }, text.delta(true));
    },
    onFailed: (message) => {
      if (ended) return;
      ended = true;
      events.onFailed(message);
    },
  });
  return {
    cancel: () => {
      if (ended) return;
      client.cancel(id);
    },
    text: () => text.fullText,
    tokens: () => text.tokenCount,
  };
}
