import * as vscode from 'vscode';
import { formatDuration } from '../shared/format';
import type { ProgressMessage, StartRunMessage, WorkerToParent } from '../shared/protocol';
import { WorkerClient } from '../node/workerClient';
import { CommandId } from './commandIds';
import { DisposableStore } from './disposables';
import { RunCoordinator, RunRecord } from './logic/runCoordinator';

/**
 * The VS Code face of the RunCoordinator: forks the worker, streams its log into the QuantLens
 * output channel, shows a cancellable progress notification and a status bar item, and reports the
 * end of each run. The extension's lifetime owns this; each worker's lifetime is one run.
 */
export class RunService implements vscode.Disposable {
  readonly coordinator: RunCoordinator;
  private readonly disposables = new DisposableStore();
  private readonly statusBar: vscode.StatusBarItem;
  private readonly progressSinks = new Map<RunRecord, (message: ProgressMessage) => void>();
  private readonly finishedWaiters = new Map<RunRecord, () => void>();
  private readonly changed = new vscode.EventEmitter<RunRecord>();
  readonly onDidChangeRun = this.changed.event;
  /**
   * The stored endpoint keys each run's worker gets in its environment (logic/endpointKeys.ts),
   * held only until its worker starts (a queued run waits): never in the record, the request or a log.
   */
  private readonly workerEnv = new WeakMap<StartRunMessage, Record<string, string>>();

  constructor(extensionPath: string, private readonly log: vscode.LogOutputChannel) {
    this.statusBar = this.disposables.add(vscode.window.createStatusBarItem('quantlens.run', vscode.StatusBarAlignment.Left, 10));
    this.statusBar.name = 'QuantLens evaluation';
    this.statusBar.command = CommandId.showOutput;
    this.disposables.add(this.changed);
    this.coordinator = new RunCoordinator(
      (start, onMessage) => {
        const env = this.workerEnv.get(start);
        this.workerEnv.delete(start);
        return new WorkerClient(start, {
          workerScript: vscode.Uri.joinPath(vscode.Uri.file(extensionPath), 'dist', 'worker.js').fsPath,
          env,
          onMessage,
          onStderr: (line) => this.log.warn(`[worker stderr] ${line}`),
        });
      },
      {
        onMessage: (record, message) => this.onMessage(record, message),
        onChange: (record) => {
          this.updateStatusBar();
          this.changed.fire(record);
        },
        onFinished: (record) => void this.onFinished(record),
      },
    );
  }

  /**
   * Starts (or queues) a run, with a progress notification for it. `env`: variables the worker gets
   * beside the host's own (the stored API keys its request names by variable).
   */
  async start(start: StartRunMessage, env: Record<string, string> = {}): Promise<void> {
    this.workerEnv.set(start, env);
    const outcome = this.coordinator.request(start);
    let record: RunRecord;
    if (outcome.kind === 'busy') {
      const choice = await vscode.window.showWarningMessage(
        `An evaluation of ${start.request.modelFolder} is already running.`,
        'Queue After It',
        'Cancel It and Start',
      );
      if (choice === 'Queue After It') record = this.coordinator.enqueue(start);
      else if (choice === 'Cancel It and Start') {
        this.coordinator.cancel(start.request.modelFolder);
        record = this.coordinator.enqueue(start);
      } else return;
    } else {
      record = outcome.record;
    }
    this.log.info(`Evaluation requested for ${start.request.modelFolder} (${start.request.measures.join(', ')}${start.resume ? ', resume' : ''})`);
    this.showProgress(record);
  }

