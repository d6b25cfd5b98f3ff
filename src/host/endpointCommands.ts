import * as vscode from 'vscode';
import { addEndpoint, EndpointSettingStore, ModelChoice, removeEndpoint } from './logic/addEndpoint';
import type { EndpointListing } from './logic/modelTree';
import type { ModelIndex } from './modelIndex';
import type { ModelsView } from './modelsView';

/**
 * The vscode side of Add / Remove Endpoint: input boxes, the model folder pick, the workspace's
 * `quantlens.endpoints` and SecretStorage. The steps themselves are in logic/addEndpoint.ts.
 */
export interface EndpointCommandContext {
  index: ModelIndex;
  view: ModelsView;
  secrets: vscode.SecretStorage;
  log: vscode.LogOutputChannel;
}

function settingStore(): EndpointSettingStore {
  const section = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('quantlens');
  return {
    readWorkspace: () => section().inspect<unknown>('endpoints')?.workspaceValue,
    readEffective: () => section().get<unknown>('endpoints'),
    writeWorkspace: (entries) => section().update('endpoints', entries, vscode.ConfigurationTarget.Workspace),
  };
}

export async function runAddEndpoint(ctx: EndpointCommandContext): Promise<void> {
  if (!vscode.workspace.workspaceFolders?.length) throw new Error('Add Endpoint writes the workspace setting quantlens.endpoints: open a folder first.');
  await ctx.index.refresh();
  const models: ModelChoice[] = ctx.index.models.map((m) => ({ path: m.path, name: m.name, relativePath: workspaceRelative(m.path), variantIds: m.variants.map((v) => v.id) }));
  const title = 'QuantLens: Add Endpoint';
  const before = vscode.workspace.getConfiguration('quantlens').inspect<unknown>('endpoints');
  const entry = await addEndpoint({
    models,
    settings: settingStore(),
    secrets: ctx.secrets,
    ui: {
      askBaseUrl: (validate) => Promise.resolve(vscode.window.showInputBox({ title: `${title} (1/5): base URL`, prompt: 'The OpenAI-compatible API root of vLLM, SGLang, TGI, llama.cpp server or quantlens serve', placeHolder: 'http://127.0.0.1:8000/v1', ignoreFocusOut: true, validateInput: validate })),
      pickModel: async (choices) =>
        (await vscode.window.showQuickPick(choices.map((c) => ({ label: c.name, description: c.relativePath, choice: c })), { title: `${title} (2/5): compared with which local model folder (its baseline)?`, ignoreFocusOut: true }))?.choice,
      askName: (suggestion, validate) => Promise.resolve(vscode.window.showInputBox({ title: `${title} (3/5): name`, prompt: 'The variant id in the report, the Models view and the plots', value: suggestion, ignoreFocusOut: true, validateInput: validate })),
      askServedModel: () => Promise.resolve(vscode.window.showInputBox({ title: `${title} (4/5): served model id (optional)`, prompt: 'Leave empty to use the one model the server lists in /v1/models', ignoreFocusOut: true })),
      askApiKey: () => Promise.resolve(vscode.window.showInputBox({ title: `${title} (5/5): API key (optional)`, prompt: "Stored in VS Code's SecretStorage, never in settings; leave empty if the server needs none", password: true, ignoreFocusOut: true })),
    },
  });
  if (!entry) return;
  // The entry as written holds no key; logging it is safe.
  ctx.log.info(`Endpoint ${entry.name} (${entry.baseUrl}) added to quantlens.endpoints for ${entry.modelFolder}`);
  await ctx.view.refresh();
  // VS Code does not merge lists across scopes: the new workspace list hides the user-level one here.
  if (before?.workspaceValue === undefined && Array.isArray(before?.globalValue) && before.globalValue.length) {
    void vscode.window.showWarningMessage(`QuantLens: this workspace now has its own quantlens.endpoints, which hides the ${before.globalValue.length} endpoint(s) in your user settings here (VS Code does not merge lists). Copy them into the workspace setting to keep them.`, 'Open Workspace Settings').then((a) => a && vscode.commands.executeCommand('workbench.action.openWorkspaceSettingsFile'));
  }
}

/** The folder as the setting names it: relative to its workspace folder, "." for the workspace folder itself. */
function workspaceRelative(path: string): string {
  const root = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path));
  if (root && root.uri.fsPath === path) return '.';
  return vscode.workspace.asRelativePath(path, false);
}

export async function runRemoveEndpoint(ctx: EndpointCommandContext, node: { endpoint: EndpointListing } | undefined): Promise<void> {
  let listing = node?.endpoint;
  if (!listing) {
    await ctx.index.refresh();
    const all = ctx.index.models.flatMap((m) => ctx.index.endpointsOf(m.path).map((e) => ({ label: e.endpoint.name, description: `${m.name} · ${e.endpoint.baseUrls.join(', ')}`, listing: e })));
    if (all.length === 0) {
      void vscode.window.showInformationMessage('QuantLens: no endpoints in quantlens.endpoints.');
      return;
    }
    listing = (await vscode.window.showQuickPick(all, { title: 'QuantLens: remove which endpoint?' }))?.listing;
  }
  if (!listing) return;
  const e = listing.endpoint;
  const answer = await vscode.window.showWarningMessage(`Remove endpoint ${e.name} (${e.baseUrls.join(', ')}) from quantlens.endpoints?${listing.storedKey ? ' Its stored API key is deleted.' : ''}`, { modal: true }, 'Remove');
  if (answer !== 'Remove') return;
  if (!(await removeEndpoint(e, settingStore(), ctx.secrets))) {
    void vscode.window.showWarningMessage(`QuantLens: endpoint ${e.name} is not in this workspace's settings (it comes from your user settings); remove it there.`, 'Open User Settings').then((a) => a && vscode.commands.executeCommand('workbench.action.openSettingsJson'));
    return;
  }
  ctx.log.info(`Endpoint ${e.name} removed from quantlens.endpoints`);
  await ctx.view.refresh();
}
