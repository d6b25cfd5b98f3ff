/**
 * The task file schema (`*.quantlens.yaml` / `*.quantlens.json`), in zod. Field names are
 * snake_case as in lm-evaluation-harness task YAML; the loader turns them into TaskDefinition.
 */
import { z } from 'zod';
import { ADAPTER_NAMES } from '../datasets/adapters';
import { goalSchema } from '../goals/goalSchema';
import { codeSettingsSchema } from '../code/codeSettings';

const name = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" (it names result folders)');

const fieldPath = z.string().min(1);

export const datasetSchema = z.strictObject({
  /** A data file or dataset folder, relative to the task file. */
  path: z.string().min(1),
  split: z.string().min(1).optional(),
  config: z.string().min(1).optional(),
  format: z.enum(['jsonl', 'json', 'csv', 'parquet']).optional(),
  adapter: z.enum(ADAPTER_NAMES as [string, ...string[]]).optional(),
  fields: z
    .record(z.string(), z.union([fieldPath, z.array(fieldPath).min(1)], { error: 'expected a field path, or a list of field paths' }))
    .optional(),
  id_field: z.string().min(1).optional(),
  source_language: z.string().min(1).optional(),
  target_language: z.string().min(1).optional(),
});

const metricEntry = z.union(
  [
    z.string().min(1),
    z.strictObject({
      name: z.string().min(1),
      stem: z.boolean().optional(),
      k: z.number().int().positive().optional(),
    }),
  ],
  { error: 'expected a metric name, or {name, stem?, k?}' },
);

export const taskSchema = z.strictObject({
  name,
  type: z.enum(['perplexity', 'multiple_choice', 'generation', 'code']),
  /** Text before the few-shot examples (lm-eval `description`). */
  description: z.string().optional(),
  dataset: datasetSchema,
  /** Jinja template for one item's prompt (lm-eval doc_to_text); the adapter's prompt when absent. */
  template: z.string().optional(),
  /** Multiple choice: a list of Jinja templates, or the name of a field that holds the list. */
  choices: z
    .union([z.array(z.string()).min(2), z.string().min(1)], { error: 'expected a list of at least 2 choice templates, or a field name' })
    .optional(),
  /** Jinja template for the gold answer: a choice index or text (MC), the reference (generation). */
  target: z.string().optional(),
  target_delimiter: z.string().optional(),
  fewshot_delimiter: z.string().optional(),
  use_chat_template: z.boolean().optional(),
  system_prompt: z.string().optional(),
  fewshot: z
    .strictObject({
      split: z.string().min(1),
      k: z.number().int().nonnegative(),
      seed: z.number().int().optional(),
    })
    .optional(),
  generation: z
    .strictObject({
      max_new_tokens: z.number().int().positive().optional(),
      stop: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  /** Code tasks: problem format, language, samples per problem, sampling and sandbox limits. */
  code: codeSettingsSchema.optional(),
  metrics: z.array(metricEntry).min(1).optional(),
  limit: z.number().int().positive().optional(),
  goals: z.array(goalSchema).optional(),
  /** HELM robustness perturbations of each item's input (src/shared/robustness), e.g. [typos, "whitespace:2"]. */
  robustness: z.array(z.string().min(1)).optional(),
});

/** A file with several tasks; a file may also hold one task object at the top level. */
export const taskListSchema = z.strictObject({
  version: z.literal(1).optional(),
  tasks: z.array(taskSchema).min(1),
});

export type TaskInput = z.infer<typeof taskSchema>;
