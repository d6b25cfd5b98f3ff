import * as vscode from 'vscode';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelFolder } from '../shared/modelTypes';
import { QUANTLENS_FOLDER } from '../node/runFolder/layout';
import { choicesProblem, inputsOf, RunChoices } from './logic/runRequest';
import type { ConfiguredEndpoint } from './logic/endpointSettings';
import { splitPicks, variantPickItems } from './logic/variantPicks';
import { isTaskFileName, TASK_FILE_GLOB, taskFileItems } from './logic/taskFiles';

export interface RunSetupContext {
  extensionPath: string;
  state: vscode.Memento;
  log: vscode.LogOutputChannel;
}

/** Workspace files the input pickers never offer. */
const EXCLUDED = `**/{node_modules,${QUANTLENS_FOLDER},.git}/**`;

const stateKey = (modelFolder: string): string => `quantlens.runChoices:${modelFolder}`;

/**
 * The run setup: variants (local and served), what to measure, corpus, prompts and task files — remembered per model
 * folder. Steps the chosen measures do not read are skipped (their remembered file is kept).
 */
export async function askRunChoices(ctx: RunSetupContext, model: ModelFolder, endpoints: readonly ConfiguredEndpoint[] = []): Promise<RunChoices | undefined> {
  const remembered = ctx.state.get<RunChoices>(stateKey(model.path));
  const variantItems = variantPickItems(model, endpoints, remembered);
  const variants = await vscode.window.showQuickPick(variantItems, { title: `Evaluate ${model.name}: variants (1/5)`, canPickMany: true, placeHolder: endpoints.length ? 'The baseline is always included; served variants are compared with it' : 'The baseline is always included' });
  if (!variants) return undefined;
  const picks = splitPicks(variants, variantItems);

  const measures = [
    { label: 'Fidelity and performance', value: 'both' as const },
    { label: 'Fidelity', description: 'perplexity, KL divergence, generations', value: 'fidelity' as const },
    { label: 'Performance', description: 'latency, throughput, memory', value: 'performance' as const },
    { label: 'Task metrics only', description: 'the task files picked in step 5 (no corpus or prompts)', value: 'tasks' as const },
  ];
  const measure = await vscode.window.showQuickPick(
    measures.sort((a, b) => (a.value === remembered?.measure ? -1 : b.value === remembered?.measure ? 1 : 0)),
    { title: `Evaluate ${model.name}: what to measure (2/5)` },
  );
  if (!measure) return undefined;
  const inputs = inputsOf(measure.value);

  let corpusFile = remembered?.corpusFile;
  if (inputs.corpus) {
    corpusFile = await pickTextFile(ctx, `Evaluate ${model.name}: corpus for perplexity and KLD (3/5)`, join(ctx.extensionPath, 'examples', 'demo', 'corpus.txt'), remembered?.corpusFile);
    if (!corpusFile) return undefined;
  }
  let promptsFile = remembered?.promptsFile;
  if (inputs.prompts) {
    promptsFile = await pickTextFile(ctx, `Evaluate ${model.name}: prompts, one per line (4/5)`, join(ctx.extensionPath, 'examples', 'demo', 'prompts.txt'), remembered?.promptsFile);
    if (!promptsFile) return undefined;
  }
  const taskFiles = await pickTaskFiles(ctx, `Evaluate ${model.name}: task files for task metrics (5/5)`, measure.value === 'tasks', remembered?.taskFiles ?? []);
  if (!taskFiles) return undefined;

  const choices: RunChoices = { ...picks, measure: measure.value, corpusFile, promptsFile, taskFiles };
  const problem = choicesProblem(choices);
  if (problem) {
    void vscode.window.showWarningMessage(`QuantLens: ${problem}`);
    return undefined;
  }
  await ctx.state.update(stateKey(model.path), choices);
  return choices;
}

async function pickTextFile(ctx: RunSetupContext, title: string, bundled: string, remembered: string | undefined): Promise<string | undefined> {
  const files = await vscode.workspace.findFiles('**/*.{txt,md,jsonl}', EXCLUDED, 200);
  type Item = vscode.QuickPickItem & { path?: string; browse?: boolean };
  const items: Item[] = [
    { label: 'Bundled default', description: bundled.split(/[\\/]/).slice(-2).join('/'), path: bundled },
    ...files.map((f) => ({ label: vscode.workspace.asRelativePath(f), path: f.fsPath })),
    { label: 'Browse…', browse: true },
  ];
  if (remembered) items.sort((a, b) => (a.path === remembered ? -1 : b.path === remembered ? 1 : 0));
  const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true });
  if (!picked) return undefined;
  if (!picked.browse) return picked.path;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use this file', title });
  ctx.log.debug(`Browsed for ${title}: ${chosen?.[0]?.fsPath ?? 'nothing'}`);
  return chosen?.[0]?.fsPath;
}

/** The bundled example task files (examples/tasks in the VSIX). */
function bundledTaskFiles(extensionPath: string): string[] {
  const folder = join(extensionPath, 'examples', 'tasks');
  try {
    return readdirSync(folder).filter(isTaskFileName).map((name) => join(folder, name));
  } catch {
    return [];
  }
}

/** Multi-select; none is fine unless only task metrics are measured. Undefined when dismissed. */
async function pickTaskFiles(ctx: RunSetupContext, title: string, required: boolean, remembered: readonly string[]): Promise<string[] | undefined> {
  const found = await vscode.workspace.findFiles(TASK_FILE_GLOB, EXCLUDED, 200);
  const items = taskFileItems(
    found.map((f) => ({ path: f.fsPath, relativePath: vscode.workspace.asRelativePath(f) })),
    bundledTaskFiles(ctx.extensionPath),
    remembered.filter((path) => existsSync(path)),
  );
  const picked = await vscode.window.showQuickPick(items, {
    title,
    canPickMany: true,
    matchOnDescription: true,
    placeHolder: required ? 'Pick at least one task file' : 'Optional: task files (*.quantlens.yaml, *.quantlens.json) whose metrics to add; none is fine',
  });
  return picked?.map((item) => item.path);
}