  private showProgress(record: RunRecord): void {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `QuantLens: ${record.start.request.modelFolder.split(/[\\/]/).pop()}`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          token.onCancellationRequested(() => {
            this.log.info('Cancel requested from the progress notification');
            this.coordinator.cancel(record.modelFolder);
          });
          let reported = 0;
          progress.report({ message: record.phase === 'queued' ? 'queued' : 'starting…' });
          this.progressSinks.set(record, (p) => {
            const overall = Number.isFinite(p.overall) ? p.overall : reported / 100;
            const increment = Math.max(overall * 100 - reported, 0);
            reported += increment;
            progress.report({ increment, message: `${p.stage} · ${p.variantId} · ${p.done}/${p.total} · ${Math.round(overall * 100)}% · ETA ${formatDuration(p.etaSeconds)}` });
          });
          this.finishedWaiters.set(record, resolve);
        }),
    );
  }

  private onMessage(record: RunRecord, message: WorkerToParent): void {
    switch (message.type) {
      case 'progress':
        this.progressSinks.get(record)?.(message);
        this.updateStatusBar();
        break;
      case 'log':
        this.log[message.level](message.message);
        break;
      case 'warning':
        this.log.warn(message.message);
        break;
      case 'error': {
        const where = message.file ? ` (${message.file}${message.line ? `:${message.line}` : ''})` : '';
        this.log.error(`${message.fatal ? 'Run failed' : `Variant ${message.variantId ?? ''} failed`}: ${message.message}${where}`);
        break;
      }
      case 'run-created':
        this.log.info(`${message.resumed ? 'Resuming' : 'Writing'} run ${message.runFolder}${message.resumed ? ` (${message.skippedUnits.length} units already done)` : ''}`);
        break;
      case 'unit-result':
        this.log.info(`Done: ${message.result.kind} of ${message.result.variantId}`);
        break;
      case 'done':
        break;
    }
  }

  private async onFinished(record: RunRecord): Promise<void> {
    this.progressSinks.delete(record);
    this.finishedWaiters.get(record)?.();
    this.finishedWaiters.delete(record);
    // The worker already logged where a completed run's report is.
    if (record.status !== 'completed') this.log.info(`Run ${record.status}: ${record.reportPath ?? record.runFolder ?? 'no run folder'}`);
    const name = record.modelFolder.split(/[\\/]/).pop();
    if (record.status === 'completed' || record.status === 'completed-with-errors') {
      const action = await (record.status === 'completed' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage)(
        `QuantLens: evaluation of ${name} ${record.status === 'completed' ? 'finished' : 'finished with failed variants (see the QuantLens output)'}.`,
        'Open Results',
      );
      if (action === 'Open Results') await vscode.commands.executeCommand(CommandId.openResults, record.runFolder);
    } else if (record.status === 'cancelled') {
      void vscode.window.showInformationMessage(`QuantLens: evaluation of ${name} cancelled. Completed units are on disk.`, 'Resume').then((a) => {
        if (a === 'Resume') void vscode.commands.executeCommand(CommandId.resume, record.runFolder);
      });
    } else {
      const actions = record.runFolder ? ['Open Output', 'Resume'] : ['Open Output'];
      const action = await vscode.window.showErrorMessage(`QuantLens: ${record.failure ?? `evaluation of ${name} failed`} See the QuantLens output.`, ...actions);
      if (action === 'Open Output') this.log.show();
      if (action === 'Resume') await vscode.commands.executeCommand(CommandId.resume, record.runFolder);
    }
  }

  private updateStatusBar(): void {
    const running = this.coordinator.running();
    if (running.length === 0) {
      this.statusBar.hide();
      return;
    }
    const r = running[0]!;
    const p = r.lastProgress;
    const percent = p && Number.isFinite(p.overall) ? ` ${Math.round(p.overall * 100)}%` : '';
    this.statusBar.text = `$(sync~spin) QuantLens${percent}${p ? ` · ${p.stage} ${p.variantId}` : ''}${r.phase === 'cancelling' ? ' · cancelling' : ''}`;
    this.statusBar.tooltip = `Evaluating ${r.modelFolder}${running.length > 1 ? ` (+${running.length - 1} more)` : ''}. Click for the output.`;
    this.statusBar.show();
  }

  dispose(): void {
    this.coordinator.cancelAll(2000);
    for (const resolve of this.finishedWaiters.values()) resolve();
    this.disposables.dispose();
  }
}
