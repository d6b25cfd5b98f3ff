/** Command ids; package.json's `contributes.commands` lists the same ids (a test checks). */
export const CommandId = {
  evaluate: 'quantlens.evaluate',
  openResults: 'quantlens.openResults',
  cancel: 'quantlens.cancel',
  showOutput: 'quantlens.showOutput',
  rerun: 'quantlens.rerun',
  resume: 'quantlens.resume',
  deleteRun: 'quantlens.deleteRun',
  refreshModels: 'quantlens.refreshModels',
  openSampleDiff: 'quantlens.openSampleDiff',
} as const;

export const MODELS_VIEW_ID = 'quantlens.models';
