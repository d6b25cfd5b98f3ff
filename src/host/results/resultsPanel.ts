import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { errorMessage } from '../../shared/errors';
import { RUN_EXPORTS } from '../../shared/exports';
import { HostToPanel, isPanelToHost, PanelState, PanelToHost } from '../../shared/panelProtocol';
import { DisposableStore } from '../disposables';
import type { OutputDocuments } from './outputDocuments';
import type { AnnotationService } from '../annotations/annotationService';
import { annotateFromPanel, annotationsSource, decideFlag } from '../annotations/panelAnnotations';
import { panelHtml } from './panelHtml';
import { loadRunData } from '../../node/runData';
import { compareRuns } from '../../shared/compare/compareRuns';
import { readRunInput } from '../../node/runInput';
import { siblingRuns } from '../../node/runFolder/reader';
import { runFile, runFilesGlob } from '../../node/runFolder/layout';
import { isPlotImageFormat, writePlotImage } from '../../node/plotImage';
import { RatingPanel } from '../rating/ratingPanel';
import { RUN_RATINGS_FOLDER } from '../../node/runFolder/layout';

export const RESULTS_VIEW_TYPE = 'quantlens.results';

/**
 * One results panel per run folder. It posts nothing until the webview says `ready`, re-reads the
 * run folder when its files change (so a running evaluation updates live), and answers the
 * webview's typed requests: diffs, exports, images, the run card.
 */
export class ResultsPanel implements vscode.Disposable {
  private static readonly open = new Map<string, ResultsPanel>();
  private readonly disposables = new DisposableStore();
  private ready = false;
  private disposed = false;
  private reloadTimer: NodeJS.Timeout | undefined;
  /** The run this one is compared with ("Compare with…"): recomputed on every reload, shown after the run. */
  private comparedWith: string | undefined;

