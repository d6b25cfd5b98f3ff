import type { ServerResponse } from 'node:http';
import { Finish, GeneratedStep, GenerationJob, runGeneration } from './generation';
import { HttpError } from './httpErrors';
import type { ScoredRows } from './protocol';
import type { RequestTiming } from './requestLog';
import type { ServeContext } from './serveContext';

/** What one prompt's run gave: its rows, steps and how it ended. */
export interface PromptResult {
  promptRows: ScoredRows | null;
  steps: GeneratedStep[];
  text: string;
  finish: Finish;
}

export interface StepSink {
  /** Called as each step arrives (streaming writes its chunk here). */
  onStep?(step: GeneratedStep, promptRows: ScoredRows | null): void;
  onFinishWithoutToken?(finish: Finish, textDelta: string, promptRows: ScoredRows | null): void;
}

/**
 * Runs one prompt to its end and resolves with everything it gave; rejects when the model thread
 * failed (500) and resolves null when the client went away (the generation is cancelled: a closed
 * connection stops its decode at the next step).
 */
export function runPrompt(ctx: ServeContext, job: GenerationJob, res: ServerResponse, sink: StepSink = {}): Promise<PromptResult | null> {
  if (res.destroyed) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    let promptRows: ScoredRows | null = null;
    const steps: GeneratedStep[] = [];
    const onClose = (): void => {
      if (!res.writableEnded) handle.cancel();
    };
    const settle = (): void => {
      res.off('close', onClose);
    };
    const handle = runGeneration(ctx.client, (t) => ctx.tokenizer.decode(t), job, {
      onPromptRows: (rows) => {
        promptRows = rows;
      },
      onStep: (step) => {
        steps.push(step);
        sink.onStep?.(step, promptRows);
        if (step.finish) {
          settle();
          resolve({ promptRows, steps, text: handle.text(), finish: step.finish });
        }
      },
      onFinishWithoutToken: (finish, textDelta) => {
        sink.onFinishWithoutToken?.(finish, textDelta, promptRows);
        settle();
        resolve({ promptRows, steps, text: handle.text(), finish });
      },
      onCancelled: () => {
        settle();
        resolve(null);
      },
      onFailed: (message) => {
        settle();
        reject(new HttpError(500, `the model failed on this request: ${message}`));
      },
    });
    res.on('close', onClose);
  });
}

/** Marks a request's timing entry finished. */
export function finishTiming(timing: RequestTiming, status: RequestTiming['status'], at: number): void {
  timing.status = status;
  timing.finishedMs = at;
}
