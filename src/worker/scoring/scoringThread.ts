import { parentPort } from 'node:worker_threads';
import { scoreBatch, ScoreJob } from './scoreBatch';

/**
 * The lockstep scorer's thread (dist/scoring-thread.js). onnxruntime-node's session.run holds the
 * JavaScript thread while it computes, so scoring on that thread adds to the forward time; here it
 * runs on another core while the next window's forward passes run.
 */
parentPort?.on('message', (message: { id: number; job: ScoreJob }) => {
  const result = scoreBatch(message.job);
  const buffers = [result.kld, result.reverseKld, result.deltaP, result.nllBase, result.nllVariant, result.sameTop].map((a) => a.buffer as ArrayBuffer);
  parentPort!.postMessage({ id: message.id, result }, buffers);
});