  static show(extensionUri: vscode.Uri, runFolder: string, outputs: OutputDocuments, annotations: AnnotationService, log: vscode.LogOutputChannel): ResultsPanel {
    const existing = ResultsPanel.open.get(runFolder);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, `QuantLens: ${basename(runFolder)}`, vscode.ViewColumn.Active, ResultsPanel.options(extensionUri));
    return new ResultsPanel(panel, extensionUri, runFolder, outputs, annotations, log);
  }

  /** Re-attaches to a panel VS Code restored after a window reload. */
  static restore(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: Partial<PanelState> | undefined, outputs: OutputDocuments, annotations: AnnotationService, log: vscode.LogOutputChannel): void {
    if (!state?.runFolder) {
      panel.dispose();
      return;
    }
    panel.webview.options = ResultsPanel.options(extensionUri);
    new ResultsPanel(panel, extensionUri, state.runFolder, outputs, annotations, log);
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    readonly runFolder: string,
    private readonly outputs: OutputDocuments,
    private readonly annotations: AnnotationService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    ResultsPanel.open.set(runFolder, this);
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
    this.disposables.add(panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message)));
    const watcher = this.disposables.add(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(runFolder), runFilesGlob(['events', 'report', 'samples']))));
    for (const event of [watcher.onDidCreate, watcher.onDidChange]) this.disposables.add(event(() => this.scheduleReload()));
    // Human ratings (the rating tab, or files merged by `quantlens rate merge`) change the results too.
    const ratings = this.disposables.add(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(runFolder), `${RUN_RATINGS_FOLDER}/*.json`)));
    for (const event of [ratings.onDidCreate, ratings.onDidChange, ratings.onDidDelete]) this.disposables.add(event(() => this.scheduleReload()));
    this.disposables.add(annotations.onDidChange(() => this.scheduleReload(50)));
    panel.webview.html = panelHtml(panel.webview, extensionUri);
  }

  /** Pushes the run again (live updates while it runs, or after an external change). */
  scheduleReload(delayMs = 250): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.postRun(), delayMs);
  }

  private post(message: HostToPanel): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  /**
   * "Compare with…": picks another run of the same model folder (or takes `otherRunFolder`) and
   * shows the comparison, that run as A and this one as B, in this panel.
   */
  async compareWith(otherRunFolder?: string): Promise<void> {
    const other = otherRunFolder ?? (await this.pickOtherRun());
    if (!other) return;
    this.comparedWith = other;
    this.panel.reveal();
    this.postComparison();
  }

  private async pickOtherRun(): Promise<string | undefined> {
    const runs = siblingRuns(this.runFolder);
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('QuantLens: there is no other run of this model folder to compare with.');
      return undefined;
    }
    const items = runs.map((r) => ({ label: r.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), description: r.status, detail: r.folder, folder: r.folder }));
    return (await vscode.window.showQuickPick(items, { title: `QuantLens: compare ${basename(this.runFolder)} with which run? (it becomes run A)`, matchOnDescription: true, matchOnDetail: true }))?.folder;
  }

  private postComparison(): void {
    if (!this.comparedWith) return;
    try {
      this.post({ type: 'show-comparison', comparison: compareRuns(readRunInput(this.comparedWith), readRunInput(this.runFolder)) });
    } catch (error) {
      this.log.error(`Results panel: cannot compare with ${this.comparedWith}: ${errorMessage(error)}`);
      this.post({ type: 'notice', level: 'error', text: `Cannot compare the runs: ${errorMessage(error)}` });
    }
  }

  private postRun(): void {
    try {
      this.post({ type: 'show-run', data: loadRunData(this.runFolder, annotationsSource(this.annotations)) });
      this.postComparison();
    } catch (error) {
      this.log.error(`Results panel: cannot read ${this.runFolder}: ${errorMessage(error)}`);
      this.post({ type: 'notice', level: 'error', text: `Cannot read the run: ${errorMessage(error)}` });
    }
  }

  private async onMessage(message: unknown): Promise<void> {
    if (!isPanelToHost(message)) return;
    try {
      await this.handle(message);
    } catch (error) {
      this.log.error(`Results panel (${message.type}): ${errorMessage(error)}`);
      this.post({ type: 'notice', level: 'error', text: errorMessage(error) });
    }
  }

  private async handle(message: PanelToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.postRun();
        return;
      case 'open-diff':
        await this.outputs.openDiff(this.runFolder, message.sampleKey, message.variantId);
        return;
      case 'annotate':
        await annotateFromPanel(this.annotations, this.outputs, this.runFolder, message);
        return;
      case 'accept-flag':
      case 'dismiss-flag':
        await decideFlag(this.annotations, this.outputs, this.runFolder, message);
        return;
      case 'compare-with':
        await this.compareWith();
        return;
      case 'rate-blind':
        RatingPanel.show(this.extensionUri, this.runFolder, this.log, () => this.scheduleReload(50));
        return;
      case 'open-run-card':
        await vscode.window.showTextDocument(vscode.Uri.file(runFile(this.runFolder, 'card')), { preview: false });
        return;
      case 'export': {
        const format = RUN_EXPORTS[message.format];
        const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(join(this.runFolder, `quantlens-report.${format.extension}`)), filters: { [format.label]: [format.extension] } });
        if (!target) return;
        await writeFile(target.fsPath, format.render(loadRunData(this.runFolder, annotationsSource(this.annotations))));
        this.log.info(`Exported ${format.label} to ${target.fsPath}`);
        this.post({ type: 'notice', level: 'info', text: `Saved ${target.fsPath}` });
        return;
      }
      case 'save-image': {
        if (!isPlotImageFormat(message.format)) throw new Error(`The plot is saved as svg or png, not "${String(message.format)}".`);
        const report = loadRunData(this.runFolder, annotationsSource(this.annotations)).report;
        if (!report) throw new Error('The run has no report yet: nothing to plot.');
        const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(join(this.runFolder, `tradeoff.${message.format}`)), filters: { Image: [message.format] } });
        if (!target) return;
        await writePlotImage(target.fsPath, report, message);
        this.post({ type: 'notice', level: 'info', text: `Saved ${target.fsPath}` });
        return;
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    ResultsPanel.open.delete(this.runFolder);
    this.disposables.dispose();
    this.panel.dispose();
  }
}
