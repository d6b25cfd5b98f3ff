import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { formatBytes, formatPercent } from '../shared/format';
import { errorMessage, fileLocation, isInputError } from '../shared/errors';
import type { RunReport } from '../shared/report/schema';
import { comparabilityWarnings } from '../shared/report/comparability';
import { RESULT_COLUMNS, renderTable, resultRows } from '../shared/resultsTable';
import { summarizeVariant } from '../shared/variantSummary';
import { anyGateFailed, failedGoalsSentence, GOAL_COLUMNS, goalRows } from '../shared/goalTable';
import { TASK_COLUMNS, taskResultRows } from '../shared/taskTable';
import { printRobustnessAndCalibration } from './robustnessOutput';
import { discoverForRun, discoverModels } from '../node/discovery';
import { readRun, readSamples } from '../node/runFolder/reader';
import { AnnotationStore, modelFolderKey } from '../node/annotations/annotationStore';
import { annotationSummaryRows, emptyAnnotationsFile, summarizeAnnotations } from '../shared/annotations';
import { WorkerClient } from '../node/workerClient';
import { FIXTURE_FAMILIES } from '../modelmaker/familySpec';
import { parseArgs } from 'node:util';
import { EvalArgs, parseEvalArgs } from './args';
import { commandUsage, isCliCommand, parseCommandLine, USAGE, UsageError } from './usage';
import { printEnvironment, printSweep } from './performanceOutput';
import { ProgressView } from './progressView';
import { runScore } from './score';
import { codeExecutionLines } from './codeExecutionOutput';
import { runCompare } from './compareCommand';
import { runExport } from './exportCommand';
import { runServe } from './serveCommand';
import { runRate } from './rateCommand';

/** dist/cli.js sits one folder below the package root (repository and VSIX alike). */
const PACKAGE_ROOT = resolve(__dirname, '..');
const DEFAULTS = {
  corpus: join(PACKAGE_ROOT, 'examples', 'demo', 'corpus.txt'),
  prompts: join(PACKAGE_ROOT, 'examples', 'demo', 'prompts.txt'),
  cores: cpus().length,
};
const EXIT = { ok: 0, failed: 1, badInput: 2, gateFailed: 3 } as const;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    console.error(USAGE);
    return EXIT.badInput;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    // `quantlens help eval` is `quantlens eval --help`.
    console.log(isCliCommand(rest[0]) ? commandUsage(rest[0]) : USAGE);
    return EXIT.ok;
  }
  if (!isCliCommand(command)) throw new UsageError(`unknown command "${command}"`);
  if (asksForHelp(rest)) {
    console.log(commandUsage(command));
    return EXIT.ok;
  }
  switch (command) {
    case 'eval':
      return evaluate(parseEvalArgs(rest, DEFAULTS));
    case 'discover':
      return discover(rest);
    case 'score':
      return runScore(rest);
    case 'demo':
      return demo(rest);
    case 'env':
      return printEnvironment(rest);
    case 'compare':
      return runCompare(rest);
    case 'export':
      return runExport(rest);
    case 'serve':
      return runServe(rest);
    case 'rate':
      return runRate(rest);
  }
}

/** --help anywhere before a `--` terminator, as every command takes it. */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

async function discover(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('discover', () => parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } }));
  if (positionals.length > 1) throw new UsageError('discover takes one folder', 'discover');
  const folder = resolve(positionals[0] ?? '.');
  const models = await discoverModels(folder);
  if (values.json) process.stdout.write(`${JSON.stringify({ folder, models }, null, 2)}\n`);
  if (models.length === 0) {
    console.error(`${folder}: no model folders found (a model folder has config.json or tokenizer.json and .onnx files).`);
    return EXIT.badInput;
  }
  if (values.json) return EXIT.ok;
  for (const model of models) {
    console.log(`\n${model.name}  ${model.path}`);
    console.log(renderTable(['variant', 'dtype', 'size', 'file', 'quantization'], model.variants.map((v) => [
      v.id === model.baselineId ? `${v.id} (baseline)` : v.id,
      v.dtype,
      formatBytes(v.sizeBytes),
      v.file.slice(model.path.length + 1),
      v.error ? `ERROR ${v.error.problem}` : summarizeVariant(v),
    ])));
    for (const p of model.problems) console.log(`problem: ${fileLocation(p.file, p.line, p.column)}: ${p.problem} ${p.remedy}`);
    for (const w of model.variants.flatMap((v) => v.warnings ?? [])) console.log(`warning: ${w.file}: ${w.problem} ${w.remedy}`);
  }
  return EXIT.ok;
}

