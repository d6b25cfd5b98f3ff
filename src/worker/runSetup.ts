import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorMessage, InputError } from '../shared/errors';
import type { ModelFolder, ModelVariant } from '../shared/modelTypes';
import type { RunRequest } from '../shared/protocol';
import type { ExecutionProviderReport, InputFileRef, LoadSweep, PerformanceSweep, RunSpec } from '../shared/report/schema';
import { detectExecutionProviders } from './backend/executionProvider';
import { geometryFromConfig, ModelGeometry } from '../shared/perf/kvCache';
import { resolveSweep, sweepCells } from '../shared/perf/sweep';
import { describeWindows, WindowScheme } from '../shared/windows';
import { throwReadError } from '../node/fileReadErrors';
import { findInvalidUtf8 } from '../node/utf8Check';
import type { TextTokenizer } from './backend/modelBackend';
import { loadTokenizer } from './backend/tokenizer';
import { TokenizedCorpus, tokenizeCorpus } from './inputs/corpus';
import { parsePromptFile, PromptSet } from './inputs/prompts';
import { PromptSource, promptSource } from './inputs/exactLengthPrompts';
import type { PreparedTask } from './tasks';
import { prepareTasks } from './taskSetup';
import { withRobustnessTasks } from './robustnessTasks';
import { describeRobustness } from '../shared/robustness/describe';
import { checkCodeExecution } from './code/codeGate';
import { checkPromptsFit, sequenceLimit } from './promptLimit';
import { renderPrompts } from './inputs/promptTemplate';
import { hashModelFiles } from './modelFileHashes';
import { libraryVersions } from './environment';
import { parseGoalsFile } from './goals/loadGoalsFile';
import { resolveLoadSweep } from './load/loadSweep';
import { formatSlos } from './load/slo';
import { RUN_SETTINGS } from '../shared/runSettings';

/** Everything a run needs that comes from the user's files, checked before any model loads. */
export interface PreparedRun {
  folder: ModelFolder;
  baseline: ModelVariant;
  variants: ModelVariant[];
  tokenizer: TextTokenizer;
  spec: RunSpec;
  specHash: string;
  corpus: TokenizedCorpus | null;
  prompts: PromptSet | null;
  /** Where the performance prompts are cut from; null when performance is not measured. */
  performanceSource: PromptSource | null;
  /** The run's tasks with their prompts rendered (empty without task files). */
  tasks: PreparedTask[];
  /** The model's max_position_embeddings (task inputs longer than this lose their oldest tokens). */
  maxPositions: number;
  /** The decoder's sizes for the memory and roofline figures; null when config.json lacks one. */
  geometry: ModelGeometry | null;
  methods: string[];
  executionProviders: ExecutionProviderReport;
  /** What the user's files got wrong without stopping the run (the engine records them as run warnings). */
  warnings: string[];
  /** Texts the run feeds the models (pieces of the corpus, the prompts), for a backend with its own tokenizer to check it agrees with ours. */
  agreementTexts: string[];
}

/**
 * A corpus or prompt file: its text, its identity for the run card, and, when it is not valid
 * UTF-8, the InputError that says where (a warning, or with `strict` thrown).
 */
function readInputFile(path: string, strict: boolean): { text: string; ref: InputFileRef; notUtf8: InputError | null } {
  const file = resolve(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throwReadError(file, error);
  }
  const fault = findInvalidUtf8(bytes);
  const notUtf8 = fault
    ? new InputError(file, `not valid UTF-8 at byte ${fault.offset} (${fault.shown}); decoded with replacement characters, so its scores mean little.`, 'Save it as UTF-8 text (--strict refuses such files).')
    : null;
  if (notUtf8 && strict) throw notUtf8;
  return { text: bytes.toString('utf8'), ref: { path: file, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: statSync(file).size }, notUtf8 };
}

/**
 * `folder` is the discovery the parent made when it started the run (StartRunMessage.model): the
 * worker takes its variants, signatures, config summary and problems as they are and does not
 * discover the folder again. Only the content hashes for resume are the worker's own, read from the
 * files themselves.
 */
