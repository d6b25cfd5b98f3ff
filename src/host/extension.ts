import * as vscode from 'vscode';
import { MODELS_VIEW_ID } from './commandIds';
import { registerCommands } from './commands';
import { Config } from './config';
import { DisposableStore } from './disposables';
import { ModelIndex } from './modelIndex';
import { ModelsView } from './modelsView';
import { RunService } from './runService';
import { AnnotationService } from './annotations/annotationService';
import { AnnotationComments } from './annotations/annotationComments';
import { OutputDocuments, OUTPUT_SCHEME } from './results/outputDocuments';
import { ResultsPanel, RESULTS_VIEW_TYPE } from './results/resultsPanel';
import type { PanelState } from '../shared/panelProtocol';

/**
 * Activation wires things up and nothing more: no model, no onnxruntime and no transformers.js is
 * ever loaded in the extension host (the worker does that), and discovery runs lazily when the
 * models view is first shown.
 */
export function activate(context: vscode.ExtensionContext): void {
  const store = new DisposableStore();
  context.subscriptions.push(store);
  const log = store.add(vscode.window.createOutputChannel('QuantLens', { log: true }));
  const config = new Config();
  const index = new ModelIndex(config, log, context.secrets);
  const view = store.add(new ModelsView(index));
  store.add(vscode.window.registerTreeDataProvider(MODELS_VIEW_ID, view));
  const runs = store.add(new RunService(context.extensionPath, log));
  const outputs = new OutputDocuments();
  const annotations = store.add(new AnnotationService(log));
  store.add(new AnnotationComments(annotations, outputs));
  store.add(vscode.workspace.registerTextDocumentContentProvider(OUTPUT_SCHEME, outputs));
  store.add(
    vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: Partial<PanelState> | undefined) => ResultsPanel.restore(panel, context.extensionUri, state, outputs, annotations, log),
    }),
  );
  // The Models view says which endpoints have a stored key.
  store.add(context.secrets.onDidChange((event) => event.key.startsWith('quantlens.endpoint.') && view.scheduleRefresh(100)));
  store.add(runs.onDidChangeRun((record) => record.phase === 'finished' && view.scheduleRefresh(100)));
  store.add(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!Config.affectsEvaluation(event)) return;
      if (event.affectsConfiguration('quantlens.endpoints')) view.scheduleRefresh(100);
      const running = runs.coordinator.running().length;
      log.info(`QuantLens settings changed; they apply to the next run${running ? ` (${running} running run${running > 1 ? 's keep' : ' keeps'} the settings it started with)` : ''}.`);
      if (running) void vscode.window.showInformationMessage('QuantLens: the new settings take effect on the next run; the running evaluation keeps its settings.');
    }),
  );
  for (const d of registerCommands({
    extensionPath: context.extensionPath,
    state: context.workspaceState,
    config,
    index,
    view,
    runs,
    log,
    secrets: context.secrets,
    outputs,
    openResults: async (runFolder) => {
      ResultsPanel.show(context.extensionUri, runFolder, outputs, annotations, log);
    },
    compareWith: (runFolder) => ResultsPanel.show(context.extensionUri, runFolder, outputs, annotations, log).compareWith(),
  })) {
    store.add(d);
  }
  log.info(`QuantLens activated (${vscode.workspace.isTrusted ? 'trusted' : 'untrusted: discovery only'} workspace)`);
  void vscode.commands.executeCommand('setContext', 'quantlens.ready', true);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
