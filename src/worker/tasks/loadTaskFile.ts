/**
 * Reading a task file: YAML (or JSON, held to JSON, then read by the YAML parser too) with line
 * information, zod validation, then the checks zod cannot make (known metrics that fit the task
 * type, goals on listed metrics, adapters that fit the type, templates that compile, unique names).
 * Every problem names the file, the line and the field path, e.g. `tasks[0].fewshot.k`; syntax
 * errors also the column.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Template } from '@huggingface/jinja';
import { LineCounter, Node as YamlNode, isMap, isNode, isPair, isScalar, isSeq } from 'yaml';
import { InputError } from '../../shared/errors';
import type { Goal } from '../../shared/stats/gates';
import type { RunGoal } from '../../shared/report/schema';
import { findRunQuantity, runGoalProblem } from '../../shared/report/runQuantities';
import { toGoal } from '../goals/goalSchema';
import { parsePerturbations } from '../../shared/robustness/parseSpec';
import type { PerturbationSpec } from '../../shared/robustness/perturbations';
import { InputKind } from '../../shared/metrics/types';
import { MetricOptions, findMetric } from '../../shared/metrics/registry';
import { ADAPTERS, AdapterName, TaskKind, defaultAdapter } from '../datasets/adapters';
import { DatasetSpec } from '../datasets/load';
import { throwReadError } from '../../node/fileReadErrors';
import { parseYamlOrStrictJson } from './yamlDocument';
import { codeSettings, CodeTaskSettings, defaultCodeMetrics } from '../code/codeSettings';
import { defaultStops } from '../../shared/code/stops';
import { TaskInput, taskListSchema, taskSchema } from './schema';

export interface TaskMetric {
  /** The registry name as written (e.g. "rougeL", "pass@10"). */
  name: string;
  options: MetricOptions;
}

/** A goal on one of the task's metrics (the TOST margin, when absent, is allowedDegradation(goal, baseline)). */
export type TaskGoal = Goal;

export interface TaskDefinition {
  name: string;
  type: TaskKind | 'code';
  /** The task file and the line where this task starts. */
  file: string;
  line: number;
  description?: string;
  /** dataset.path resolved against the task file's folder. */
  dataset: DatasetSpec;
  template?: string;
  choices?: string[] | string;
  target?: string;
  targetDelimiter: string;
  fewshotDelimiter: string;
  useChatTemplate: boolean;
  systemPrompt?: string;
  fewshot?: { split: string; k: number; seed: number };
  generation: { maxNewTokens: number; stop: string[] };
  metrics: TaskMetric[];
  limit?: number;
  goals: TaskGoal[];
  /** Code tasks: format, language, samples per problem, sampling, sandbox limits. */
  code?: CodeTaskSettings;
  /** Goals in this task's list that name a run quantity (kld_p99, tpot, …): checked with the run's goals. */
  runGoals?: RunGoal[];
  /** The task file's `robustness:` perturbations (the run's --robustness adds to them). */
  robustness?: PerturbationSpec[];
}

export interface TaskFileIssue {
  file: string;
  line: number;
  /** 1-based, for syntax errors. */
  column?: number;
  /** e.g. "tasks[0].fewshot.k" ("" for the whole file). */
  path: string;
  message: string;
}

