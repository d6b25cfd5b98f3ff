import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRun, readSamples } from '../../src/node/runFolder/reader';
import type { RunReport } from '../../src/shared/report/schema';
import { childrenOf, copyModel, runCli, runWorker, testRequest, withTempDir } from '../helpers/engineRun';
import { TINY_GQA, TINY_LLAMA } from '../helpers/fixtures';

/** CLI flags for a quick run; the corpus and prompts default to the bundled demo files. */
const QUICK = ['--context', '64', '--stride', '32', '--max-new-tokens', '8', '--threads', '2', '--provider', 'cpu'];
const EXIT = { ok: 0, failed: 1, badInput: 2 };

function reportFromJson(stdout: string): RunReport {
  return JSON.parse(stdout) as RunReport;
}

test('a corpus shorter than one window is bad input naming the corpus file (CLI exit 2; worker error with file)', async () => {
  await withTempDir('ql-short-corpus-', async (dir) => {
    const corpus = join(dir, 'short corpus.txt');
    writeFileSync(corpus, 'The river runs through the town.\n');
    const cli = await runCli(['eval', TINY_LLAMA, ...QUICK, '--measure', 'fidelity', '--corpus', corpus, '--out', dir]);
    assert.equal(cli.code, EXIT.badInput, cli.stderr);
    assert.match(cli.stderr, /error: .*short corpus\.txt: The corpus is \d+ tokens, shorter than one window of 64 tokens\./);

    const run = await runWorker(testRequest(TINY_LLAMA, { corpusFile: corpus }), dir);
    assert.equal(run.outcome.crashed, false);
    assert.equal(run.outcome.done?.status, 'failed');
    assert.equal(run.outcome.done?.runFolder, null, 'no run folder for a run that never started');
    assert.equal(run.outcome.fatalError?.file, corpus);
    assert.match(run.outcome.fatalError?.remedy ?? '', /longer corpus|lower the context/);
  });
});

test('a prompt too long for the context names the prompt file and its line (line 3, after a blank line)', async () => {
  await withTempDir('ql-long-prompt-', async (dir) => {
    const prompts = join(dir, 'prompts.txt');
    writeFileSync(prompts, ['The river runs through', '', 'The old man sits on the bench '.repeat(12).trim(), 'The fox lives in'].join('\n'));
    const cli = await runCli(['eval', TINY_LLAMA, ...QUICK, '--measure', 'generation', '--prompts', prompts, '--out', dir]);
    assert.equal(cli.code, EXIT.badInput, cli.stderr);
    assert.ok(cli.stderr.includes(`${prompts}:3: `), `line 3 named in: ${cli.stderr}`);
    assert.match(cli.stderr, /tokens; with 8 new tokens it is longer than the context of 64/);

    const run = await runWorker(testRequest(TINY_LLAMA, { measures: ['generation'], promptsFile: prompts, maxNewTokens: 8 }), dir);
    assert.equal(run.outcome.done?.status, 'failed');
    assert.equal(run.outcome.fatalError?.file, prompts);
    assert.equal(run.outcome.fatalError?.line, 3);
  });
});

test('an empty prompt file is bad input naming the file (CLI exit 2)', async () => {
  await withTempDir('ql-empty-prompts-', async (dir) => {
    const prompts = join(dir, 'empty.txt');
    writeFileSync(prompts, '');
    const cli = await runCli(['eval', TINY_LLAMA, ...QUICK, '--measure', 'generation', '--prompts', prompts, '--out', dir]);
    assert.equal(cli.code, EXIT.badInput, cli.stderr);
    assert.ok(cli.stderr.includes(`${prompts}: The prompt file has no prompts.`), cli.stderr);
  });
});

