/**
 * A code task's prompts: each problem's prompt as the model continues it (HumanEval's own prompt,
 * MBPP's docstring prompt, or the task's Jinja template over the record's fields), or — with
 * use_chat_template — one user turn through the model's chat template, whose reply's first fenced
 * code block is the completion (an instruction model answers in Markdown).
 */
import { Template } from '@huggingface/jinja';
import { InputError } from '../../shared/errors';
import type { CodeProblem } from '../../shared/code/types';
import type { TaskDefinition } from '../tasks/loadTaskFile';
import type { ApplyChatTemplate, CodePrompt, PreparedTask } from '../tasks/render';
import { readProblems } from './problems';
import { ADAPTERS } from '../datasets/adapters';
import { loadCodeParsers } from '../../node/codebleu';

export async function prepareCodeTask(task: TaskDefinition, options: { limit?: number; applyChatTemplate?: ApplyChatTemplate }): Promise<PreparedTask> {
  const code = task.code!;
  if (task.useChatTemplate && !options.applyChatTemplate) {
    throw new InputError(task.file, `task "${task.name}" sets use_chat_template, but the model's tokenizer has no chat template.`, 'Set use_chat_template: false for this model, or use a model whose tokenizer_config.json has a chat_template.', task.line);
  }
  const limit = options.limit ?? task.limit;
  const { files, format, totalRecords, problems } = await readProblems(task.dataset.path, {
    format: code.format,
    language: code.language,
    ...(task.dataset.split !== undefined ? { split: task.dataset.split } : {}),
    ...(task.dataset.format !== undefined ? { fileFormat: task.dataset.format } : {}),
    ...(limit !== undefined ? { limit } : {}),
  });
  const scored = await withCodeBleuParsers(task);
  if (scored.metrics.some((m) => m.name === 'codebleu')) {
    const missing = problems.find((p) => p.problem.canonicalSolution === undefined);
    if (missing) throw new InputError(missing.source.file, `task "${task.name}" scores CodeBLEU, but ${missing.problem.taskId} at ${missing.source.unit} ${missing.source.line} has no reference solution (canonical_solution / code).`, 'Add the reference solution, or list the metrics without codebleu (metrics: [pass@1]).', missing.source.line);
  }
  const template = task.template !== undefined ? new Template(`${task.template}\n`) : undefined;
  const prompts: CodePrompt[] = problems.map(({ problem, key, source }) => {
    let text = problem.prompt;
    if (template) {
      try {
        text = template.render({ ...problemFields(problem), id: problem.taskId });
      } catch (error) {
        throw new InputError(task.file, `task "${task.name}": the template failed for ${problem.taskId} (${error instanceof Error ? error.message : String(error)}).`, 'Check the template against the fields: prompt, task_id, entry_point, test, canonical_solution.', task.line);
      }
    }
    if (task.useChatTemplate) {
      text = options.applyChatTemplate!([...(task.systemPrompt ? [{ role: 'system' as const, content: task.systemPrompt }] : []), { role: 'user', content: text }]);
    }
    return {
      kind: 'code',
      id: problem.taskId,
      key,
      source,
      fewshot: [],
      prompt: text,
      problem,
      references: problem.canonicalSolution !== undefined ? [problem.canonicalSolution] : [],
      stop: task.useChatTemplate ? [] : task.generation.stop,
      maxNewTokens: task.generation.maxNewTokens,
      chat: task.useChatTemplate,
    };
  });
  // The problems are the items; the dataset record carries the files (hashed for the run spec).
  return { task: scored, dataset: { adapter: ADAPTERS.generation, files, format, items: [], totalRecords }, prompts };
}

function problemFields(problem: CodeProblem): Record<string, string> {
  return {
    prompt: problem.prompt,
    task_id: problem.taskId,
    test: problem.test,
    ...(problem.entryPoint !== undefined ? { entry_point: problem.entryPoint } : {}),
    ...(problem.canonicalSolution !== undefined ? { canonical_solution: problem.canonicalSolution } : {}),
  };
}

/**
 * The code in a chat reply: its first fenced block (```python … ``` or plain ```), else the reply;
 * it follows the problem's prompt on a new line, so a full function definition replaces the stub.
 */
export function codeFromChatReply(reply: string): string {
  const fenced = /```[A-Za-z0-9_+-]*[^\S\n]*\n([\s\S]*?)(?:```|$)/.exec(reply);
  return `\n${fenced ? fenced[1]! : reply}`;
}

/**
 * CodeBLEU's tree-sitter parsers load asynchronously (src/node/codebleu), so they are loaded here,
 * once, and handed to the metric with the task's language through its options (H17C's
 * codeBleuMetric stays synchronous like every metric).
 */
async function withCodeBleuParsers(task: TaskDefinition): Promise<TaskDefinition> {
  if (!task.metrics.some((m) => m.name === 'codebleu')) return task;
  const codeParsers = await loadCodeParsers();
  return { ...task, metrics: task.metrics.map((m) => (m.name === 'codebleu' ? { ...m, options: { ...m.options, language: task.code!.language, codeParsers } } : m)) };
}
