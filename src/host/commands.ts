import * as vscode from 'vscode';
import { rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { errorMessage, fileLocation, isInputError } from '../shared/errors';
import type { ModelFolder } from '../shared/modelTypes';
import type { ResumeMode, RunRequest } from '../shared/protocol';
import { discoverForRun, inspectModelFolder } from '../node/discovery';
import { readRun } from '../node/runFolder/reader';
import { rootOfRunFolder } from '../node/runFolder/layout';
import { CommandId } from './commandIds';
import type { Config } from './config';
import { buildRunRequest, endpointsOfRun, requestFromSpec } from './logic/runRequest';
import type { TreeNode } from './logic/modelTree';
import { codeExecutionOptIn } from './logic/codeExecution';
import { evaluationGate } from './logic/trust';
import type { ModelIndex } from './modelIndex';
import type { ModelsView } from './modelsView';
import type { RunService } from './runService';
import { askRunChoices } from './runSetupPicks';
import { runAddEndpoint, runRemoveEndpoint } from './endpointCommands';
import { specsWithKeys, workerEnvFor } from './logic/endpointKeys';
import { resolveEndpointSettings } from './logic/endpointSettings';
import type { OutputDocuments } from './results/outputDocuments';

export interface CommandContext {
  extensionPath: string;
  state: vscode.Memento;
  config: Config;
  index: ModelIndex;
  view: ModelsView;
  runs: RunService;
  log: vscode.LogOutputChannel;
  /** API keys of endpoints (never in settings, requests or logs). */
  secrets: vscode.SecretStorage;
  outputs: OutputDocuments;
  openResults(runFolder: string): Promise<void>;
  /** Opens the run's results panel and compares it with another run of its model folder (picked there). */
  compareWith(runFolder: string): Promise<void>;
}

/** A command argument from the Explorer (Uri), the models view (TreeNode) or another command (path). */
type CommandArgument = vscode.Uri | TreeNode | string | undefined;

function pathOf(arg: CommandArgument): string | undefined {
  if (!arg) return undefined;
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (arg.kind === 'run') return arg.run.folder;
  return arg.model.path;
}

/** Registers every QuantLens command; each handler reports failures instead of throwing. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const safe = (id: string, handler: (arg?: CommandArgument) => Promise<void>): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (arg?: CommandArgument) => {
      try {
        await handler(arg);
      } catch (error) {
        ctx.log.error(`${id}: ${errorMessage(error)}`);
        const where = isInputError(error) ? '' : ' See the QuantLens output.';
        void vscode.window.showErrorMessage(`QuantLens: ${errorMessage(error)}${where}`, 'Open Output').then((a) => a && ctx.log.show());
      }
    });

  return [
    safe(CommandId.evaluate, (arg) => evaluate(ctx, pathOf(arg))),
    safe(CommandId.openResults, async (arg) => {
      const folder = pathOf(arg) ?? (await pickRun(ctx, () => true));
      if (folder) await ctx.openResults(folder);
    }),
    safe(CommandId.cancel, async (arg) => {
      const running = ctx.runs.coordinator.running();
      const folder = pathOf(arg) ?? (running.length === 1 ? running[0]!.modelFolder : (await vscode.window.showQuickPick(running.map((r) => r.modelFolder), { title: 'Cancel which evaluation?' })));
      if (!folder) {
        if (running.length === 0) void vscode.window.showInformationMessage('QuantLens: no evaluation is running.');
        return;
      }
      if (ctx.runs.coordinator.cancel(folder)) ctx.log.info(`Cancelling the evaluation of ${folder}`);
    }),
    safe(CommandId.showOutput, async () => ctx.log.show()),
    safe(CommandId.rerun, async (arg) => {
      const runFolder = pathOf(arg) ?? (await pickRun(ctx, () => true));
      if (runFolder) await startFromRun(ctx, runFolder, false);
    }),
    safe(CommandId.resume, async (arg) => {
      const runFolder = pathOf(arg) ?? (await pickRun(ctx, (status) => status !== 'completed'));
      if (runFolder) await startFromRun(ctx, runFolder, ctx.config.resumeMode());
    }),
    safe(CommandId.deleteRun, async (arg) => {
      const runFolder = pathOf(arg);
      if (!runFolder) return;
      const answer = await vscode.window.showWarningMessage(`Delete the run folder ${runFolder}? Its results and samples are removed from disk.`, { modal: true }, 'Delete');
      if (answer !== 'Delete') return;
      await rm(runFolder, { recursive: true, force: true });
      ctx.log.info(`Deleted run ${runFolder}`);
      await ctx.view.refresh();
    }),
    safe(CommandId.refreshModels, () => ctx.view.refresh()),
    safe(CommandId.compareWith, async (arg) => {
      const runFolder = pathOf(arg) ?? (await pickRun(ctx, () => true));
      if (runFolder) await ctx.compareWith(runFolder);
    }),
    safe(CommandId.addEndpoint, () => runAddEndpoint(ctx)),
    safe(CommandId.removeEndpoint, (arg) => runRemoveEndpoint(ctx, typeof arg === 'object' && !(arg instanceof vscode.Uri) && arg.kind === 'endpoint' ? arg : undefined)),
    safe(CommandId.openSampleDiff, async (arg) => {
      const runFolder = pathOf(arg) ?? (await pickRun(ctx, () => true));
      if (runFolder) await pickAndOpenDiff(ctx, runFolder);
    }),
  ];
}

function requireTrust(ctx: CommandContext): boolean {
  const gate = evaluationGate(vscode.workspace.isTrusted);
  if (gate.allowed) return true;
  ctx.log.warn(`Evaluation refused: ${gate.message}`);
  void vscode.window.showWarningMessage(gate.message, 'Manage Workspace Trust').then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}

async function evaluate(ctx: CommandContext, folderArg: string | undefined): Promise<void> {
  if (!requireTrust(ctx)) return;
  let folderPath = folderArg;
  if (!folderPath) {
    await ctx.index.refresh();
    const picked = await vscode.window.showQuickPick(
      ctx.index.models.map((m) => ({ label: m.name, description: `${m.variants.length} variants`, detail: m.path, path: m.path })),
      { title: 'QuantLens: evaluate which model?', placeHolder: ctx.index.models.length ? 'Model folders in this workspace' : 'No model folders found in this workspace' },
    );
    folderPath = picked?.path;
  }
  if (!folderPath) return;
  const model = await inspectModelFolder(folderPath);
  if (!model.baselineId) {
    const problem = model.problems[0];
    throw new Error(problem ? `${fileLocation(problem.file, problem.line, problem.column)}: ${problem.problem} ${problem.remedy}` : `${folderPath} has no baseline variant.`);
  }
  // Checked before the picks, so a bad quantlens.endpoints entry is said before minutes of choosing.
  const endpoints = ctx.index.endpointsForRun(model);
  const choices = await askRunChoices(ctx, model, endpoints);
  if (!choices) return;
  const picked = endpoints.filter((e) => choices.endpoints?.includes(e.name));
  const request = { ...buildRunRequest(model.path, model.baselineId, choices, ctx.config.evaluation(), cpus().length, await specsWithKeys(picked, ctx.secrets)), ...codeExecutionOptIn(ctx.config.codeExecutionEnabled(), vscode.workspace.isTrusted) };
  const env = await workerEnvFor(request.endpoints, ctx.secrets);
  // Discovered again as the run starts: the picks can take minutes, and the run must rest on the folder as it is now.
  await ctx.runs.start({ type: 'start-run', request, model: await discoverWithKeys(request, env), outputFolder: ctx.index.runsRoot(model.path), resume: false }, env);
}

/** discoverForRun with the stored keys beside the host's environment: the endpoints' /v1/models is read with them. */
function discoverWithKeys(request: RunRequest, env: Record<string, string>): Promise<ModelFolder> {
  return discoverForRun(request, { env: { ...process.env, ...env } });
}

async function pickRun(ctx: CommandContext, accept: (status: string) => boolean): Promise<string | undefined> {
  await ctx.index.refresh();
  const items = ctx.index.models.flatMap((m) => ctx.index.runsOf(m.path).filter((r) => accept(r.status)).map((r) => ({ label: `${m.name} · ${r.createdAt}`, description: r.status, detail: r.folder, folder: r.folder })));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('QuantLens: no matching runs in this workspace.');
    return undefined;
  }
  // The run id (the folder name, as the CLI prints it) is in the detail: typing it finds the run.
  return (await vscode.window.showQuickPick(items, { title: 'QuantLens: which run?', matchOnDescription: true, matchOnDetail: true }))?.folder;
}