export async function prepareRun(request: RunRequest, folder: ModelFolder): Promise<PreparedRun> {
  checkDiscoveryFits(request, folder);
  if (folder.variants.length === 0) {
    throw new InputError(folder.path, 'No ONNX model files found in this folder.', 'Point QuantLens at a folder with onnx/model*.onnx (the transformers.js layout) or *.onnx beside tokenizer.json.');
  }
  const baseline = folder.variants.find((v) => v.id === folder.baselineId);
  if (!baseline) {
    const problem = folder.problems[0];
    throw new InputError(problem?.file ?? folder.path, problem?.problem ?? 'No baseline variant (fp32, fp16 or bf16) was found.', problem?.remedy ?? 'Choose one with --baseline <variant id>.');
  }
  if (baseline.error) throw new InputError(baseline.error.file, baseline.error.problem, baseline.error.remedy, baseline.error.line);
  const unknown = (request.variants ?? []).filter((id) => !folder.variants.some((v) => v.id === id));
  if (unknown.length) {
    throw new InputError(folder.path, `No variant named ${unknown.join(', ')}.`, `Variants here: ${folder.variants.map((v) => v.id).join(', ')}.`);
  }
  // Unreadable variants stay in the run: their units fail with the file's problem, so the report
  // says why they have no numbers instead of leaving them out unmentioned.
  const wanted = request.variants ?? folder.variants.map((v) => v.id);
  // The endpoints were asked for by name on the same command line: --variants picks among the folder's own.
  const variants = folder.variants.filter((v) => v.id === baseline.id || wanted.includes(v.id) || v.served);

  // config.json was read once, by discovery, into folder.config; unreadable, it has problems and no values.
  const configFile = resolve(folder.path, 'config.json');
  const configProblem = folder.problems.find((p) => p.file === configFile);
  if (configProblem && Object.keys(folder.config).length === 0) throw new InputError(configProblem.file, configProblem.problem, configProblem.remedy, configProblem.line, configProblem.column);
  const config = folder.config;
  const tokenizer = await loadTokenizer(folder.path, config.eos_token_id);
  const windows: WindowScheme =
    request.windowScheme === 'second-half'
      ? { kind: 'second-half', contextLength: request.contextLength, stride: request.contextLength }
      : { kind: 'sliding', contextLength: request.contextLength, stride: request.stride };

  const needsCorpus = request.measures.includes('fidelity') || request.measures.includes('performance');
  const strict = request.strict ?? false;
  const corpusInput = request.corpusFile ? readInputFile(request.corpusFile, strict) : null;
  if (needsCorpus && !corpusInput) throw new InputError(folder.path, 'No corpus file was given for perplexity and KL divergence.', 'Pass --corpus <text file> (the demo ships examples/demo/corpus.txt).');
  const corpus = corpusInput && request.measures.includes('fidelity') ? tokenizeCorpus(corpusInput.ref.path, corpusInput.text, tokenizer, windows) : null;

  const promptsInput = request.measures.includes('generation') ? (request.promptsFile ? readInputFile(request.promptsFile, strict) : null) : null;
  if (request.measures.includes('generation') && !promptsInput) throw new InputError(folder.path, 'No prompt file was given for the generations.', 'Pass --prompts <file with one prompt per line>.');
  const modelFiles = hashModelFiles(folder.path, variants);
  const chatTemplate = renderPrompts(promptsInput ? parsePromptFile(promptsInput.ref.path, promptsInput.text) : null, request.chatTemplate ?? 'auto', tokenizer, folder.path, modelFiles);
  const prompts = chatTemplate.prompts;
  if (prompts) checkPromptsFit(prompts, tokenizer, request.maxNewTokens, sequenceLimit(request.contextLength, config.max_position_embeddings, configFile));

  const tasks = request.taskFiles?.length ? await prepareTasks(request.taskFiles, request.taskLimit, tokenizer.applyChatTemplate) : null;
  const robustness = tasks ? withRobustnessTasks(tasks.tasks, request.robustness ?? [], request.seed, tokenizer.applyChatTemplate ? { applyChatTemplate: tokenizer.applyChatTemplate } : {}) : null;
  if (tasks && robustness) tasks.tasks = robustness.tasks;
  const codeExecution = tasks ? checkCodeExecution(tasks.tasks, request, folder.path) : undefined;
  const goalsInput = request.goalsFile ? readInputFile(request.goalsFile, true) : null;
  const goals = [...(goalsInput ? parseGoalsFile(goalsInput.ref.path, goalsInput.text) : []), ...(tasks?.tasks.flatMap((t) => t.task.runGoals ?? []) ?? [])];

  const hasServed = variants.some((v) => v.served);
  // Served variants are swept over HTTP with the same lengths and concurrency, plus the load settings.
  const sweep = { ...resolveSweep(request.performance), ...(hasServed ? { load: servedLoadSweep(request) } : {}) };
  const longest = Math.max(...sweep.inputLengths) + Math.max(...sweep.outputLengths);
  if (request.measures.includes('performance') && config.max_position_embeddings !== undefined && longest > config.max_position_embeddings) {
    throw new InputError(configFile, `The longest performance workload is ${longest} tokens (input + output), more than this model's max_position_embeddings of ${config.max_position_embeddings}.`, 'Use shorter input or output lengths.');
  }
  const rowsInFlight = Math.max(...sweep.batchSizes) * Math.max(...sweep.concurrency);
  const performanceSource = corpusInput && request.measures.includes('performance') ? promptSource(tokenizer, corpusInput.text, Math.max(...sweep.inputLengths) * rowsInFlight) : null;
  const spec: RunSpec = {
    modelFolder: folder.path,
    modelName: folder.name,
    baselineId: baseline.id,
    variantIds: variants.map((v) => v.id),
    measures: request.measures,
    corpus: corpusInput?.ref,
    prompts: promptsInput?.ref,
    ...(tasks ? { taskFiles: tasks.files, taskDatasets: tasks.datasets, ...(request.taskLimit !== undefined ? { taskLimit: request.taskLimit } : {}) } : {}),
    ...(goalsInput ? { goalsFile: goalsInput.ref } : {}),
    ...(goals.length ? { goals } : {}),
    windows,
    generation: { maxNewTokens: request.maxNewTokens, greedy: true, stopOnEos: true },
    performance: { promptTokens: request.performance.promptTokens, outputTokens: request.performance.outputTokens, warmups: request.performance.warmups, repetitions: request.performance.repetitions, ignoreEos: true, sweep },
    executionProvider: request.executionProvider,
    threads: request.threads,
    seed: request.seed,
    chatTemplate: chatTemplate.record,
    modelFiles,
    libraries: libraryVersions(),
    ...(robustness?.spec ? { robustness: robustness.spec } : {}),
    ...(codeExecution ? { codeExecution } : {}),
  };
  const specHash = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
  const methods = [
    `Perplexity and KL divergence: ${describeWindows(windows)}. Softmax in float64 over the full vocabulary; KLD(base ‖ variant) per scored token, llama.cpp --kl-divergence statistics.`,
    `Generations: greedy, at most ${request.maxNewTokens} new tokens, stop at EOS; each variant's output is re-scored teacher-forced under the baseline for per-token KLD and Δp. ${describeChatTemplate(chatTemplate.record)}`,
    describePerformanceMethod(sweep, request.performance.warmups),
  ];
  const served = variants.filter((v) => v.served);
  if (served.length) methods.push(describeServed(served, sweep.load!));
  if (tasks) {
    methods.push(
      `Tasks (${tasks.tasks.map((t) => t.task.name).join(', ')}): multiple choice by the summed log-likelihood of each continuation given the context (lm-evaluation-harness loglikelihood); generation greedy up to max_new_tokens or EOS, cut at the first stop sequence; perplexity by rolling log-likelihood. Every aggregate with a seeded 1000-resample percentile bootstrap 95% CI; variants paired with the baseline on the same items (paired bootstrap of the delta, flips and McNemar for right/wrong metrics, TOST at the goal's margin), then the task files' goals.`,
    );
  }
  if (robustness?.spec) methods.push(describeRobustness(robustness.spec));
  const executionProviders = await detectExecutionProviders(request.executionProvider);
  const maxPositions = config.max_position_embeddings !== undefined && config.max_position_embeddings > 1 ? config.max_position_embeddings : 2048;
  const geometry = geometryFromConfig({ ...config }); // a copy: the summary's interface has no index signature
  const warnings = [corpusInput, promptsInput].flatMap((input) => (input?.notUtf8 ? [input.notUtf8.message] : []));
  // Backends with their own tokenizer (a server's, a GGUF's) check it against ours on these texts.
  const agreementTexts = variants.some((v) => v.served || v.gguf) ? agreementTextsOf(corpusInput?.text, prompts) : [];
  return { folder, baseline, variants, tokenizer, spec, specHash, corpus, prompts, performanceSource, tasks: tasks?.tasks ?? [], maxPositions, geometry, methods, executionProviders, warnings, agreementTexts };
}