async function demo(rest: string[]): Promise<number> {
  const parent = join(PACKAGE_ROOT, 'demo');
  const spec = FIXTURE_FAMILIES[0]!;
  const folder = join(parent, spec.name);
  // A demo folder made before GGUF variants existed is made again, so it gains them.
  if (!existsSync(join(folder, 'onnx', 'model.onnx')) || !existsSync(join(folder, 'gguf'))) {
    console.error(`Making the demo model ${folder} (a tiny Llama-style ONNX model with fp32, fp16, q8 and q4 variants, and GGUF F32…Q6_K files of the same weights)…`);
    const made = makeDemoModel(parent, spec.name);
    if (made !== EXIT.ok) return made;
  }
  return evaluate(parseEvalArgs([folder, '--context', '128', '--stride', '64', '--max-new-tokens', '32', ...rest], DEFAULTS, 'demo'));
}

/**
 * The fixture maker is its own bundle (dist/make-fixtures.js, with onnx-proto and protobufjs), run
 * as a child so this CLI ships without them. It comes with the repository, not the extension: the
 * demo is a from-a-clone feature. Its stdout goes to our stderr, so `demo --json` prints only JSON.
 */
function makeDemoModel(parent: string, family: string): number {
  const maker = join(__dirname, 'make-fixtures.js');
  if (!existsSync(maker)) {
    console.error(`error: ${maker} is missing: \`quantlens demo\` makes its model with the fixture maker, which comes with the repository, not the extension. Run the demo from a clone (npm run demo), or evaluate a model of your own with \`quantlens eval <folder>\`.`);
    return EXIT.failed;
  }
  const child = spawnSync(process.execPath, [maker, parent, family], { stdio: ['ignore', 2, 'inherit'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  if (child.status === 0) return EXIT.ok;
  console.error(`error: the fixture maker could not make the demo model (${child.error?.message ?? (child.signal ? `signal ${child.signal}` : `exit ${child.status}`)})`);
  return EXIT.failed;
}

async function evaluate(args: EvalArgs): Promise<number> {
  const outputFolder = resolve(args.outputFolder ?? dirname(resolve(args.request.modelFolder)));
  const request = { ...args.request, modelFolder: resolve(args.request.modelFolder) };
  // Discovered here, as the run (or its --resume) starts; a folder that cannot be a model is bad input (exit 2).
  const model = await discoverForRun(request);
  const progress = new ProgressView(process.stderr);
  const client = new WorkerClient(
    { type: 'start-run', request, model, outputFolder, resume: args.resume },
    {
      workerScript: join(__dirname, 'worker.js'),
      onMessage: (m) => {
        if (m.type === 'progress') return progress.update(m);
        if (m.type === 'log' && (m.level === 'debug' || m.level === 'trace')) return;
        if (m.type === 'log' || m.type === 'warning' || m.type === 'error') progress.interrupt();
        if (m.type === 'log') console.error(m.message);
        if (m.type === 'warning') console.error(`warning: ${m.message}`);
        if (m.type === 'error') console.error(`${m.fatal ? 'error' : 'variant failed'}: ${m.message}`);
        if (m.type === 'run-created' && m.resumed) console.error(`Resuming ${m.runFolder}; ${m.skippedUnits.length} units already done.`);
      },
      onStderr: (line) => {
        progress.interrupt();
        console.error(line);
      },
    },
  );
  const onSignal = (): void => {
    progress.interrupt();
    console.error('Cancelling… (completed units stay on disk; --resume finishes the run)');
    client.cancel();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const outcome = await client.outcome;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  progress.interrupt();

  if (outcome.crashed) {
    // (the worker's stderr lines were already printed as they came)
    console.error(`The evaluation worker stopped unexpectedly (${outcome.signal ?? `exit code ${outcome.exitCode}`}).${outcome.runFolder ? ` Partial results are in ${outcome.runFolder}; re-run with --resume to finish.` : ''}`);
    return EXIT.failed;
  }
  const done = outcome.done!;
  if (!done.reportPath || !done.runFolder) return outcome.fatalError?.file ? EXIT.badInput : EXIT.failed;
  const report = readRun(done.runFolder).report as RunReport;
  if (args.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    console.log(renderTable(RESULT_COLUMNS, resultRows(report)));
    printSweep(report);
    const taskRows = taskResultRows(report);
    if (taskRows.length) console.log(`\nTasks (seeded bootstrap CIs; Δ paired on the same items):\n${renderTable(TASK_COLUMNS, taskRows)}`);
    printRobustnessAndCalibration(report);
    for (const line of codeExecutionLines(done.runFolder)) console.log(line);
    const goalTableRows = goalRows(report);
    if (goalTableRows.length) console.log(`\nGoals (each decided by the evidence it asks for):\n${renderTable(GOAL_COLUMNS, goalTableRows)}`);
    printFailureSummary(done.runFolder, outputFolder);
    for (const f of report.failures) console.log(`failed: ${f.unit}: ${f.error}`);
    for (const u of report.unavailable ?? []) console.log(`not scored: ${u.unit}: ${u.reason}`);
    for (const w of comparabilityWarnings(report.comparability ?? [])) console.log(`comparability warning: ${w}`);
    console.log(`\nRun ${report.status}. Report: ${done.reportPath}`);
  }
  if (done.status === 'completed') {
    if (args.failOnGate && anyGateFailed(report)) {
      console.error(`${failedGoalsSentence(report)} (--fail-on-gate).`);
      return EXIT.gateFailed;
    }
    return EXIT.ok;
  }
  return outcome.fatalError?.file ? EXIT.badInput : EXIT.failed;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      // One line per problem: the resolver reports every bad setting at once.
      console.error(`${error.message.split('\n').map((line) => `error: ${line}`).join('\n')}\n\n${error.command ? commandUsage(error.command) : USAGE}`);
    } else if (isInputError(error)) {
      console.error(`error: ${error.message}`);
    } else {
      console.error(`error: ${errorMessage(error)}`);
      process.exitCode = EXIT.failed;
      return;
    }
    process.exitCode = EXIT.badInput;
  },
);

/**
 * Failure rates per variant: automatic flags from the run, and people's annotations from
 * `<output folder>/.quantlens/annotations.json` when there is one (the workspace's, by default).
 */
function printFailureSummary(runFolder: string, root: string): void {
  const run = readRun(runFolder);
  const samples = readSamples(runFolder).filter((s) => s.variantId !== run.card.spec.baselineId);
  if (samples.length === 0) return;
  const loaded = new AnnotationStore(root).load();
  if (loaded.state === 'broken') console.error(`warning: ${loaded.error.message}`);
  const file = loaded.state === 'ok' ? loaded.file : emptyAnnotationsFile();
  const summary = summarizeAnnotations(samples, file, { modelFolder: modelFolderKey(root, run.card.spec.modelFolder) });
  const rows = annotationSummaryRows(summary)
    .filter((r) => Number(r[4]) > 0)
    .map((r) => [String(r[0]), String(r[1]), String(r[3]), `${r[4]}/${r[5]}`, `${formatPercent(Number(r[6]), 1)} (${formatPercent(Number(r[7]), 1)}–${formatPercent(Number(r[8]), 1)})`]);
  console.log(rows.length ? `\nFailures (automatic flags and annotations, 95% Wilson CI):\n${renderTable(['variant', 'source', 'category', 'samples', 'rate'], rows)}` : '\nFailures: no automatic flags or annotations.');
}
