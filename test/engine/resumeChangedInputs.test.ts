import { strict as assert } from 'node:assert';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRun, readSamples, RunOnDisk } from '../../src/node/runFolder/reader';
import type { RunRequest } from '../../src/shared/protocol';
import type { RunEvent, RunReport } from '../../src/shared/report/schema';
import { unitKeyString } from '../../src/shared/report/schema';
import { fileSha256 } from '../../src/worker/fileHash';
import { copyModel, DEMO_CORPUS, DEMO_PROMPTS, runCli, runWorker, testRequest, withTempDir, WorkerRun } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';

/** Runs the request and SIGKILLs the worker once `unit` has been reported; returns the partial run. */
async function runUntilKilledAfter(request: RunRequest, out: string, unit: string): Promise<RunOnDisk> {
  const run = await runWorker(request, out, {
    onMessage: (message, client) => {
      if (message.type === 'unit-result' && unitKeyString(message.result) === unit) client.kill();
    },
  });
  assert.equal(run.outcome.signal, 'SIGKILL', `killed after ${unit}`);
  const partial = readRun(run.outcome.runFolder!);
  assert.equal(partial.status, 'running');
  assert.ok(partial.results.some((r) => unitKeyString(r) === unit));
  return partial;
}

/** The events the last session of a run appended (after its last run-started). */
function lastSession(folder: string): RunEvent[] {
  const events = readRun(folder).events;
  const start = events.map((e) => e.type).lastIndexOf('run-started');
  return events.slice(start);
}

const startedUnits = (events: readonly RunEvent[]): string[] => events.flatMap((e) => (e.type === 'unit-started' ? [unitKeyString(e.unit)] : [])).sort();
const warningsOf = (run: WorkerRun): string[] => run.messages.flatMap((m) => (m.type === 'warning' ? [m.message] : []));
const short = (sha256: string): string => `${sha256.slice(0, 8)}…`;

const ALL_UNITS = ['perplexity:fp32', 'generation:fp32', 'lockstep:fp16', 'generation:fp16', 'lockstep:q8', 'generation:q8', 'lockstep:q4', 'generation:q4'];

