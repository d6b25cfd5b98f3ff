import { parentPort } from 'node:worker_threads';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { errorMessage } from '../shared/errors';
import { unknownMessageError } from '../shared/messageGuards';
import type { ModelVariant } from '../shared/modelTypes';
import { OnnxDecoderBackend } from '../worker/backend/onnxBackend';
import { GenerateMessage, isServerToThread, rowBuffers, ThreadToServer } from './protocol';
import { greedyToken, scoreRows } from './rowLogprobs';

/**
 * The model thread of `quantlens serve` (dist/serve-model-thread.js). It owns the one ONNX session.
 *
 * Concurrency: requests INTERLEAVE step by step, round-robin. Each job is its own async loop; after
 * every session.run (which computes synchronously on this thread) the loop yields a macrotask turn
 * (setImmediate), so the other jobs' next steps and any cancel message run in between, in arrival
 * order. A long prompt's prefill still holds the thread for its one pass. No batching across
 * requests: each request's numbers are those of a batch-1 decode, as in the in-process runs.
 */
let backend: OnnxDecoderBackend | null = null;
const active = new Set<number>();
const cancelled = new Set<number>();

parentPort?.on('message', (message: unknown) => {
  if (!isServerToThread(message)) return reply({ type: 'failed', id: null, message: unknownMessageError('the serve model thread', message).message });
  switch (message.type) {
    case 'load':
      OnnxDecoderBackend.load({
        modelFolder: message.modelFolder,
        variant: message.variant as ModelVariant,
        executionProvider: 'cpu',
        threads: message.threads,
        eosTokenIds: message.eosTokenIds,
      }).then(
        (loaded) => {
          backend = loaded;
          reply({ type: 'ready', vocabSize: loaded.vocabSize, executionProvider: loaded.executionProvider });
        },
        (error: unknown) => reply({ type: 'load-failed', message: errorMessage(error) }),
      );
      return;
    case 'generate':
      generate(message).catch((error: unknown) => reply({ type: 'failed', id: message.id, message: errorMessage(error) }));
      return;
    case 'cancel':
      if (active.has(message.id)) cancelled.add(message.id);
      return;
    case 'dispose':
      (backend?.dispose() ?? Promise.resolve()).finally(() => reply({ type: 'disposed' }));
      return;
  }
});

async function generate(job: GenerateMessage): Promise<void> {
  const model = backend;
  if (!model) throw new Error('the model is not loaded');
  const V = model.vocabSize;
  const stopIds = new Set(job.stopIds);
  active.add(job.id);
  try {
    let cursor = await model.decodeFrom(job.prompt);
    if (job.promptRows) {
      const rows = scoreRows(cursor.logits, 0, job.prompt.slice(1), V, job.promptRows);
      reply({ type: 'prompt-scored', id: job.id, rows }, rowBuffers(rows));
    }
    for (let produced = 0; ; ) {
      if (produced >= job.maxTokens) return reply({ type: 'done', id: job.id, reason: 'length' });
      await nextTurn();
      if (cancelled.has(job.id)) return reply({ type: 'done', id: job.id, reason: 'cancelled' });
      const last = cursor.rows - 1;
      const token = greedyToken(cursor.logits, last, V, produced < job.minTokens && stopIds.size ? stopIds : null);
      const selection = job.sampleIds ? { kind: 'ids' as const, ids: job.sampleIds } : job.sampleRows;
      const row = selection ? scoreRows(cursor.logits, last, [token], V, selection) : null;
      produced++;
      reply({ type: 'token', id: job.id, token, row }, rowBuffers(row));
      if (stopIds.has(token)) return reply({ type: 'done', id: job.id, reason: 'stop-id' });
      if (produced >= job.maxTokens) return reply({ type: 'done', id: job.id, reason: 'length' });
      cursor = await cursor.next(token);
    }
  } finally {
    active.delete(job.id);
    cancelled.delete(job.id);
  }
}

function reply(message: ThreadToServer, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}
