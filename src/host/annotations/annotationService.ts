import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { errorMessage } from '../../shared/errors';
import { AnnotationOperation, AnnotationsFile, emptyAnnotationsFile, resolveTaxonomy, FailureCategory } from '../../shared/annotations';
import { AnnotationStore, ANNOTATIONS_FILE, modelFolderKey } from '../../node/annotations/annotationStore';
import { DisposableStore } from '../disposables';

/** What the UI shows about the annotations file: its content, or why it cannot be used. */
export type AnnotationsView = { state: 'ok'; file: AnnotationsFile } | { state: 'broken'; file: AnnotationsFile; problem: string; path: string };

/**
 * The one store behind both doors (diff-tab comments and the results panel): one
 * `.quantlens/annotations.json` per workspace folder, reloaded when it changes on disk (another
 * window, a hand edit), written only through operations merged under the store's lock.
 */
export class AnnotationService implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, AnnotationsView>();
  private readonly warnedBroken = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.add(this.changed);
    const watcher = this.disposables.add(vscode.workspace.createFileSystemWatcher(`**/${ANNOTATIONS_FILE.replace(/\\/g, '/')}`));
    for (const event of [watcher.onDidCreate, watcher.onDidChange, watcher.onDidDelete]) {
      this.disposables.add(event(() => {
        this.cache.clear();
        this.changed.fire();
      }));
    }
    this.disposables.add(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('quantlens.annotations') && this.changed.fire()));
  }

  /** The workspace folder whose annotations file holds a model folder's annotations. */
  rootOf(modelFolder: string): string {
    return vscode.workspace.getWorkspaceFolder(vscode.Uri.file(modelFolder))?.uri.fsPath ?? dirname(modelFolder);
  }

  modelKey(modelFolder: string): string {
    return modelFolderKey(this.rootOf(modelFolder), modelFolder);
  }

  taxonomy(): FailureCategory[] {
    return resolveTaxonomy(vscode.workspace.getConfiguration('quantlens').get<Array<string | { id: string; label?: string; description?: string }>>('annotations.categories', []));
  }

  author(): string {
    try {
      return userInfo().username || 'you';
    } catch {
      return 'you';
    }
  }

  newId(): string {
    return randomUUID();
  }

  /** The annotations for a model folder's workspace root; a broken file is reported once, never overwritten. */
  view(modelFolder: string): AnnotationsView {
    const root = this.rootOf(modelFolder);
    const cached = this.cache.get(root);
    if (cached) return cached;
    const store = new AnnotationStore(root);
    const loaded = store.load();
    let view: AnnotationsView;
    if (loaded.state === 'broken') {
      view = { state: 'broken', file: emptyAnnotationsFile(), problem: loaded.error.message, path: store.path };
      if (!this.warnedBroken.has(store.path)) {
        this.warnedBroken.add(store.path);
        this.log.error(`Annotations: ${loaded.error.message}`);
        void vscode.window.showErrorMessage(`QuantLens: ${loaded.error.message}`, 'Open File').then((a) => a && vscode.window.showTextDocument(vscode.Uri.file(store.path)));
      }
    } else {
      this.warnedBroken.delete(store.path);
      view = { state: 'ok', file: loaded.state === 'ok' ? loaded.file : emptyAnnotationsFile() };
    }
    this.cache.set(root, view);
    return view;
  }

  /** Writes operations (merged with whatever is on disk now); shows why when it cannot. */
  async apply(modelFolder: string, ops: AnnotationOperation | AnnotationOperation[]): Promise<boolean> {
    const root = this.rootOf(modelFolder);
    try {
      const result = await new AnnotationStore(root).apply(ops);
      this.cache.set(root, { state: 'ok', file: result.file });
      for (const r of result.results) if (!r.applied && r.reason) this.log.warn(`Annotation not changed: ${r.reason}`);
      this.changed.fire();
      return true;
    } catch (error) {
      this.log.error(`Annotations not saved: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(`QuantLens: the annotation was not saved. ${errorMessage(error)}`);
      this.cache.delete(root);
      this.changed.fire();
      return false;
    }
  }

  /** Asks for a category (the taxonomy, plus "Other…" for a new id). */
  async pickCategory(current?: string): Promise<string | undefined> {
    const items = this.taxonomy().map((c) => ({ label: c.label, description: c.id === current ? '(current)' : '', detail: c.description, id: c.id }));
    const picked = await vscode.window.showQuickPick(items, { title: 'QuantLens: failure category', placeHolder: 'What went wrong?', matchOnDetail: true });
    return picked?.id;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
