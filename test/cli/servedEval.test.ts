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

