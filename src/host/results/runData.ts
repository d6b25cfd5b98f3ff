import { buildReport } from '../../shared/report/buildReport';
import type { RunData } from '../../shared/panelProtocol';
import { readRun, readSamples } from '../../node/runReader';

/**
 * Everything the panel shows for a run folder. While a run is still going there is no report.json
 * yet, so the summary is folded from the completed units in events.jsonl, the same way the engine
 * will fold it at the end: the panel updates live with the final numbers' exact definitions.
 */
export function loadRunData(runFolder: string): RunData {
  const run = readRun(runFolder);
  const failures = run.events.flatMap((e) => (e.type === 'unit-failed' ? [{ unit: `${e.unit.kind}:${e.unit.variantId}`, error: e.error }] : []));
  const warnings = run.events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
  const report = run.report ?? (run.results.length ? buildReport(run.card, run.results, failures, warnings, run.status, new Date().toISOString()) : null);
  return { runFolder, card: run.card, report, status: run.status, samples: readSamples(runFolder) };
}
