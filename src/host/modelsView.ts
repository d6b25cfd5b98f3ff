import * as vscode from 'vscode';
import { childrenOf, modelNode, TreeNode } from './logic/modelTree';
import type { ModelIndex } from './modelIndex';
import { DisposableStore } from './disposables';
import { allRunsGlob } from '../node/runFolder/layout';

const ICONS: Record<TreeNode['kind'], string> = { model: 'package', variant: 'symbol-numeric', endpoint: 'cloud', runs: 'history', run: 'graph' };

/**
 * The Models view: model folders → variants (local, then served: quantlens.endpoints) → past runs. Refreshes when .onnx files or run folders
 * change (file watcher, debounced, since a run writes many events).
 */
export class ModelsView implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableStore();
  private refreshTimer: NodeJS.Timeout | undefined;
  private loaded: Promise<void> | undefined;

  constructor(private readonly index: ModelIndex) {
    this.disposables.add(this.changed);
    for (const pattern of ['**/*.onnx', '**/*.gguf', '**/config.json', allRunsGlob(['card', 'report'])]) {
      const watcher = this.disposables.add(vscode.workspace.createFileSystemWatcher(pattern));
      for (const event of [watcher.onDidCreate, watcher.onDidChange, watcher.onDidDelete]) this.disposables.add(event(() => this.scheduleRefresh()));
    }
    this.disposables.add(vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleRefresh()));
    this.disposables.add(vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire(undefined)));
  }

  /** Re-reads the workspace now (the Refresh button, and after a run ends). */
  async refresh(): Promise<void> {
    this.loaded = this.index.refresh();
    await this.loaded;
    this.changed.fire(undefined);
  }

  scheduleRefresh(delayMs = 500): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), delayMs);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return childrenOf(node);
    this.loaded ??= this.index.refresh();
    await this.loaded;
    return this.index.models.map((m) => modelNode(m, this.index.runsOf(m.path), !vscode.workspace.isTrusted, this.index.endpointsOf(m.path)));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const collapsible = node.kind === 'model' ? vscode.TreeItemCollapsibleState.Expanded : node.kind === 'runs' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    item.iconPath = new vscode.ThemeIcon(node.kind === 'variant' && node.contextValue === 'quantlens.variant.broken' ? 'warning' : ICONS[node.kind]);
    if (node.kind === 'model') item.resourceUri = vscode.Uri.file(node.model.path);
    if (node.kind === 'run') item.command = { command: 'quantlens.openResults', title: 'Open Results', arguments: [node] };
    return item;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.disposables.dispose();
  }
}
