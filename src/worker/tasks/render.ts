/**
 * Turning a task's dataset items into the exact prompts the engine scores, the way
 * lm-evaluation-harness builds them (api/task.py `fewshot_context`):
 *   description + Σ(doc_to_text(example) + target_delimiter + target(example) + fewshot_delimiter) + doc_to_text(item)
 * with multiple-choice continuations target_delimiter + choice. Few-shot examples are drawn from
 * another split with a seeded PRNG keyed by the item's content, so an item gets the same examples
 * whatever else is evaluated, in whatever order (the selection is QuantLens's own, not the
 * harness's Python `random.sample`). With `use_chat_template` the examples become user/assistant
 * turns through the model's chat template, and continuations carry no delimiter.
 */
import { Template } from '@huggingface/jinja';
import { InputError } from '../../shared/errors';
import { utf8Length } from '../../shared/metrics/likelihood';
import { pyRegexSplit } from '../../shared/metrics/pythonText';
import { SeededRandom } from '../../shared/stats/seededRandom';
import { getField } from '../datasets/fields';
import { DatasetItem, GenerationItem, LoadedDataset, MultipleChoiceItem, loadDataset } from '../datasets/load';
import { RecordSource, describeSource } from '../datasets/records';
import { TaskDefinition } from './loadTaskFile';
import type { TaskPerturbationRecord } from '../../shared/report/robustnessTypes';
import type { CodeProblem } from '../../shared/code/types';
import { prepareCodeTask } from '../code/codePrompts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The tokenizer's chat template, applied with add_generation_prompt = true. */
export type ApplyChatTemplate = (messages: ChatMessage[]) => string;

export interface RenderOptions {
  applyChatTemplate?: ApplyChatTemplate;
  /**
   * A robustness perturbation of the evaluated item's own text (HELM perturbs the eval instance's
   * input only: not the few-shot examples, the description or the choices).
   */
  perturbInput?: (text: string, item: DatasetItem) => string;
  /** The robustness reordering: the item's few-shot examples in another order. */
  reorderFewshot?: (examples: DatasetItem[], item: DatasetItem) => DatasetItem[];
}

interface PromptBase {
  id: string;
  key: string;
  source: RecordSource;
  /** Ids of the few-shot examples in the prompt, in order. */
  fewshot: string[];
}

export interface MultipleChoicePrompt extends PromptBase {
  kind: 'multiple_choice';
  /** Everything before the answer. */
  context: string;
  /** What is scored after the context: target delimiter + choice. */
  continuations: string[];
  /** The choices without the delimiter (acc_norm divides by their length). */
  choices: string[];
  gold: number | number[];
}

export interface GenerationPrompt extends PromptBase {
  kind: 'generation';
  prompt: string;
  references: string[];
  stop: string[];
  maxNewTokens: number;
}

export interface PerplexityPrompt extends PromptBase {
  kind: 'perplexity';
  text: string;
  /** lm-eval's word count for word_perplexity: len(re.split(r"\s+", text)). */
  words: number;
  /** UTF-8 bytes, for byte_perplexity and bits_per_byte. */
  bytes: number;
}

/** A code problem (type: code): the text the model continues, the problem its completion is tested against. */
export interface CodePrompt extends PromptBase {
  kind: 'code';
  prompt: string;
  problem: CodeProblem;
  /** The reference solution, when the problem has one (CodeBLEU's reference). */
  references: string[];
  stop: string[];
  maxNewTokens: number;
  /** The prompt went through the chat template: the completion is the reply's code block. */
  chat: boolean;
}

export type TaskPrompt = MultipleChoicePrompt | GenerationPrompt | PerplexityPrompt | CodePrompt;

/**
 * Compiled templates. lm-evaluation-harness renders with jinja2's keep_trailing_newline=True, so a
 * description ending in "\n\n" keeps both; @huggingface/jinja drops one trailing newline the way
 * jinja2's default does, so one is added before compiling.
 */