async function startFromRun(ctx: CommandContext, runFolder: string, resume: false | ResumeMode): Promise<void> {
  if (!requireTrust(ctx)) return;
  const run = readRun(runFolder);
  const served = endpointsOfRun(run.card, resolveEndpointSettings(ctx.config.endpoints()).endpoints);
  const endpoints = await specsWithKeys(served, ctx.secrets);
  // Code execution is asked again from the setting, never carried over from the past run's card.
  const request: RunRequest = { ...requestFromSpec(run.card.spec), ...(endpoints.length ? { endpoints } : {}), ...codeExecutionOptIn(ctx.config.codeExecutionEnabled(), vscode.workspace.isTrusted) };
  const env = await workerEnvFor(request.endpoints, ctx.secrets);
  // The folder as it is now, not as it was when the run was made: the worker checks the files' hashes against the run's.
  const model = await discoverWithKeys(request, env);
  await ctx.runs.start({ type: 'start-run', request, model, outputFolder: rootOfRunFolder(runFolder), resume }, env);
}

/** Open in Diff Editor from the palette or the models view: pick a variant, then a sample. */
async function pickAndOpenDiff(ctx: CommandContext, runFolder: string): Promise<void> {
  const baselineId = readRun(runFolder).card.spec.baselineId;
  const samples = ctx.outputs.samplesOf(runFolder).filter((s) => s.variantId !== baselineId);
  if (samples.length === 0) {
    void vscode.window.showInformationMessage('QuantLens: this run has no generations to compare.');
    return;
  }
  const variants = [...new Set(samples.map((s) => s.variantId))];
  const variantId = variants.length === 1 ? variants[0] : (await vscode.window.showQuickPick(variants, { title: 'Compare which variant with the baseline?' }));
  if (!variantId) return;
  const picked = await vscode.window.showQuickPick(
    samples.filter((s) => s.variantId === variantId).map((s) => ({ label: s.prompt.slice(0, 80), description: s.firstDivergence === null ? 'same as baseline' : `differs from token ${s.firstDivergence}`, key: s.sampleKey })),
    { title: `Sample of ${variantId}`, matchOnDescription: true },
  );
  if (picked) await ctx.outputs.openDiff(runFolder, picked.key, variantId);
}
