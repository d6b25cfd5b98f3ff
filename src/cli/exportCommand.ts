import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RUN_EXPORTS } from '../shared/exports';
import type { ExportFormat } from '../shared/panelProtocol';
import { plotAxes } from '../shared/plot/plotAxes';
import { annotationStoreSource, loadRunData } from '../node/runData';
import { rootOfRunFolder, RUN_FILES, RUN_FOLDER_DISPLAY } from '../node/runFolder/layout';
import { plotImage, PlotImageFormat } from '../node/plotImage';
import type { MetricDefinition } from '../shared/panel/metricsCatalog';
import type { RunReport } from '../shared/report/schema';
import { parseCommandLine, UsageError } from './usage';
import { writeOutput } from './writeOutput';

/** CLI names of the panel's export formats. */
const FORMATS: Record<string, ExportFormat> = { md: 'markdown', markdown: 'markdown', csv: 'csv', html: 'html', json: 'json', 'samples-jsonl': 'samples-jsonl', 'samples-csv': 'samples-csv' };
const IMAGE_FORMATS: readonly PlotImageFormat[] = ['svg', 'png'];

/**
 * `quantlens export RUN --format md|csv|html|json|svg|png [--x Q --y Q] [--out FILE]`: the very file
 * the results panel's Export and plot image buttons save (the same RunData, the same renderers), to
 * stdout or FILE. A PNG is never written to stdout: without --out it goes to tradeoff.png.
 */
export async function runExport(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('export', () => parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string' }, out: { type: 'string' }, x: { type: 'string' }, y: { type: 'string' } } }));
  if (positionals.length !== 1) throw new UsageError(`export takes one run folder (${RUN_FOLDER_DISPLAY})`, 'export');
  const format = FORMATS[values.format ?? ''];
  const image = IMAGE_FORMATS.find((f) => f === values.format);
  if (!format && !image) throw new UsageError(`--format must be one of ${[...Object.keys(FORMATS), ...IMAGE_FORMATS].join(', ')}, got "${values.format ?? ''}"`, 'export');
  if (!image && (values.x !== undefined || values.y !== undefined)) throw new UsageError('--x and --y choose the plot axes: only with --format svg or png', 'export');
  const runFolder = resolve(positionals[0]!);
  const data = loadRunData(runFolder, annotationStoreSource(rootOfRunFolder(runFolder)));
  if (format) {
    writeOutput(RUN_EXPORTS[format].render(data), values.out);
    return 0;
  }
  if (!data.report) throw new UsageError(`${runFolder} has no ${RUN_FILES.report} yet: nothing to plot`, 'export');
  const axes = { x: chosenAxis(data.report, 'x', values.x), y: chosenAxis(data.report, 'y', values.y) };
  const bytes = await plotImage(data.report, image!, axes);
  if (image === 'svg') writeOutput(bytes.toString('utf8'), values.out);
  else {
    const out = values.out ?? 'tradeoff.png';
    writeFileSync(out, bytes);
    console.error(`Wrote ${resolve(out)}`);
  }
  return 0;
}

/** An axis the user named must be one this run can plot; unnamed, the panel's default (or fallback). */
function chosenAxis(report: RunReport, axis: 'x' | 'y', id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const axes = plotAxes(report);
  const options: MetricDefinition[] = axis === 'x' ? axes.xOptions : axes.yOptions;
  if (!options.some((m) => m.id === id)) throw new UsageError(`--${axis} must be one of ${options.map((m) => m.id).join(', ')} (the quantities this run measured), got "${id}"`, 'export');
  return id;
}