/**
 * A start-run message without a discovery, or with one of another folder or baseline, is a parent's
 * bug (every parent calls discoverForRun): said plainly instead of failing later on a missing field.
 */
function checkDiscoveryFits(request: RunRequest, folder: ModelFolder | undefined): asserts folder is ModelFolder {
  if (typeof folder !== 'object' || folder === null || !Array.isArray(folder.variants)) {
    throw new Error(`the start-run message for ${request.modelFolder} carries no model discovery (model); the parent must discover the folder when it starts the run (discoverForRun).`);
  }
  if (folder.path !== resolve(request.modelFolder)) throw new Error(`the start-run message's discovery is of ${folder.path}, not of the requested ${resolve(request.modelFolder)}.`);
  if (request.baseline !== undefined && folder.baselineId !== request.baseline) {
    throw new Error(`the start-run message's discovery has baseline ${folder.baselineId ?? 'none'}, not the requested ${request.baseline}; discover with the request's baseline (discoverForRun).`);
  }
}

/** At most this much of the corpus goes to a server's /tokenize: enough lines to catch a different vocabulary, not the whole file. */
const AGREEMENT_CORPUS_CHARS = 16_384;

/** The corpus's first lines (up to AGREEMENT_CORPUS_CHARS) and every prompt as the model is fed it. */
function agreementTextsOf(corpus: string | undefined, prompts: PromptSet | null): string[] {
  const texts: string[] = [];
  let chars = 0;
  for (const line of (corpus ?? '').split(/\n/)) {
    if (!line.trim()) continue;
    if (chars + line.length > AGREEMENT_CORPUS_CHARS && texts.length) break;
    texts.push(line);
    chars += line.length;
  }
  for (const p of prompts?.prompts ?? []) texts.push(p.input);
  return texts;
}

