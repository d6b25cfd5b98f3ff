import type * as vscode from 'vscode';

/** Owns disposables and releases them together (vscode-extension-samples' dispose.ts idea). */
export class DisposableStore implements vscode.Disposable {
  private readonly items: vscode.Disposable[] = [];
  private disposed = false;

  add<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    this.disposed = true;
    while (this.items.length) {
      try {
        this.items.pop()!.dispose();
      } catch {
        // One failing disposable must not keep the others alive.
      }
    }
  }
}
