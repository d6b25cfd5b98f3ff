import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANNOTATIONS_SCHEMA_VERSION, outputHash, type Annotation } from '../../src/shared/annotations';
import { serializeAnnotationsFile } from '../../src/shared/annotations';
import { loadRunData } from '../../src/node/runData';
import { hostileRunData } from '../panel/hostile';

/**
 * A run folder on disk made from a real run with every user-controlled string replaced by an
 * injection payload (the panel suite's 45), each payload rewritten to call alert() so that, in the
 * real workbench, any execution surfaces as a dialog. The model folder stays real so the run's
 * annotations (hostile notes, authors, replies) attach to it in the diff tabs as well.
 */
export function writeHostileRun(realRunFolder: string, runsRoot: string, workspace: string, modelFolderKey: string): { runFolder: string; sampleKey: string; variantId: string; note: string } {
  const real = loadRunData(realRunFolder);
  const hostile = hostileRunData(real);
  const alertify = <T>(value: T): T => JSON.parse(JSON.stringify(value).replace(/__pwned\(/g, 'alert(')) as T;
  const card = alertify({ ...hostile.card, runId: '20990101T000000Z-hostile' });
  card.spec.modelFolder = real.card.spec.modelFolder;
  const samples = alertify(hostile.samples);
  const report = alertify({ ...hostile.report!, runId: card.runId, status: 'completed' as const });
  const runFolder = join(runsRoot, '.quantlens', 'runs', card.runId);
  mkdirSync(runFolder, { recursive: true });
  writeFileSync(join(runFolder, 'run.json'), JSON.stringify(card, null, 2));
  writeFileSync(join(runFolder, 'report.json'), JSON.stringify(report, null, 2));
  writeFileSync(join(runFolder, 'samples.jsonl'), samples.map((s) => JSON.stringify(s)).join('\n') + '\n');
  writeFileSync(join(runFolder, 'events.jsonl'), [
    { type: 'run-started', at: card.createdAt, runId: card.runId, resumed: false },
    { type: 'run-finished', at: card.createdAt, status: 'completed' },
  ].map((e) => JSON.stringify(e)).join('\n') + '\n');

  // The same hostile annotations, keyed to the real model folder so diff tabs show them too.
  const annotations = alertify(hostile.annotations.annotations).map((a: Annotation, k: number): Annotation => {
    const sample = samples.find((s) => s.variantId === a.variantId && s.sampleKey === a.sampleKey)!;
    return { ...a, id: `hostile-${k}`, modelFolder: modelFolderKey, outputHash: outputHash(sample.output), quotedText: sample.output.slice(a.range.start, a.range.end) };
  });
  mkdirSync(join(workspace, '.quantlens'), { recursive: true });
  writeFileSync(join(workspace, '.quantlens', 'annotations.json'), serializeAnnotationsFile({ schemaVersion: ANNOTATIONS_SCHEMA_VERSION, annotations, dismissedFlags: [] }));
  const first = annotations[0]!;
  return { runFolder, sampleKey: first.sampleKey, variantId: first.variantId, note: first.note };
}
