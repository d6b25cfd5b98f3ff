import * as vscode from 'vscode';
import { annotationFromFlag, createAnnotation } from '../../shared/annotations';
import type { AnnotateMessage, FlagDecisionMessage } from '../../shared/panelProtocol';
import { readRun } from '../../node/runFolder/reader';
import type { AnnotationsSource } from '../../node/runData';
import type { OutputDocuments } from '../results/outputDocuments';
import type { AnnotationService } from './annotationService';

/** The results panel's door to the annotation store (the same store the diff-tab comments use). */
export function annotationsSource(service: AnnotationService): AnnotationsSource {
  return {
    forModel: (modelFolder) => {
      const view = service.view(modelFolder);
      return { modelFolder: service.modelKey(modelFolder), file: view.file, taxonomy: service.taxonomy(), problem: view.state === 'broken' ? `${view.problem}` : undefined };
    },
  };
}

/** "Annotate…" on a sample in the panel: category, then a note; the range is the panel's selection or the whole output. */
export async function annotateFromPanel(service: AnnotationService, outputs: OutputDocuments, runFolder: string, message: AnnotateMessage): Promise<void> {
  const sample = outputs.find({ runFolder, variantId: message.variantId, sampleKey: message.sampleKey });
  if (!sample) throw new Error(`Sample ${message.sampleKey} of ${message.variantId} is not in this run.`);
  const modelFolder = readRun(runFolder).card.spec.modelFolder;
  const category = await service.pickCategory();
  if (!category) return;
  const note = await vscode.window.showInputBox({ title: 'QuantLens: annotation note', prompt: 'What went wrong? (optional)', placeHolder: 'e.g. repeats the second sentence; loses the name of the town' });
  if (note === undefined) return;
  const range = message.range && message.range.end <= sample.output.length && message.range.start < message.range.end ? message.range : { start: 0, end: sample.output.length };
  await service.apply(modelFolder, {
    type: 'add',
    annotation: createAnnotation({ id: service.newId(), modelFolder: service.modelKey(modelFolder), variantId: sample.variantId, sampleKey: sample.sampleKey, output: sample.output, range, category, note, author: service.author(), at: new Date().toISOString() }),
  });
}

/** Accepting a flag files it as an annotation; dismissing it stops the suggestion. */
export async function decideFlag(service: AnnotationService, outputs: OutputDocuments, runFolder: string, message: FlagDecisionMessage): Promise<void> {
  const sample = outputs.find({ runFolder, variantId: message.variantId, sampleKey: message.sampleKey });
  const flag = sample?.flags?.find((f) => f.kind === message.flag);
  if (!sample || !flag) throw new Error(`No ${message.flag} flag on sample ${message.sampleKey} of ${message.variantId}.`);
  const modelFolder = readRun(runFolder).card.spec.modelFolder;
  const modelKey = service.modelKey(modelFolder);
  if (message.type === 'dismiss-flag') {
    await service.apply(modelFolder, { type: 'dismiss-flag', flag: { modelFolder: modelKey, variantId: sample.variantId, sampleKey: sample.sampleKey, flag: flag.kind } });
  } else {
    await service.apply(modelFolder, { type: 'add', annotation: annotationFromFlag(sample, flag, { id: service.newId(), modelFolder: modelKey, author: service.author(), at: new Date().toISOString() }) });
  }
}
