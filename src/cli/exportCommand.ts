import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RUN_EXPORTS } from '../shared/exports';
import type { ExportFormat } from '../shared/panelProtocol';
import { annotationStoreSource, loadRunData, rootOfRunFolder } from '../node/runData';
import { parseCommandLine, UsageError } from './usage';
import { writeOutput } from './writeOutput';

/** CLI names of the panel's export formats. */
const FORMATS: Record<string, ExportFormat> = { md: 'markdown', markdown: 'markdown', csv: 'csv', html: 'html', json: 'json', 'samples-jsonl': 'samples-jsonl', 'samples-csv': 'samples-csv' };

/**
 * `quantlens export RUN --format md|csv|html|json [--out FILE]`: the very file the results panel's
 * Export buttons save (the same RunData, the same renderer), to stdout or FILE. The Pareto plot's
 * SVG/PNG need plotly in a browser and are left to the panel.
 */
export function runExport(argv: string[]): number {
  const { values, positionals } = parseCommandLine('export', () => parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string' }, out: { type: 'string' } } }));
  if (positionals.length !== 1) throw new UsageError('export takes one run folder (.quantlens/runs/<runId>)', 'export');
  const format = FORMATS[values.format ?? ''];
  if (!format) {
    const image = values.format === 'svg' || values.format === 'png' ? ' (the plot images need a browser: save them from the results panel)' : '';
    throw new UsageError(`--format must be one of ${Object.keys(FORMATS).join(', ')}${image}, got "${values.format ?? ''}"`, 'export');
  }
  const runFolder = resolve(positionals[0]!);
  const text = RUN_EXPORTS[format].render(loadRunData(runFolder, annotationStoreSource(rootOfRunFolder(runFolder))));
  writeOutput(text, values.out);
  return 0;
}
