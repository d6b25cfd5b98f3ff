import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareRuns } from '../shared/compare/compareRuns';
import { comparisonTo, type ComparisonFormat } from '../shared/compare/comparisonExports';
import { readRunInput } from '../node/runInput';
import { RUN_FOLDER_DISPLAY } from '../node/runFolder/layout';
import { parseCommandLine, UsageError } from './usage';
import { writeOutput } from './writeOutput';

const FORMATS: Record<string, ComparisonFormat> = { text: 'text', md: 'markdown', markdown: 'markdown', csv: 'csv', html: 'html', json: 'json' };

/**
 * `quantlens compare RUN_A RUN_B [--json] [--format md|csv|html|json] [--out FILE]`: what changed
 * from run A to run B. Prints the table (or the chosen format) to stdout, or writes it to FILE.
 */
export function runCompare(argv: string[]): number {
  const { values, positionals } = parseCommandLine('compare', () => parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, format: { type: 'string' }, out: { type: 'string' } } }));
  if (positionals.length !== 2) throw new UsageError(`compare takes two run folders (${RUN_FOLDER_DISPLAY})`, 'compare');
  const format = values.json ? 'json' : FORMATS[values.format ?? 'text'];
  if (!format) throw new UsageError(`--format must be one of ${Object.keys(FORMATS).join(', ')}, got "${values.format}"`, 'compare');
  const comparison = compareRuns(readRunInput(resolve(positionals[0]!)), readRunInput(resolve(positionals[1]!)));
  const text = comparisonTo(format, comparison);
  writeOutput(text, values.out);
  // The warnings go to stderr too, so a script reading --json still sees them.
  if (format !== 'text') for (const w of comparison.warnings) console.error(`warning: ${w}`);
  return 0;
}
