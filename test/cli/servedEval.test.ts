import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startServe } from '../../src/serve/startServe';
import type { RunCard, RunReport } from '../../src/shared/report/schema';
import { TINY_LLAMA } from '../helpers/fixtures';
import { runCli, TEST_THREADS, withTempDir } from '../helpers/engineRun';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);

function assertSame(actual: number, expected: number, what: string, tolerance = 1e-9): void {
  assert.ok(Number.isFinite(actual) && Number.isFinite(expected), `${what}: ${actual} vs ${expected}`);
  assert.ok(rel(actual, expected) <= tolerance, `${what}: served ${actual} vs in-process ${expected} (rel ${rel(actual, expected)})`);
}

/**
 * The headline of issue 14: the fixture's q4 served by `quantlens serve` (full distribution) and
 * evaluated through `--endpoint` gives the PPL and the lockstep KLD of the same q4 run in-process,
 * in the same run, against the same fp32 baseline — over real sockets, through the CLI.
 */
test('quantlens eval --variants fp32,q4 --endpoint q4s=<serve of q4>: served PPL and lockstep KLD equal the in-process ones (rel ≤ 1e-9)', { timeout: 300_000 }, async () => {
  const served = await startServe({ modelFolder: TINY_LLAMA, variantId: 'q4', host: '127.0.0.1', port: 0, maxLogprobs: -1, threads: TEST_THREADS });
  try {
    await withTempDir('ql-served-eval-', async (out) => {
      const run = await runCli(['eval', TINY_LLAMA, '--variants', 'fp32,q4', '--endpoint', `q4s=${served.baseUrl}`, '--measure', 'fidelity',
        '--context', '64', '--stride', '32', '--threads', String(TEST_THREADS), '--provider', 'cpu', '--json', '--out', out], undefined, 280_000);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as RunReport;
      assert.equal(report.status, 'completed', JSON.stringify(report.failures));
      const q4 = report.variants.find((v) => v.id === 'q4')!;
      const q4s = report.variants.find((v) => v.id === 'q4s')!;
      assert.ok(q4.kld && q4s.kld, 'both were scored in lockstep against fp32');
      assert.equal(q4s.kld.tokens, q4.kld.tokens);
      assertSame(q4s.kld.pplVariant.value, q4.kld.pplVariant.value, 'PPL');
      assertSame(q4s.kld.meanNllVariant.mean, q4.kld.meanNllVariant.mean, 'mean NLL');
      assertSame(q4s.kld.kld.mean, q4.kld.kld.mean, 'mean KLD');
      assertSame(q4s.kld.kld.percentiles['99']!, q4.kld.kld.percentiles['99']!, 'KLD p99');
      assertSame(q4s.kld.deltaP.mean, q4.kld.deltaP.mean, 'mean Δp', 1e-7);
      const card = JSON.parse(readFileSync(report.runId ? `${out}/.quantlens/runs/${report.runId}/run.json` : '', 'utf8')) as RunCard;
      const servedCard = card.variants.find((v) => v.id === 'q4s')!;
      assert.equal(servedCard.executionProvider, 'served');
      assert.equal(servedCard.served?.hosts[0], new URL(served.baseUrl).host);
      assert.equal(servedCard.served?.dialect, 'quantlens');
    });
  } finally {
    await served.close();
  }
});

/**
 * The command of the issue, with every measure: fp32 in-process, q4s served (two replicas of one
 * variant). Generation and tasks go through the backend as any variant's; performance of the served
 * variant is the load sweep over HTTP (not a probe process), with goodput under the SLOs.
 */
test('quantlens eval --variants fp32 --endpoint q4s=A --endpoint q4s=B: every measure, the served one swept over HTTP with goodput', { timeout: 300_000 }, async () => {
  const replicas = [
    await startServe({ modelFolder: TINY_LLAMA, variantId: 'q4', port: 0, threads: 1, servedModelName: 'tiny-q4' }),
    await startServe({ modelFolder: TINY_LLAMA, variantId: 'q4', port: 0, threads: 1, servedModelName: 'tiny-q4' }),
  ];
  try {
    await withTempDir('ql-served-all-', async (out) => {
      const run = await runCli(['eval', TINY_LLAMA, '--variants', 'fp32', ...replicas.flatMap((r) => ['--endpoint', `q4s=${r.baseUrl}`]),
        '--context', '64', '--stride', '32', '--max-new-tokens', '8', '--perf-prompt', '16', '--perf-output', '8', '--warmups', '1', '--repetitions', '2', '--rounds', '1',
        '--concurrency', '1,4', '--perf-requests', '4', '--slo', 'ttft:60000,tpot:60000', '--threads', String(TEST_THREADS), '--provider', 'cpu', '--json', '--out', out], undefined, 280_000);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as RunReport;
      assert.equal(report.status, 'completed', JSON.stringify(report.failures));
      assert.deepEqual(report.variants.map((v) => v.id), ['fp32', 'q4s']);
      const q4s = report.variants.find((v) => v.id === 'q4s')!;
      assert.ok(q4s.kld && q4s.kld.tokens > 0 && q4s.kld.kld.mean > 0, 'lockstep against fp32');
      assert.ok(q4s.generation && q4s.generation.samples > 0, 'generations');
      const perf = q4s.performance!;
      assert.equal(perf.executionProvider, 'served');
      assert.equal(perf.loadMs, null, 'the server loaded it, out of sight');
      assert.deepEqual(perf.served?.hosts, replicas.map((r) => `http://${new URL(r.baseUrl).host}`));
      assert.deepEqual(perf.cells?.map((c) => c.concurrency), [1, 4]);
      for (const cell of perf.cells!) {
        assert.equal(cell.served?.failed, 0);
        assert.equal(cell.served?.requests, 4);
        assert.equal(cell.served?.goodput?.goodRequests, 4, 'generous SLOs: every request is good');
        assert.deepEqual(cell.served?.replicas.map((r) => r.requests).reduce((a, b) => a + b, 0), 4);
        assert.ok(cell.served!.replicas.every((r) => r.requests > 0), 'both replicas took load');
      }
      const fp32 = report.variants.find((v) => v.id === 'fp32')!.performance!;
      assert.notEqual(fp32.executionProvider, 'served');
      assert.ok(fp32.loadMs! > 0, 'the baseline was timed in its probe processes');
      const card = JSON.parse(readFileSync(`${out}/.quantlens/runs/${report.runId}/run.json`, 'utf8')) as RunCard;
      assert.deepEqual(card.variants.find((v) => v.id === 'q4s')!.served, { dialect: 'quantlens', hosts: replicas.map((r) => new URL(r.baseUrl).host), model: 'tiny-q4', baseUrls: 2, maxModelLength: card.variants.find((v) => v.id === 'q4s')!.served!.maxModelLength });
      assert.deepEqual(card.spec.performance.sweep?.load?.slos, { ttft: 60000, tpot: 60000 });
      assert.ok(card.methods.some((m) => m.startsWith('Served variants, measured over HTTP: q4s (model tiny-q4, quantlens server, 2 replicas at ')), card.methods.join('\n'));
    });
  } finally {
    for (const r of replicas) await r.close();
  }
});
