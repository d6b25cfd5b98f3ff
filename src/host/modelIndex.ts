import * as vscode from 'vscode';
import { dirname, resolve } from 'node:path';
import { errorMessage } from '../shared/errors';
import type { ModelFolder } from '../shared/modelTypes';
import { discoverModels } from '../node/discovery';
import { listRunFolders, readRun } from '../node/runFolder/reader';
import type { Config } from './config';
import type { RunListing } from './logic/modelTree';

/** Model folders of the workspace and their past runs, re-read on demand. */
export class ModelIndex {
  models: ModelFolder[] = [];
  private runsByModel = new Map<string, RunListing[]>();

  constructor(private readonly config: Config, private readonly log: vscode.LogOutputChannel) {}

  runsOf(modelFolder: string): RunListing[] {
    return this.runsByModel.get(modelFolder) ?? [];
  }

  /** Where a model's runs are written (and so read from). */
  runsRoot(modelFolder: string): string {
    const configured = this.config.outputFolder();
    const workspace = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(modelFolder))?.uri.fsPath;
    if (configured) return resolve(workspace ?? dirname(modelFolder), configured);
    return dirname(modelFolder);
  }

  async refresh(): Promise<void> {
    const models: ModelFolder[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      try {
        models.push(...(await discoverModels(folder.uri.fsPath, { maxDepth: 4 })));
      } catch (error) {
        this.log.warn(`Model discovery in ${folder.uri.fsPath} failed: ${errorMessage(error)}`);
      }
    }
    this.models = models;
    this.runsByModel = new Map();
    for (const root of new Set(models.map((m) => this.runsRoot(m.path)))) {
      for (const folder of listRunFolders(root)) {
        try {
          const run = readRun(folder);
          const listing: RunListing = { folder, runId: run.card.runId, createdAt: run.card.createdAt, status: run.status, report: run.report };
          const key = run.card.spec.modelFolder;
          this.runsByModel.set(key, [...(this.runsByModel.get(key) ?? []), listing]);
        } catch (error) {
          this.log.warn(`Skipping run folder ${folder}: ${errorMessage(error)}`);
        }
      }
    }
  }
}
