import * as vscode from 'vscode';
import type { ExecutionProviderChoice } from '../shared/report/schema';
import type { EvaluationSettings } from './logic/runRequest';

/**
 * One typed view of the `quantlens.*` settings (rust-analyzer's Config idea). Read at the start of
 * each run: a run in progress keeps the settings it started with.
 */
export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('quantlens');
  }

  evaluation(): EvaluationSettings {
    const s = this.section;
    return {
      executionProvider: s.get<ExecutionProviderChoice>('executionProvider', 'auto'),
      threads: s.get<number>('threads', 0),
      contextLength: s.get<number>('contextLength', 512),
      stride: s.get<number>('stride', 0),
      maxNewTokens: s.get<number>('maxNewTokens', 64),
      warmups: s.get<number>('warmups', 2),
      repetitions: s.get<number>('repetitions', 5),
      performancePromptTokens: s.get<number>('performance.promptTokens', 64),
      performanceOutputTokens: s.get<number>('performance.outputTokens', 32),
      performanceSweep: {
        inputLengths: s.get<number[]>('performance.inputLengths', []),
        outputLengths: s.get<number[]>('performance.outputLengths', []),
        batchSizes: s.get<number[]>('performance.batchSizes', [1]),
        concurrency: s.get<number[]>('performance.concurrency', [1]),
        minIterations: s.get<number>('performance.minIterations', 0),
        minSeconds: s.get<number>('performance.minSeconds', 0),
        rounds: s.get<number>('performance.rounds', 2),
      },
    };
  }

  /** Where `.quantlens/runs` goes; empty means beside the model folder. */
  outputFolder(): string {
    return this.section.get<string>('outputFolder', '');
  }

  /** Settings changes that affect evaluation, so the UI can say "takes effect on the next run". */
  static affectsEvaluation(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration('quantlens');
  }
}