test('corrupt, truncated and folder-shaped variant files fail with their reason while the other variants are evaluated (CLI exit 1)', async () => {
  await withTempDir('ql-corrupt-', async (dir) => {
    const model = copyModel(TINY_LLAMA, dir, 'damaged-llama');
    const q4 = join(model, 'onnx', 'model_q4.onnx');
    const q8 = join(model, 'onnx', 'model_quantized.onnx');
    const int8 = join(model, 'onnx', 'model_int8.onnx');
    writeFileSync(q4, Buffer.from('this is not an ONNX model, just some bytes '.repeat(50)));
    truncateSync(q8, Math.floor(statSync(q8).size / 2));
    mkdirSync(int8);

    const cli = await runCli(['eval', model, ...QUICK, '--measure', 'fidelity,generation', '--json', '--out', dir]);
    assert.equal(cli.code, EXIT.failed, cli.stderr);
    const report = reportFromJson(cli.stdout);
    assert.equal(report.status, 'completed-with-errors');
    const failed = new Map(report.failures.map((f) => [f.unit, f.error]));
    for (const [id, file, reason] of [['q4', q4, /is not a valid ONNX model/], ['q8', q8, /is not a valid ONNX model \(truncated/], ['int8', int8, /is a folder, where a file was expected/]] as const) {
      for (const unit of [`lockstep:${id}`, `generation:${id}`]) {
        const error = failed.get(unit);
        assert.ok(error, `${unit} is listed as failed: ${JSON.stringify(report.failures)}`);
        assert.ok(error.startsWith(`${file}: `), `${unit} names ${file}: ${error}`);
        assert.match(error, reason);
      }
      const summary = report.variants.find((v) => v.id === id);
      assert.ok(summary, `${id} is in the report`);
      assert.equal(summary.kld, undefined);
      assert.equal(summary.generation, undefined);
      assert.ok(cli.stderr.includes(file), `stderr names ${file}`);
    }
    assert.equal(report.failures.length, 6);
    const fp16 = report.variants.find((v) => v.id === 'fp16')!;
    assert.ok(fp16.kld && fp16.kld.tokens > 0 && Number.isFinite(fp16.kld.kld.mean), 'fp16 has its KLD');
    assert.equal(fp16.generation?.samples, 10);
    assert.ok(Number.isFinite(report.variants.find((v) => v.isBaseline)!.perplexity!.tokenPerplexity.value));
  });
});

test('a variant with another vocabulary fails lockstep with "no KL divergence is possible between different vocabularies"; the others are fine (CLI exit 1)', async () => {
  await withTempDir('ql-vocab-', async (dir) => {
    const model = copyModel(TINY_LLAMA, dir, 'mixed-vocab');
    copyFileSync(join(TINY_GQA, 'onnx', 'model_q4.onnx'), join(model, 'onnx', 'model_q4.onnx'));
    const cli = await runCli(['eval', model, ...QUICK, '--measure', 'fidelity,generation', '--json', '--out', dir]);
    assert.equal(cli.code, EXIT.failed, cli.stderr);
    const report = reportFromJson(cli.stdout);
    assert.equal(report.status, 'completed-with-errors');
    const failed = new Map(report.failures.map((f) => [f.unit, f.error]));
    assert.match(failed.get('lockstep:q4') ?? '', /q4 has a vocabulary of 639 tokens but the baseline fp32 has 687: no KL divergence is possible between different vocabularies/);
    assert.match(failed.get('generation:q4') ?? '', /q4 has a vocabulary of 639 tokens but the baseline fp32 has 687/);
    assert.doesNotMatch(cli.stderr, /Gather/, 'no raw onnxruntime error');
    assert.equal(report.failures.length, 2);
    for (const id of ['fp16', 'q8']) {
      const v = report.variants.find((s) => s.id === id)!;
      assert.ok(v.kld && Number.isFinite(v.kld.kld.mean), `${id} has its KLD`);
      assert.equal(v.generation?.samples, 10);
    }
  });
});

test('a worker killed with SIGKILL (alone, not its group) is reported as crashed and its partial run stays readable', async () => {
  await withTempDir('ql-crash-', async (dir) => {
    let killed = false;
    const run = await runWorker(testRequest(TINY_LLAMA, { measures: ['fidelity', 'generation'] }), dir, {
      onMessage: (message, client) => {
        if (message.type === 'unit-result' && !killed) {
          killed = true;
          process.kill(client.pid!, 'SIGKILL');
        }
      },
    });
    assert.ok(killed);
    assert.equal(run.outcome.crashed, true);
    assert.equal(run.outcome.done, null);
    assert.equal(run.outcome.signal, 'SIGKILL');
    assert.ok(run.outcome.runFolder);
    const partial = readRun(run.outcome.runFolder);
    assert.equal(partial.status, 'running');
    assert.deepEqual(partial.damagedLines, []);
    assert.ok(partial.results.length >= 1);
    assert.ok(partial.card.spec.variantIds.length === 4);
    readSamples(partial.folder);
  });
});

test('the CLI reports a crashed worker with exit 1 and points at the partial run and --resume', { skip: process.platform !== 'linux' && 'finds the worker through /proc' }, async () => {
  await withTempDir('ql-cli-crash-', async (dir) => {
    let killedWorker: number[] | undefined;
    const cli = await runCli(['eval', TINY_LLAMA, ...QUICK, '--measure', 'fidelity', '--out', dir], (stderr, cliPid) => {
      // The baseline's perplexity unit is on disk once the first variant starts loading.
      if (killedWorker || !stderr.includes('Loading fp16')) return;
      killedWorker = childrenOf(cliPid);
      for (const pid of killedWorker) process.kill(pid, 'SIGKILL');
    });
    assert.equal(killedWorker?.length, 1, `the CLI had exactly one child, its worker: ${killedWorker}`);
    assert.equal(cli.code, EXIT.failed, cli.stderr);
    const match = /The evaluation worker stopped unexpectedly \(SIGKILL\)\. Partial results are in (.+); re-run with --resume to finish\./.exec(cli.stderr);
    assert.ok(match, cli.stderr);
    const partial = readRun(match[1]!);
    assert.ok(partial.results.some((r) => r.kind === 'perplexity'));
  });
});

test('an output folder that cannot be created ends the run with a message instead of hanging the worker', async () => {
  await withTempDir('ql-bad-out-', async (dir) => {
    const notAFolder = join(dir, 'a-file');
    writeFileSync(notAFolder, '');
    const cli = await runCli(['eval', TINY_LLAMA, ...QUICK, '--measure', 'fidelity', '--out', notAFolder], undefined, 30_000);
    assert.notEqual(cli.code, EXIT.ok);
    assert.ok(cli.stderr.includes(notAFolder), cli.stderr);
  });
});
