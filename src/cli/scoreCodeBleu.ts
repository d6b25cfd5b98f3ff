/**
 * `quantlens score --metric codebleu`'s extras: the language and the tree-sitter parsers the metric
 * needs (loaded here, asynchronously, before the synchronous registry metric scores), and the
 * CodeXGLUE calc_code_bleu.py input form — `--predictions FILE --references FILE [--references FILE…]`,
 * text files with one item per line (each line stripped, line i of every references file a
 * reference of prediction i) — besides the usual `--input FILE.jsonl`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../shared/errors';
import { MetricOptions } from '../shared/metrics/registry';
import { CODE_LANGUAGES, CodeLanguage } from '../shared/metrics/codebleu/index';
import { GenerationInput } from '../shared/metrics/types';
import { loadCodeParsers } from '../node/codebleu/index';
import { throwReadError } from '../node/fileReadErrors';
import { pyStrip } from '../shared/metrics/pythonText';
import { UsageError } from './usage';

export const isCodeBleu = (metricName: string): boolean => metricName.trim().toLowerCase() === 'codebleu';

/** The metric options codebleu needs ({} for every other metric). */
export async function codeBleuOptions(metricName: string, language: string | undefined): Promise<Partial<MetricOptions>> {
  if (!isCodeBleu(metricName)) {
    if (language !== undefined) throw new UsageError('--language applies to --metric codebleu only', 'score');
    return {};
  }
  if (language === undefined) throw new UsageError(`codebleu needs --language ${CODE_LANGUAGES.join('|')}`, 'score');
  if (!CODE_LANGUAGES.includes(language as CodeLanguage)) throw new UsageError(`--language must be ${CODE_LANGUAGES.join(' or ')}, got "${language}"`, 'score');
  return { language: language as CodeLanguage, codeParsers: await loadCodeParsers() };
}

function readLines(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return throwReadError(file, error);
  }
  // Python's readlines(): a final newline does not start another line.
  const lines = text.replace(/^\ufeff/, '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map(pyStrip);
}

/** Items from calc_code_bleu.py-style files, with the 1-based line each came from. */
export function readPredictionReferenceFiles(predictionsFile: string, referenceFiles: readonly string[]): { line: number; input: GenerationInput }[] {
  if (referenceFiles.length === 0) throw new UsageError('--predictions needs at least one --references FILE', 'score');
  const hyp = readLines(resolve(predictionsFile));
  const refs = referenceFiles.map((f) => {
    const lines = readLines(resolve(f));
    if (lines.length !== hyp.length) {
      throw new InputError(resolve(f), `has ${lines.length} lines but ${predictionsFile} has ${hyp.length}.`, 'Each references file needs one line per prediction, in the same order.');
    }
    return lines;
  });
  if (hyp.length === 0) throw new InputError(resolve(predictionsFile), 'has no lines to score.', 'Write one prediction a line.');
  return hyp.map((prediction, i) => ({ line: i + 1, input: { prediction, references: refs.map((r) => r[i]!) } }));
}
