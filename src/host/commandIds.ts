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
  compareWith: 'quantlens.compareWith',
  addEndpoint: 'quantlens.addEndpoint',
  removeEndpoint: 'quantlens.removeEndpoint',
} as const;

export const MODELS_VIEW_ID = 'quantlens.models';

/** Commands of the inline annotations (comment widgets in diff tabs); none belongs in the palette. */
export const AnnotationCommandId = {
  create: 'quantlens.annotation.create',
  reply: 'quantlens.annotation.reply',
  resolve: 'quantlens.annotation.resolve',
  reopen: 'quantlens.annotation.reopen',
  changeCategory: 'quantlens.annotation.changeCategory',
  edit: 'quantlens.annotation.edit',
  delete: 'quantlens.annotation.delete',
  save: 'quantlens.annotation.save',
  cancelEdit: 'quantlens.annotation.cancelEdit',
} as const;
