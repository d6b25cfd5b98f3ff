/**
 * Reading code problems from local files in the two formats benchmarks ship:
 * - HumanEval (openai/human-eval data/HumanEval.jsonl.gz, uncompressed): task_id, prompt,
 *   canonical_solution, test, entry_point;
 * - MBPP (google-research/mbpp mbpp.jsonl): task_id, text, code, test_list, test_setup_code; the
 *   prompt is bigcode-evaluation-harness's zero-shot docstring: '"""\n{text}\n{test_list[0]}\n"""\n'.
 * Any dataset file format the task loader reads (JSONL, JSON, CSV, Parquet) works; every problem
 * with a missing or mistyped field is an InputError naming the file, line and field.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../shared/errors';
import type { CodeLanguage, CodeProblem, CodeProblemFormat } from '../../shared/code/types';
import { readDatasetFile } from '../datasets/readers';
import { resolveSplitFiles } from '../datasets/layout';
import type { DatasetFormat, DatasetRecord } from '../datasets/records';

export interface LoadedProblem {
  problem: CodeProblem;
  /** Content hash of the problem (prompt, tests, entry point): results pair by it. */
  key: string;
  source: DatasetRecord['source'];
}

const REMEDY: Record<CodeProblemFormat, string> = {
  humaneval: 'Each HumanEval record needs task_id, prompt, test and entry_point (strings); canonical_solution is optional.',
  mbpp: 'Each MBPP record needs task_id, text (the description) and test_list (a list of assert statements); code and test_setup_code are optional.',
};

function text(record: DatasetRecord, field: string, format: CodeProblemFormat, optional = false): string | undefined {
  const value = record.fields[field];
  if (value === undefined || value === null) {
    if (optional) return undefined;
    throw new InputError(record.source.file, `the record at ${record.source.unit} ${record.source.line} has no "${field}" field.`, REMEDY[format], record.source.line);
  }
  if (typeof value === 'number' && field === 'task_id') return String(value);
  if (typeof value !== 'string') throw new InputError(record.source.file, `"${field}" at ${record.source.unit} ${record.source.line} is not a string.`, REMEDY[format], record.source.line);
  return value;
}

export function problemFromRecord(record: DatasetRecord, format: CodeProblemFormat, language: CodeLanguage): CodeProblem {
  const taskId = text(record, 'task_id', format)!;
  if (format === 'humaneval') {
    const canonical = text(record, 'canonical_solution', format, true);
    return {
      taskId,
      format,
      language,
      prompt: text(record, 'prompt', format)!,
      test: text(record, 'test', format)!,
      entryPoint: text(record, 'entry_point', format)!,
      ...(canonical !== undefined ? { canonicalSolution: canonical } : {}),
    };
  }
  const tests = record.fields.test_list;
  if (!Array.isArray(tests) || tests.length === 0 || !tests.every((t) => typeof t === 'string')) {
    throw new InputError(record.source.file, `"test_list" at ${record.source.unit} ${record.source.line} is not a non-empty list of strings.`, REMEDY.mbpp, record.source.line);
  }
  const description = text(record, 'text', format)!;
  const setup = text(record, 'test_setup_code', format, true) ?? '';
  const code = text(record, 'code', format, true);
  return {
    taskId,
    format,
    language,
    prompt: `"""\n${description}\n${tests[0]}\n"""\n`,
    test: [setup, ...(tests as string[])].filter((t) => t.trim() !== '').join('\n'),
    ...(code !== undefined ? { canonicalSolution: code } : {}),
  };
}

export function problemKey(problem: CodeProblem): string {
  const content = [problem.format, problem.language, problem.prompt, problem.test, problem.entryPoint ?? ''];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}

/** Every problem of the file (or split folder), `limit` at most; task ids must be unique. */
export async function readProblems(path: string, options: { format: CodeProblemFormat; language: CodeLanguage; split?: string; fileFormat?: DatasetFormat; limit?: number }): Promise<{ files: string[]; format: DatasetFormat; totalRecords: number; problems: LoadedProblem[] }> {
  const split = resolveSplitFiles(path, options.split);
  const records: DatasetRecord[] = [];
  for (const file of split.files) records.push(...(await readDatasetFile(file, options.fileFormat ?? split.format)));
  const kept = options.limit !== undefined ? records.slice(0, options.limit) : records;
  const seen = new Map<string, DatasetRecord>();
  const problems = kept.map((record) => {
    const problem = problemFromRecord(record, options.format, options.language);
    const first = seen.get(problem.taskId);
    if (first) throw new InputError(record.source.file, `task_id "${problem.taskId}" at ${record.source.unit} ${record.source.line} is also at ${first.source.unit} ${first.source.line}.`, 'Give every problem its own task_id: samples are matched to problems by it.', record.source.line);
    seen.set(problem.taskId, record);
    return { problem, key: problemKey(problem), source: record.source };
  });
  return { files: split.files, format: options.fileFormat ?? split.format, totalRecords: records.length, problems };
}