/** A task file with one or more problems; `line` is the first problem's. */
export class TaskFileError extends InputError {
  constructor(
    file: string,
    readonly issues: TaskFileIssue[],
  ) {
    const first = issues[0]!;
    const more = issues.slice(1).map((i) => `line ${i.line}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    super(
      file,
      `${first.path ? `${first.path}: ` : ''}${first.message}${more.length ? ` (also ${more.join('; ')})` : ''}.`,
      'Fix the task file there (see examples/tasks/ for one of each kind).',
      first.line,
      first.column,
    );
  }
}

/** Metric input kinds each task type can feed. */
const INPUTS_FOR: Record<TaskDefinition['type'], InputKind[]> = {
  multiple_choice: ['choice', 'confidence'],
  generation: ['generation'],
  perplexity: ['loglikelihood'],
  // pass@k from the executed samples; generation metrics (CodeBLEU) score the first sample against the reference solution.
  code: ['samples', 'generation'],
};

export const DEFAULT_FEWSHOT_SEED = 1234;
export const DEFAULT_MAX_NEW_TOKENS = 64;

export type PathPart = string | number;

export function formatPath(path: readonly PathPart[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

/** Line info for paths into the parsed YAML document. */
export class Locator {
  constructor(
    private readonly root: unknown,
    private readonly lines: LineCounter,
  ) {}

  private lineOfOffset(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  /** The line of the node at `path`, or of its nearest ancestor that exists. */
  line(path: readonly PathPart[], key?: string): number {
    let node: unknown = this.root;
    let best = isNode(node) && node.range ? this.lineOfOffset(node.range[0]) : 1;
    for (const part of path) {
      const next = this.child(node, part);
      if (!next) break;
      node = next.value;
      best = next.line;
    }
    if (key !== undefined) {
      const k = this.child(node, key);
      if (k) return k.keyLine;
    }
    return best;
  }

  private child(node: unknown, part: PathPart): { value: unknown; line: number; keyLine: number } | undefined {
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = isScalar(item.key) ? item.key.value : item.key;
        if (String(key) !== String(part)) continue;
        const keyNode = item.key as YamlNode | null;
        const valueNode = item.value as YamlNode | null;
        // A map entry is reported on its key's line (a block map's value starts on the next line).
        const keyLine = keyNode?.range ? this.lineOfOffset(keyNode.range[0]) : valueNode?.range ? this.lineOfOffset(valueNode.range[0]) : 1;
        return { value: valueNode, line: keyLine, keyLine };
      }
    }
    if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as YamlNode | undefined;
      if (item?.range) return { value: item, line: this.lineOfOffset(item.range[0]), keyLine: this.lineOfOffset(item.range[0]) };
    }
    return undefined;
  }
}

/** Parses and validates task file text; `file` is used for paths and messages. */
export function parseTaskFile(file: string, text: string): TaskDefinition[] {
  const parsedText = parseYamlOrStrictJson(file, text);
  if (!parsedText.ok) throw new TaskFileError(file, parsedText.problems.map((p) => ({ file, ...p, path: '' })));
  const { doc, lines } = parsedText;
  const data: unknown = doc.toJS();
  const locate = new Locator(doc.contents, lines);
  const issues: TaskFileIssue[] = [];
  const add = (path: readonly PathPart[], message: string, key?: string): void => {
    issues.push({ file, line: locate.line(path, key), path: formatPath(key !== undefined ? [...path, key] : path), message });
  };

  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    add([], 'a task file holds a task object, or {tasks: [...]}');
    throw new TaskFileError(file, issues);
  }
  const hasList = 'tasks' in data;
  const parsed = hasList ? taskListSchema.safeParse(data) : taskSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) add(path, `unknown field "${key}"`, key);
      } else {
        add(path, issue.message);
      }
    }
    throw new TaskFileError(file, issues);
  }
  const inputs: TaskInput[] = hasList ? (parsed.data as { tasks: TaskInput[] }).tasks : [parsed.data as TaskInput];
  const prefix = (i: number): PathPart[] => (hasList ? ['tasks', i] : []);
  const baseDir = dirname(file);
  const seen = new Map<string, number>();
  const tasks = inputs.map((input, i) => toDefinition(input, prefix(i), baseDir, file, locate, add, seen));
  issues.sort((a, b) => a.line - b.line);
  if (issues.length) throw new TaskFileError(file, issues);
  return tasks;
}

function toDefinition(
  input: TaskInput,
  at: PathPart[],
  baseDir: string,
  file: string,
  locate: Locator,
  add: (path: readonly PathPart[], message: string, key?: string) => void,
  seen: Map<string, number>,
): TaskDefinition {
  if (seen.has(input.name)) add([...at, 'name'], `task name "${input.name}" is used twice (first at task ${seen.get(input.name)! + 1})`);
  seen.set(input.name, seen.size);

  const isCode = input.type === 'code';
  const code = isCode ? codeSettings(input.code) : undefined;
  if (input.code && !isCode) add([...at, 'code'], 'only code tasks (type: code) have code settings');
  // A code task reads its problems itself (src/worker/code/problems.ts); the adapter is unused.
  const adapterName = (input.dataset.adapter ?? defaultAdapter(input.type === 'code' ? 'generation' : input.type)) as AdapterName;
  const adapter = ADAPTERS[adapterName];
  if (isCode && input.dataset.adapter) add([...at, 'dataset', 'adapter'], 'code tasks read HumanEval or MBPP records (code.format), not an adapter');
  else if (!isCode && adapter.kind !== input.type) {
    add([...at, 'dataset', 'adapter'], `the "${adapterName}" adapter makes ${adapter.kind.replace('_', '-')} items, but the task type is ${input.type}`);
  }

  for (const [key, value] of [
    ['template', input.template],
    ['target', input.target],
    ['description', input.description],
    ['system_prompt', input.system_prompt],
  ] as const) {
    if (value !== undefined) checkTemplate(value, [...at, key], add);
  }
  if (Array.isArray(input.choices)) input.choices.forEach((c, j) => checkTemplate(c, [...at, 'choices', j], add));
  if (input.choices !== undefined && input.type !== 'multiple_choice') add([...at, 'choices'], 'only multiple_choice tasks have choices');
  if (input.fewshot && (input.type === 'perplexity' || isCode)) add([...at, 'fewshot'], `${input.type} tasks take no few-shot examples`);

  const metricNames = input.metrics ?? (code ? defaultCodeMetrics(code.n) : [...adapter.defaultMetrics]);
  const metrics: TaskMetric[] = metricNames.map((entry, j) => {
    const name = typeof entry === 'string' ? entry : entry.name;
    const options: MetricOptions = typeof entry === 'string' ? {} : { ...(entry.stem !== undefined ? { stem: entry.stem } : {}), ...(entry.k !== undefined ? { k: entry.k } : {}) };
    const where = typeof entry === 'string' ? [...at, 'metrics', j] : [...at, 'metrics', j, 'name'];
    const metric = findMetric(name, options);
    if (!metric) add(where, `unknown metric "${name}"`);
    else if (!INPUTS_FOR[input.type].includes(metric.input)) {
      add(where, `metric "${name}" scores ${metric.input} inputs, which a ${input.type} task does not produce`);
    } else if (code && metric.name.startsWith('pass@') && Number(metric.name.slice(5)) > code.n) {
      add(where, `${metric.name} needs at least ${metric.name.slice(5)} samples per problem, and code.samples is ${code.n}`);
    }
    return { name: metric?.name ?? name, options };
  });
  const goals: TaskGoal[] = [];
  const runGoals: RunGoal[] = [];
  (input.goals ?? []).forEach((g, j) => {
    const metric = findMetric(g.metric);
    const listed = metrics.some((m) => m.name.toLowerCase() === (metric?.name ?? g.metric).toLowerCase() || m.name === g.metric);
    const quantity = listed ? undefined : findRunQuantity(g.metric);
    const problem = quantity && runGoalProblem(quantity.name, g.percent_max_degradation !== undefined);
    if (problem) add([...at, 'goals', j, 'percent_max_degradation'], problem);
    else if (quantity) runGoals.push({ ...toGoal(g, quantity.name), file, line: locate.line([...at, 'goals', j]) });
    else if (!listed) add([...at, 'goals', j, 'metric'], `goal on "${g.metric}", which is not among the task's metrics (${metrics.map((m) => m.name).join(', ')})`);
    else goals.push(toGoal(g, metric?.name ?? g.metric));
  });

