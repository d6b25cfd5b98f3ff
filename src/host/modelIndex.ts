import * as vscode from 'vscode';
import { dirname, resolve } from 'node:path';
import { errorMessage, InputError } from '../shared/errors';
import type { ModelFolder } from '../shared/modelTypes';
import { discoverModels } from '../node/discovery';
import { listRunFolders, readRun } from '../node/runFolder/reader';
import type { Config } from './config';
import type { EndpointListing, RunListing } from './logic/modelTree';
import { ConfiguredEndpoint, endpointsOfModel, orphanEndpoints, resolveEndpointSettings } from './logic/endpointSettings';
import { secretKeyOf, SecretStore } from './logic/endpointKeys';

/** Model folders of the workspace, their served variants (quantlens.endpoints) and their past runs, re-read on demand. */
export class ModelIndex {
  models: ModelFolder[] = [];
  private runsByModel = new Map<string, RunListing[]>();
  private endpointsByModel = new Map<string, EndpointListing[]>();
  /** The endpoint problems last logged, so a refresh does not repeat them. */
  private loggedEndpointProblems = '';

  constructor(private readonly config: Config, private readonly log: vscode.LogOutputChannel, private readonly secrets: SecretStore) {}

  endpointsOf(modelFolder: string): EndpointListing[] {
    return this.endpointsByModel.get(modelFolder) ?? [];
  }

  /**
   * The checked endpoints of a model folder, for a run.
   * @throws InputError naming every entry of quantlens.endpoints that is wrong (any entry, as any bad quantlens.* setting stops a run).
   */
  endpointsForRun(model: ModelFolder): ConfiguredEndpoint[] {
    const resolution = resolveEndpointSettings(this.config.endpoints());
    const own = endpointsOfModel(resolution.endpoints, model, workspaceRoots());
    const problems = [...(resolution.ok ? [] : resolution.problems), ...own.problems];
    if (problems.length) throw new InputError('settings.json', `${problems.join('; ')}.`, 'Fix quantlens.endpoints in Settings (or remove the entry with QuantLens: Remove Endpoint).');
    return own.endpoints;
  }

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
    await this.refreshEndpoints(models);
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

  /** The endpoints under each model folder; bad entries and entries of no known folder are said once in the output. */
  private async refreshEndpoints(models: readonly ModelFolder[]): Promise<void> {
    const roots = workspaceRoots();
    const resolution = resolveEndpointSettings(this.config.endpoints());
    const byModel = new Map<string, EndpointListing[]>();
    const problems = resolution.ok ? [] : [...resolution.problems];
    for (const model of models) {
      const own = endpointsOfModel(resolution.endpoints, model, roots);
      problems.push(...own.problems);
      const listings: EndpointListing[] = [];
      for (const endpoint of own.endpoints) listings.push({ endpoint, storedKey: !endpoint.apiKeyEnv && Boolean(await this.secrets.get(secretKeyOf(endpoint))) });
      if (listings.length) byModel.set(model.path, listings);
    }
    for (const orphan of orphanEndpoints(resolution.endpoints, models.map((m) => m.path), roots)) {
      problems.push(`quantlens.endpoints[${orphan.index}] ("${orphan.name}"): modelFolder "${orphan.modelFolder}" is not a model folder QuantLens found in this workspace`);
    }
    this.endpointsByModel = byModel;
    const said = problems.join('\n');
    if (said && said !== this.loggedEndpointProblems) for (const p of problems) this.log.warn(p);
    this.loggedEndpointProblems = said;
  }
}

function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}
