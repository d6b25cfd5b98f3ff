import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../../shared/errors';
import { unknownMessageError } from '../../shared/messageGuards';
import { scoreBatch } from './scoreBatch';
import { isScorerToThread, scoredBuffers, ThreadToScorer } from './scoringProtocol';

/**
 * The lockstep scorer's thread (dist/scoring-thread.js). onnxruntime-node's session.run holds the
 * JavaScript thread while it computes, so scoring on that thread adds to the forward time; here it
 * runs on another core while the next window's forward passes run.
 */
parentPort?.on('message', (message: unknown) => {
  if (!isScorerToThread(message)) {
    reply({ type: 'score-failed', id: null, message: unknownMessageError('the scoring thread', message).message });
    return;
  }
  try {
    const result = scoreBatch(message.job);
    reply({ type: 'scored', id: message.id, result }, scoredBuffers(result));
  } catch (error) {
    reply({ type: 'score-failed', id: message.id, message: `the scoring thread could not score job ${message.id}: ${errorMessage(error)}` });
  }
});

function reply(message: ThreadToScorer, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}