test('a variant file replaced between kill and resume: --resume=strict refuses (exit 2) naming it; --resume recomputes exactly its units, names the file, reuses the rest, and run.json has the new hash', async () => {
  await withTempDir('ql-resume-changed-', async (dir) => {
    const model = copyModel(TINY_LLAMA, dir, 'tiny');
    const out = join(dir, 'out');
    const request = testRequest(model, { measures: ['fidelity', 'generation'], maxNewTokens: 12 });
    const q8File = join(model, 'onnx', 'model_quantized.onnx');
    const q4File = join(model, 'onnx', 'model_q4.onnx');

    const partial = await runUntilKilledAfter(request, out, 'generation:q8');
    const before = { q8: fileSha256(q8File).sha256, q4: fileSha256(q4File).sha256 };
    assert.notEqual(before.q8, before.q4);
    assert.equal(partial.card.spec.modelFiles?.variants.q8?.[0]?.sha256, before.q8, 'run.json hashes the variant files into the spec');
    copyFileSync(q4File, q8File);
    const eventsBefore = partial.events.length;
    const expectedCause = `onnx/model_quantized.onnx changed since the run started (sha256 ${short(before.q8)} → ${short(before.q4)})`;

    // The same request from the CLI with --resume=strict: refused, nothing written.
    const cli = await runCli([
      'eval', model, '--measure', 'fidelity,generation', '--corpus', DEMO_CORPUS, '--prompts', DEMO_PROMPTS, '--context', '64', '--stride', '32', '--max-new-tokens', '12',
      '--perf-prompt', '16', '--perf-output', '8', '--warmups', '1', '--repetitions', '2', '--provider', 'cpu', '--threads', '2', '--out', out, '--resume=strict',
    ]);
    assert.equal(cli.code, 2, cli.stderr);
    assert.ok(cli.stderr.includes(`error: ${q8File}: Cannot resume ${partial.folder} strictly: ${expectedCause} (affects lockstep:q8, generation:q8).`), cli.stderr);
    assert.equal(readRun(partial.folder).events.length, eventsBefore, 'a strict refusal appends nothing');
    assert.equal(readRun(partial.folder).card.specHash, partial.card.specHash, 'nor rewrites run.json');

    // The worker with strict mode: the fatal error names the changed file.
    const strict = await runWorker(request, out, { resume: 'strict' });
    assert.equal(strict.outcome.done?.status, 'failed');
    assert.equal(strict.outcome.fatalError?.file, q8File);

    const resumed = await runWorker(request, out, { resume: true });
    assert.equal(resumed.outcome.done?.status, 'completed', JSON.stringify(resumed.messages.filter((m) => m.type === 'error')));
    assert.equal(resumed.outcome.done?.runFolder, partial.folder, 'the same run is continued although a file changed');
    assert.ok(warningsOf(resumed).includes(`${expectedCause}: recomputing lockstep:q8, generation:q8`), warningsOf(resumed).join('\n'));

    const done = partial.results.map(unitKeyString);
    const reused = done.filter((u) => u !== 'lockstep:q8' && u !== 'generation:q8').sort();
    const created = resumed.messages.find((m) => m.type === 'run-created');
    assert.ok(created?.type === 'run-created' && created.resumed);
    assert.deepEqual([...created.skippedUnits].sort(), reused, 'every unit the file does not feed is reused');
    const session = lastSession(partial.folder);
    assert.deepEqual(startedUnits(session), ALL_UNITS.filter((u) => !reused.includes(u)).sort(), 'only the changed and the missing units ran');
    const completions = readRun(partial.folder).events.filter((e) => e.type === 'unit-completed').map((e) => e.type === 'unit-completed' && unitKeyString(e.result));
    for (const unit of reused) assert.equal(completions.filter((u) => u === unit).length, 1, `${unit} was computed once`);

    const finished = readRun(partial.folder);
    assert.equal(finished.status, 'completed');
    const q8Card = finished.card.variants.find((v) => v.id === 'q8')!;
    assert.deepEqual(q8Card.files.map((f) => f.sha256), [before.q4], 'run.json names the new file');
    assert.equal(finished.card.spec.modelFiles?.variants.q8?.[0]?.sha256, before.q4);
    assert.notEqual(finished.card.specHash, partial.card.specHash, 'the spec hash covers the content');
    const q8Completion = session.find((e) => e.type === 'unit-completed' && unitKeyString(e.result) === 'lockstep:q8');
    assert.ok(q8Completion?.type === 'unit-completed' && q8Completion.inputs?.files[q8File] === before.q4, 'the recomputed unit records the hash it was computed from');

    // q8's file is now q4's bytes: its recomputed numbers are q4's, computed with the new file.
    const report = finished.report as RunReport;
    const variant = (id: string) => report.variants.find((v) => v.id === id)!;
    assert.deepEqual(variant('q8').kld, variant('q4').kld);
    assert.deepEqual(variant('q8').perplexity, variant('q4').perplexity);
    const samples = readSamples(partial.folder);
    const prompts = readFileSync(DEMO_PROMPTS, 'utf8').split('\n').filter((l) => l.trim()).length;
    assert.equal(samples.length, 4 * prompts, 'the old file\'s q8 samples are gone, the new ones written once');
    const outputs = (id: string) => samples.filter((s) => s.variantId === id).sort((a, b) => a.promptIndex - b.promptIndex).map((s) => s.tokenIds);
    assert.deepEqual(outputs('q8'), outputs('q4'));
  });
});

test('an edited tokenizer_config.json invalidates every finished unit that tokenizes with it, named in the warning', async () => {
  await withTempDir('ql-resume-tokenizer-', async (dir) => {
    const model = copyModel(TINY_LLAMA, dir, 'tiny');
    const out = join(dir, 'out');
    const request = testRequest(model, { measures: ['fidelity'] });
    const partial = await runUntilKilledAfter(request, out, 'lockstep:fp16');
    const configFile = join(model, 'tokenizer_config.json');
    const before = fileSha256(configFile).sha256;
    assert.equal(partial.card.spec.modelFiles?.tokenizerConfig?.sha256, before);
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(configFile, JSON.stringify({ ...config, padding_side: 'right' }, null, 2));
    const now = fileSha256(configFile).sha256;

    const resumed = await runWorker(request, out, { resume: true });
    assert.equal(resumed.outcome.done?.status, 'completed');
    const done = partial.results.map(unitKeyString);
    assert.ok(warningsOf(resumed).includes(`tokenizer_config.json changed since the run started (sha256 ${short(before)} → ${short(now)}): recomputing ${done.join(', ')}`), warningsOf(resumed).join('\n'));
    const created = resumed.messages.find((m) => m.type === 'run-created');
    assert.ok(created?.type === 'run-created' && created.resumed && created.skippedUnits.length === 0, 'nothing is reused');
    assert.deepEqual(startedUnits(lastSession(partial.folder)), ['lockstep:fp16', 'lockstep:q4', 'lockstep:q8', 'perplexity:fp32']);
    assert.equal(readRun(partial.folder).card.spec.modelFiles?.tokenizerConfig?.sha256, now, 'run.json has the new hash');
  });
});
