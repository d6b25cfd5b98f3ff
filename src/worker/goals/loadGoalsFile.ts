/**
 * A run-level goals file (`--goals FILE.yaml|json`): `{version?: 1, goals: [...]}`, each goal in the
 * task files' goal shape and naming one of the run's headline quantities. Problems name the file,
 * the line and the field path (`goals[1].ci`), as task files' do.
 */
import { z } from 'zod';
import { InputError } from '../../shared/errors';
import { findRunQuantity, runGoalProblem } from '../../shared/report/runQuantities';
import type { RunGoal } from '../../shared/report/schema';
import { parseYamlOrStrictJson } from '../tasks/yamlDocument';
import { formatPath, Locator, PathPart } from '../tasks/loadTaskFile';
import { goalSchema, toGoal } from './goalSchema';

const goalsFileSchema = z.strictObject({
  version: z.literal(1).optional(),
  goals: z.array(goalSchema).min(1),
});

export interface GoalsFileIssue {
  line: number;
  /** 1-based, for syntax errors. */
  column?: number;
  path: string;
  message: string;
}

/** A goals file with one or more problems; `line` is the first problem's. */
export class GoalsFileError extends InputError {
  constructor(
    file: string,
    readonly issues: GoalsFileIssue[],
  ) {
    const text = (i: GoalsFileIssue): string => `${i.path ? `${i.path}: ` : ''}${i.message}`;
    const [first, ...more] = issues;
    super(file, `${text(first!)}${more.length ? ` (also ${more.map((i) => `line ${i.line}: ${text(i)}`).join('; ')})` : ''}.`, 'Fix the goals file there (docs/goals.md describes the fields).', first!.line, first!.column);
  }
}

/** Parses and validates goals file text; `file` is used for paths and messages. */
export function parseGoalsFile(file: string, text: string): RunGoal[] {
  const parsedText = parseYamlOrStrictJson(file, text);
  if (!parsedText.ok) throw new GoalsFileError(file, parsedText.problems.map((p) => ({ ...p, path: '' })));
  const { doc, lines } = parsedText;
  const locate = new Locator(doc.contents, lines);
  const issues: GoalsFileIssue[] = [];
  const add = (path: readonly PathPart[], message: string): void => {
    issues.push({ line: locate.line(path), path: formatPath(path), message });
  };
  const parsed = goalsFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) add([...path, key], `unknown field "${key}"`);
      else add(path, issue.message);
    }
  } else {
    parsed.data.goals.forEach((g, j) => {
      const problem = runGoalProblem(g.metric, g.percent_max_degradation !== undefined);
      if (problem) add(['goals', j, findRunQuantity(g.metric) ? 'percent_max_degradation' : 'metric'], problem);
    });
  }
  if (issues.length) throw new GoalsFileError(file, issues.sort((a, b) => a.line - b.line));
  return parsed.data!.goals.map((g, j) => ({ ...toGoal(g, findRunQuantity(g.metric)!.name), file, line: locate.line(['goals', j]) }));
}