class TemplateCache {
  private readonly compiled = new Map<string, Template>();
  render(source: string, vars: Record<string, unknown>): string {
    let t = this.compiled.get(source);
    if (!t) {
      t = new Template(`${source}\n`);
      this.compiled.set(source, t);
    }
    return t.render(vars);
  }
}

function renderError(task: TaskDefinition, source: RecordSource, what: string, error: unknown): InputError {
  const detail = error instanceof Error ? error.message : String(error);
  return new InputError(
    task.file,
    `task "${task.name}": ${what} failed for the record at ${source.file} ${describeSource(source)} (${detail}).`,
    'Check the template against the fields that record has.',
    task.line,
  );
}

/** Renders the prompts of every item; `fewshotPool` holds the few-shot split's items (or none). */
export function renderPrompts(
  task: TaskDefinition,
  items: readonly DatasetItem[],
  fewshotPool: readonly DatasetItem[] = [],
  options: RenderOptions = {},
): TaskPrompt[] {
  if (task.useChatTemplate && !options.applyChatTemplate) {
    throw new InputError(task.file, `task "${task.name}" sets use_chat_template, but the model's tokenizer has no chat template.`, 'Set use_chat_template: false for this model, or use a model whose tokenizer_config.json has a chat_template.', task.line);
  }
  const templates = new TemplateCache();
  const render = (source: string, item: DatasetItem, what: string): string => {
    try {
      return templates.render(source, { ...item.fields, id: item.id });
    } catch (error) {
      throw renderError(task, item.source, what, error);
    }
  };

  const docText = (item: DatasetItem): string => {
    if (item.kind === 'perplexity') return task.template ? render(task.template, item, 'the template') : item.text;
    return task.template ? render(task.template, item, 'the template') : item.context;
  };

  const itemText = (item: DatasetItem): string => (options.perturbInput ? options.perturbInput(docText(item), item) : docText(item));

  const choicesOf = (item: MultipleChoiceItem): string[] => {
    if (task.choices === undefined) return item.choices;
    if (Array.isArray(task.choices)) return task.choices.map((c, i) => render(c, item, `choice ${i + 1}`));
    const value = getField(item.fields, task.choices);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw renderError(task, item.source, `choices: "${task.choices}"`, new Error(`the field "${task.choices}" is not a list of texts`));
    }
    return value as string[];
  };

  const goldOf = (item: MultipleChoiceItem, choices: string[]): number | number[] => {
    if (task.target === undefined) return item.gold;
    const rendered = render(task.target, item, 'the target').trim();
    // As lm-eval: a target of digits is a choice index; otherwise (or when out of range) a choice's text.
    const asIndex = /^\d+$/.test(rendered) ? Number(rendered) : -1;
    const index = asIndex >= 0 && asIndex < choices.length ? asIndex : choices.indexOf(rendered);
    if (index < 0 || index >= choices.length) {
      throw renderError(task, item.source, 'the target', new Error(`it rendered "${rendered}", which is neither a choice index (0–${choices.length - 1}) nor one of the choices`));
    }
    return index;
  };

  const referencesOf = (item: GenerationItem): string[] => (task.target === undefined ? item.references : [render(task.target, item, 'the target')]);

  /** The answer a few-shot example shows. */
  const answerOf = (item: DatasetItem): string => {
    if (item.kind === 'multiple_choice') {
      const choices = choicesOf(item);
      const gold = goldOf(item, choices);
      return choices[typeof gold === 'number' ? gold : gold[0]!]!;
    }
    if (item.kind === 'generation') return referencesOf(item)[0] ?? '';
    return '';
  };

  const description = (item: DatasetItem): string => {
    if (task.description !== undefined) return render(task.description, item, 'the description');
    return item.kind === 'perplexity' ? '' : (item.description ?? '');
  };

  const pickFewshot = (item: DatasetItem): DatasetItem[] => {
    const k = task.fewshot?.k ?? 0;
    if (k === 0 || fewshotPool.length === 0) return [];
    const random = new SeededRandom(`${task.fewshot!.seed}:${item.key}`);
    // Draw one extra so the item itself can be left out when the few-shot split is the eval split.
    const examples = random
      .sample(fewshotPool.length, k + 1)
      .map((i) => fewshotPool[i]!)
      .filter((ex) => ex.key !== item.key)
      .slice(0, k);
    return options.reorderFewshot ? options.reorderFewshot(examples, item) : examples;
  };

  const build = (item: DatasetItem, examples: DatasetItem[]): string => {
    if (task.useChatTemplate) {
      const messages: ChatMessage[] = [];
      const system = [task.systemPrompt ? render(task.systemPrompt, item, 'the system prompt') : '', description(item)].filter(Boolean).join('\n\n');
      if (system) messages.push({ role: 'system', content: system });
      for (const ex of examples) messages.push({ role: 'user', content: docText(ex) }, { role: 'assistant', content: answerOf(ex) });
      messages.push({ role: 'user', content: itemText(item) });
      return options.applyChatTemplate!(messages);
    }
    const shots = examples.map((ex) => docText(ex) + task.targetDelimiter + answerOf(ex) + task.fewshotDelimiter).join('');
    return description(item) + shots + itemText(item);
  };

  return items.map((item): TaskPrompt => {
    const base = { id: item.id, key: item.key, source: item.source };
    if (item.kind === 'perplexity') {
      const text = itemText(item);
      return { kind: 'perplexity', ...base, fewshot: [], text, words: pyRegexSplit(text).length, bytes: utf8Length(text) };
    }
    const examples = pickFewshot(item);
    const fewshot = examples.map((e) => e.id);
    if (item.kind === 'multiple_choice') {
      const choices = choicesOf(item);
      const delimiter = task.useChatTemplate ? '' : task.targetDelimiter;
      return {
        kind: 'multiple_choice',
        ...base,
        fewshot,
        context: build(item, examples),
        continuations: choices.map((c) => delimiter + c),
        choices,
        gold: goldOf(item, choices),
      };
    }
    return {
      kind: 'generation',
      ...base,
      fewshot,
      prompt: build(item, examples),
      references: referencesOf(item),
      stop: task.generation.stop,
      maxNewTokens: task.generation.maxNewTokens,
    };
  });
}