/** The load generator's settings with every field filled in; a bad value the parent let through is an input error naming the flag. */
function servedLoadSweep(request: RunRequest): LoadSweep {
  try {
    return resolveLoadSweep(request.servedLoad, { warmups: request.performance.warmups, rounds: request.performance.sweep?.rounds ?? RUN_SETTINGS.rounds.default, seed: request.seed });
  } catch (error) {
    throw new InputError(request.modelFolder, `the served load settings (--perf-rates, --perf-burstiness, --perf-requests, --slo): ${errorMessage(error)}.`, 'Fix the flag or setting named.');
  }
}

/** Where each served variant was measured, and how its numbers differ from in-process ones. */
function describeServed(served: readonly ModelVariant[], load: LoadSweep): string {
  const each = served.map((v) => {
    const info = v.served!;
    const replicas = info.hosts.length > 1 ? `${info.hosts.length} replicas at ${info.hosts.join(', ')}` : `host ${info.hosts[0]}`;
    return `${v.id} (model ${info.model || 'unknown'}, ${info.dialect} server, ${replicas})`;
  });
  const rates = load.requestRates.map((r) => (r === 'inf' ? 'inf (all at once)' : `${r}/s`)).join(', ');
  return [
    `Served variants, measured over HTTP: ${each.join('; ')}.`,
    'Perplexity and KL divergence from the prompt-token log-probabilities the server returns (exact with the full vocabulary, a lower bound from top-k), after checking that it tokenizes as the local tokenizer; generations greedy (temperature 0) on /v1/completions.',
    `Performance: a load sweep from this process over streamed responses (timed per chunk on arrival), request rates ${rates}, burstiness ${load.burstiness} (gamma shape, 1 = Poisson, seed ${load.seed}), ${load.requestsPerCell} timed requests per cell and pass after ${load.warmupRequests} warmups, ${load.passes} passes, ${load.fixedLength ? 'fixed output lengths asked for (ignore_eos / min_tokens, flagged where not honoured)' : 'natural output lengths'}, goodput against ${load.slos ? formatSlos(load.slos) : 'no SLOs'}; the server's load time and memory are not visible from here.`,
    "A served model's weights cannot be verified: the run card records what /v1/models said, not a hash of the weights.",
  ].join(' ');
}

function describeChatTemplate(record: RunSpec['chatTemplate'] & object): string {
  if (record.applied) return `Each prompt is rendered as one user message through the model's chat template (${record.source}, with the generation prompt; --chat-template ${record.requested}); performance prompts stay raw corpus tokens.`;
  if (record.requested === 'off') return 'Prompts are fed raw (--chat-template off).';
  return record.source ? 'Prompts are fed raw.' : "Prompts are fed raw: the model has no chat template.";
}

function describePerformanceMethod(sweep: PerformanceSweep, warmups: number): string {
  const cells = sweepCells(sweep).length;
  return [
    `Performance: prompts of exactly ${sweep.inputLengths.join('/')} tokens cut from the corpus by the tokenizer; exactly ${sweep.outputLengths.join('/')} output tokens (EOS ignored);`,
    `batch sizes ${sweep.batchSizes.join('/')} (one length per batch, per-row argmax) × ${sweep.concurrency.join('/')} concurrent requests in one process = ${cells} cell${cells === 1 ? '' : 's'}.`,
    `Per cell: ${warmups} warmups, then prefill (max_new_tokens 1) and decode timed separately until at least ${sweep.minIterations} iterations and ${sweep.minSeconds} s,`,
    `spread over ${sweep.rounds} rounds of fresh probe processes with the variants interleaved A B C A B C.`,
    `TTFT/TPOT/ITL/E2E by vLLM's definitions; throughput Σ output tokens / wall time; mean, median, std, p90, p99, 95% CI, CV; Welch's t against the baseline.`,
    `RSS sampled every 10 ms from the parent plus the OS high-water mark; KV cache bytes from config.json; roofline fractions against a streaming-copy and a MatMul probe of this machine.`,
  ].join(' ');
}
