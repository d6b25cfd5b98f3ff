import * as vscode from 'vscode';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { errorMessage } from '../../shared/errors';
import { DEFAULT_RATING_PAIRS, defaultRatingSeed } from '../../shared/rating/ratingSet';
import { isRatingToHost, ratingState, type HostToRating, type RatingState, type RatingToHost } from '../../shared/rating/ratingProtocol';
import type { RatingPair, RatingsFile } from '../../shared/rating/types';
import { loadRaterFile, ratingSetOfRun, readRatingsFolder, saveJudgement } from '../../node/rating/ratingStore';
import { readRun } from '../../node/runFolder/reader';
import { DisposableStore } from '../disposables';
import { ratingHtml } from './ratingHtml';

export const RATING_VIEW_TYPE = 'quantlens.rating';

/**
 * The blind rating tab of one run: the run's seeded set of (baseline, variant) output pairs, sides
 * drawn by the blinding seed, one pair at a time. Each judgement is saved at once to
 * `<run>/ratings/<rater>.json` (atomic replace), so closing the tab or reloading the window resumes
 * at the first unjudged pair. The webview gets blind pairs only; which variant each pair was and
 * where the baseline sat is sent once the whole set is judged.
 */
export class RatingPanel implements vscode.Disposable {
  private static readonly open = new Map<string, RatingPanel>();
  private readonly disposables = new DisposableStore();
  private ready = false;
  private disposed = false;
  private readonly runId: string;
  private readonly seed: number;

  static show(extensionUri: vscode.Uri, runFolder: string, log: vscode.LogOutputChannel, onSaved: () => void): RatingPanel {
    const existing = RatingPanel.open.get(runFolder);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const { set } = ratingSetOfRun(runFolder);
    const panel = vscode.window.createWebviewPanel(RATING_VIEW_TYPE, `QuantLens: rate ${basename(runFolder)} blind`, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    });
    return new RatingPanel(panel, extensionUri, runFolder, set, log, onSaved);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    readonly runFolder: string,
    private readonly set: RatingPair[],
    private readonly log: vscode.LogOutputChannel,
    private readonly onSaved: () => void,
    readonly rater = raterId(),
  ) {
    this.runId = readRun(runFolder).card.runId;
    this.seed = defaultRatingSeed(this.runId);
    RatingPanel.open.set(runFolder, this);
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
    this.disposables.add(panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)));
    panel.webview.html = ratingHtml(panel.webview, extensionUri);
  }

  private post(message: HostToRating): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private state(file: RatingsFile): RatingState {
    return ratingState(this.set, file, readRatingsFolder(this.runFolder).problems);
  }

  private onMessage(message: unknown): void {
    if (!isRatingToHost(message)) return;
    try {
      this.handle(message);
    } catch (error) {
      this.log.error(`Blind rating (${message.type}): ${errorMessage(error)}`);
      this.post({ type: 'rating-notice', level: 'error', text: `Not saved: ${errorMessage(error)}` });
    }
  }

  private handle(message: RatingToHost): void {
    if (message.type === 'rating-ready') {
      this.ready = true;
      this.post({ type: 'rating-state', state: this.state(loadRaterFile(this.runFolder, this.runId, this.rater, this.seed, DEFAULT_RATING_PAIRS)) });
      return;
    }
    const pair = this.set.find((p) => p.pairId === message.pairId);
    if (!pair) throw new Error(`pair ${message.pairId} is not in this set.`);
    const file = saveJudgement(this.runFolder, this.runId, this.rater, this.seed, DEFAULT_RATING_PAIRS, {
      pairId: pair.pairId,
      sampleKey: pair.sampleKey,
      choice: message.choice,
      ...(message.criteria && Object.keys(message.criteria).length ? { criteria: message.criteria } : {}),
      at: new Date().toISOString(),
    });
    this.post({ type: 'rating-state', state: this.state(file) });
    this.onSaved();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    RatingPanel.open.delete(this.runFolder);
    this.disposables.dispose();
    this.panel.dispose();
  }
}

/** The rater's id: the OS user name, as annotations name their author. */
function raterId(): string {
  try {
    return userInfo().username || 'rater';
  } catch {
    return 'rater';
  }
}