export interface PreparedTask {
  task: TaskDefinition;
  dataset: LoadedDataset;
  fewshot?: LoadedDataset;
  prompts: TaskPrompt[];
  /** A perturbed copy of a task (src/worker/robustnessTasks.ts): what was applied, each item's input. */
  perturbation?: TaskPerturbationRecord;
}

/** Loads the task's dataset (and few-shot split) and renders every prompt. */
export async function prepareTask(task: TaskDefinition, options: RenderOptions & { limit?: number } = {}): Promise<PreparedTask> {
  if (task.type === 'code') return prepareCodeTask(task, options);
  const limit = options.limit ?? task.limit;
  const dataset = await loadDataset(task.dataset, limit !== undefined ? { limit } : {});
  let fewshot: LoadedDataset | undefined;
  if (task.fewshot && task.fewshot.k > 0) {
    fewshot = await loadDataset({ ...task.dataset, split: task.fewshot.split });
    const sameSplit = fewshot.files.join('\n') === dataset.files.join('\n');
    const usable = fewshot.items.length - (sameSplit ? 1 : 0);
    if (usable < task.fewshot.k) {
      throw new InputError(task.file, `task "${task.name}" asks for ${task.fewshot.k} few-shot examples, but the "${task.fewshot.split}" split has ${fewshot.items.length} records.`, 'Lower fewshot.k or use a larger split.', task.line);
    }
  }
  const prompts = renderPrompts(task, dataset.items, fewshot?.items ?? [], options);
  return fewshot ? { task, dataset, fewshot, prompts } : { task, dataset, prompts };
}
