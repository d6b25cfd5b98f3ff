/**
 * One code problem on one model: n completions (greedy for n = 1; for n > 1 seeded temperature
 * sampling, sample j's seed derived from the task's seed, the problem's key and j — the same
 * seeds for the baseline and every variant, so their samples differ by the model alone), each cut
 * at the first stop sequence and then run with the problem's tests in the sandbox.
 */
import { hashString } from '../../shared/stats/seededRandom';
import type { CodeSampleResult } from '../../shared/code/types';
import { executeSamples } from '../../node/sandbox/executeSamples';
import type { ModelBackend, TextTokenizer } from '../backend/modelBackend';
import type { CodePrompt } from '../tasks/render';
import type { CodeTaskSettings } from './codeSettings';
import { codeFromChatReply } from './codePrompts';
// The generation tasks' cut (taskPass imports this file too: only functions cross, called at run time).
import { cutAtStop } from '../passes/taskPass';

/** What the sandbox needs from the run: the folders the code must not see. */
export interface CodeRunContext {
  hidden: string[];
}

export function sampleSeed(settings: CodeTaskSettings, problemKey: string, sample: number): number {
  return hashString(`${settings.seed}:${problemKey}:${sample}`);
}

/** The n completions of one problem; null when cancelled. */
export async function generateCompletions(backend: ModelBackend, tokenizer: TextTokenizer, prompt: CodePrompt, settings: CodeTaskSettings, maxPositions: number, shouldStop: () => boolean): Promise<Array<{ completion: string; seed: number | null }> | null> {
  const maxNewTokens = Math.min(prompt.maxNewTokens, maxPositions - 1);
  let ids = tokenizer.encode(prompt.prompt, true);
  if (ids.length + maxNewTokens > maxPositions) ids = ids.slice(ids.length + maxNewTokens - maxPositions);
  const out: Array<{ completion: string; seed: number | null }> = [];
  for (let j = 0; j < settings.n; j++) {
    const options = { maxNewTokens, stopOnEos: true, shouldStop };
    let seed: number | null = null;
    let generated;
    if (settings.n === 1) {
      generated = await backend.generateGreedy(ids, options);
    } else {
      if (!backend.generateSampled) throw new Error(`${backend.variantId} cannot sample (its backend decodes greedily only): set code.samples to 1 for greedy pass@1, or evaluate it through a backend that samples.`);
      seed = sampleSeed(settings, prompt.key, j);
      generated = await backend.generateSampled(ids, { ...options, sampling: { temperature: settings.temperature, topP: settings.topP, seed } });
    }
    if (generated.stoppedBy === 'cancelled') return null;
    const text = tokenizer.decode(generated.tokens);
    out.push({ completion: prompt.chat ? codeFromChatReply(text) : cutAtStop(text, prompt.stop), seed });
  }
  return out;
}

/** Runs every completion of a problem with its tests; the results in sample order. */
export async function executeCompletions(prompt: CodePrompt, completions: ReadonlyArray<{ completion: string; seed: number | null }>, settings: CodeTaskSettings, context: CodeRunContext): Promise<CodeSampleResult[]> {
  const results = await executeSamples(
    completions.map((c) => ({ problem: prompt.problem, completion: c.completion })),
    { limits: { wallMs: settings.timeoutMs, cpuSeconds: Math.max(1, Math.ceil(settings.timeoutMs / 1000)), memoryBytes: settings.memoryBytes }, hidden: context.hidden },
  );
  return results.map((r, j): CodeSampleResult => ({
    completion: completions[j]!.completion,
    status: r!.status,
    ...(r!.detail !== undefined ? { detail: r!.detail } : {}),
    ...(r!.line !== undefined ? { line: r!.line } : {}),
    seed: completions[j]!.seed,
    durationMs: Math.round(r!.durationMs),
  }));
}
