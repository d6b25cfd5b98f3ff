import { errorMessage } from '../shared/errors';
import { isParentToWorker, WorkerToParent } from '../shared/protocol';
import { runEvaluation } from './engine';
import { runPerformanceProbe } from './passes/performanceProbe';
import { describeEnvironment } from './environment';

/**
 * The evaluation worker: a Node child process forked by the extension host or the CLI. It never
 * calls process.exit; when the run is done it closes the IPC channel and ends on its own, and the
 * parent decides what a failure means.
 */
if (process.argv.includes('--perf-probe')) {
  runPerformanceProbe();
} else if (process.argv.includes('--env')) {
  // `quantlens env`: the environment part of a run card, as JSON on stdout.
  void describeEnvironment(process.argv.includes('--probe')).then((env) => process.stdout.write(JSON.stringify(env, null, 2) + '\n'));
} else {
  let cancelled = false;
  let started = false;
  const send = (message: WorkerToParent): void => {
    if (process.connected) process.send?.(message);
  };
  process.on('uncaughtException', (error) => send({ type: 'error', message: `internal error: ${errorMessage(error)}`, fatal: true }));
  process.on('unhandledRejection', (error) => send({ type: 'error', message: `internal error: ${errorMessage(error)}`, fatal: true }));
  process.on('message', (message: unknown) => {
    if (!isParentToWorker(message)) return;
    if (message.type === 'cancel') {
      cancelled = true;
      send({ type: 'log', level: 'info', message: 'Cancelling after the current step; completed units stay on disk.' });
      return;
    }
    if (started) {
      send({ type: 'error', message: 'This worker is already running an evaluation; start another worker for another run.', fatal: false });
      return;
    }
    started = true;
    void runEvaluation(message, { send, shouldStop: () => cancelled, workerScript: __filename }).then((done) => {
      send(done);
      process.disconnect?.();
    });
  });
}