  const d = input.dataset;
  const dataset: DatasetSpec = {
    path: isAbsolute(d.path) ? d.path : resolve(baseDir, d.path),
    adapter: adapterName,
    ...(d.split !== undefined ? { split: d.split } : {}),
    ...(d.config !== undefined ? { config: d.config } : {}),
    ...(d.format !== undefined ? { format: d.format } : {}),
    ...(d.fields !== undefined ? { fields: d.fields } : {}),
    ...(d.id_field !== undefined ? { idField: d.id_field } : {}),
    ...(d.source_language !== undefined ? { sourceLanguage: d.source_language } : {}),
    ...(d.target_language !== undefined ? { targetLanguage: d.target_language } : {}),
  };
  const task: TaskDefinition = {
    name: input.name,
    type: input.type,
    file,
    line: locate.line(at),
    dataset,
    targetDelimiter: input.target_delimiter ?? ' ',
    fewshotDelimiter: input.fewshot_delimiter ?? '\n\n',
    useChatTemplate: input.use_chat_template ?? false,
    generation: {
      maxNewTokens: input.generation?.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS,
      stop: input.generation?.stop ?? (code ? defaultStops(code.format, code.language) : [...(adapter.stop ?? [])]),
    },
    metrics,
    goals,
    ...(code ? { code } : {}),
    ...(runGoals.length ? { runGoals } : {}),
  };
  if (input.description !== undefined) task.description = input.description;
  if (input.template !== undefined) task.template = input.template;
  if (input.choices !== undefined) task.choices = input.choices;
  if (input.target !== undefined) task.target = input.target;
  if (input.system_prompt !== undefined) task.systemPrompt = input.system_prompt;
  if (input.fewshot) task.fewshot = { split: input.fewshot.split, k: input.fewshot.k, seed: input.fewshot.seed ?? DEFAULT_FEWSHOT_SEED };
  if (input.limit !== undefined) task.limit = input.limit;
  if (input.robustness !== undefined) {
    try {
      task.robustness = parsePerturbations(input.robustness);
    } catch (error) {
      add([...at, 'robustness'], (error as Error).message);
    }
  }
  return task;
}

function checkTemplate(source: string, path: PathPart[], add: (path: readonly PathPart[], message: string) => void): void {
  try {
    new Template(source);
  } catch (error) {
    add(path, `the Jinja template does not parse (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Reads and validates a task file. */
export function loadTaskFile(path: string): TaskDefinition[] {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return throwReadError(file, error);
  }
  return parseTaskFile(file, text);
}

/** `*.quantlens.yaml`, `*.quantlens.yml` or `*.quantlens.json`. */
export function isTaskFileName(name: string): boolean {
  return /\.quantlens\.(ya?ml|json)$/i.test(name);
}
