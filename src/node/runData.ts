import { emptyAnnotationsFile, resolveTaxonomy, summarizeAnnotations, type AnnotationsFile, type FailureCategory } from '../shared/annotations';
import { AnnotationStore, modelFolderKey } from './annotations/annotationStore';
import { currentReport } from './runInput';
import type { RunData } from '../shared/panelProtocol';
import { readRun, readSamples } from './runFolder/reader';
import { withHumanRating } from './rating/ratingStore';
import { codeTaskViews } from '../shared/code/panelData';
import type { TaskUnitResult, UnitResult } from '../shared/report/schema';

/** Where a run's annotations come from (the host's AnnotationService; tests pass a fixed file). */
export interface AnnotationsSource {
  forModel(modelFolder: string): { modelFolder: string; file: AnnotationsFile; taxonomy: FailureCategory[]; problem?: string };
}

const NO_ANNOTATIONS: AnnotationsSource = {
  forModel: (modelFolder) => ({ modelFolder, file: emptyAnnotationsFile(), taxonomy: resolveTaxonomy() }),
};

/**
 * Everything the panel shows for a run folder. While a run is still going there is no report.json
 * yet, so the summary is folded from the completed units in events.jsonl, the same way the engine
 * will fold it at the end: the panel updates live with the final numbers' exact definitions.
 */
export function loadRunData(runFolder: string, annotationsSource: AnnotationsSource = NO_ANNOTATIONS): RunData {
  const run = readRun(runFolder);
  const samples = readSamples(runFolder);
  // Human ratings live beside the run (ratings/), not in report.json: folded in as the run is read.
  const report = withHumanRating(currentReport(run), runFolder, samples);
  const source = annotationsSource.forModel(run.card.spec.modelFolder);
  const generated = samples.filter((s) => s.variantId !== run.card.spec.baselineId);
  return {
    runFolder,
    card: run.card,
    report,
    status: run.status,
    samples,
    ...codeTasksOf(run.results),
    annotations: {
      modelFolder: source.modelFolder,
      annotations: source.file.annotations.filter((a) => a.modelFolder === source.modelFolder),
      dismissedFlags: source.file.dismissedFlags.filter((d) => d.modelFolder === source.modelFolder),
      taxonomy: source.taxonomy,
      summary: summarizeAnnotations(generated, source.file, { modelFolder: source.modelFolder, taxonomy: source.taxonomy }),
      problem: source.problem,
    },
  };
}

/**
 * Annotations as the CLI finds them: `<root>/.quantlens/annotations.json`, where root holds the
 * `.quantlens/runs` folder (the workspace, when the extension made the run), default taxonomy.
 */
export function annotationStoreSource(root: string): AnnotationsSource {
  return {
    forModel: (modelFolder) => {
      const loaded = new AnnotationStore(root).load();
      const file = loaded.state === 'ok' ? loaded.file : emptyAnnotationsFile();
      return { modelFolder: modelFolderKey(root, modelFolder), file, taxonomy: resolveTaxonomy(), ...(loaded.state === 'broken' ? { problem: loaded.error.message } : {}) };
    },
  };
}

function codeTasksOf(results: readonly UnitResult[]): Pick<RunData, 'codeTasks'> {
  const views = codeTaskViews(results.filter((r): r is TaskUnitResult => r.kind === 'task'));
  return views.length ? { codeTasks: views } : {};
}
