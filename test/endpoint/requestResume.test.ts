import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { runFile } from '../../src/node/runFolder/layout';
import { readRun, readSamples } from '../../src/node/runFolder/reader';
import type { RunReport, SampleRecord } from '../../src/shared/report/schema';
import type { WorkerToParent } from '../../src/shared/protocol';
import { startServe } from '../../src/serve/startServe';
import { runWorker, testRequest, withTempDir } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';

/**
 * Per-request resume of a served variant: `quantlens serve` behind a counting proxy (real sockets,
 * real worker processes killed with SIGKILL). The run is killed in the middle of the served
 * variant's lockstep unit, resumed and killed again in the middle of its generation unit, then
 * resumed to the end. Every request whose answer was journaled before a kill is never sent again
 * (only the one in flight at the kill may be), and the final numbers equal an uninterrupted run's.
 */

/** The unit requests a run sent: window forwards and generations (not discovery, tokenize or the 8-token distribution probe). */
function isUnitRequest(path: string, body: string): boolean {
  if (!path.endsWith('/completions')) return false;
  const parsed = JSON.parse(body) as { prompt?: unknown; stream?: boolean };
  return parsed.stream === true || (Array.isArray(parsed.prompt) && parsed.prompt.length > 9);
}

async function countingProxy(target: string): Promise<{ baseUrl: string; bodies: string[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      if (req.method === 'POST' && isUnitRequest(req.url ?? '', body.toString('utf8'))) bodies.push(body.toString('utf8'));
      const out = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      res.on('close', () => out.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    bodies,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

function numbersOf(report: RunReport): unknown {
  return report.variants.map((v) => ({ id: v.id, perplexity: v.perplexity, deltaPerplexity: v.deltaPerplexity, kld: v.kld, generation: v.generation }));
}

function sortedSamples(samples: SampleRecord[]): SampleRecord[] {
  return [...samples].sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : a.promptIndex - b.promptIndex));
}

function journalLines(runFolder: string): number {
  try {
    return readFileSync(runFile(runFolder, 'requests'), 'utf8').split('\n').filter((l) => l.startsWith('{')).length;
  } catch {
    return 0;
  }
}

test('a served run killed mid-unit, twice: resume continues from each finished request (none sent again) and ends with the numbers of an uninterrupted run', { timeout: 300_000 }, async () => {
  const serve = await startServe({ modelFolder: TINY_LLAMA, variantId: 'q4', threads: 1, maxLogprobs: -1 });
  const proxy = await countingProxy(serve.baseUrl);
  try {
    await withTempDir('ql-request-resume-', async (dir) => {
      const request = testRequest(TINY_LLAMA, { variants: ['fp32'], endpoints: [{ name: 'q4s', baseUrls: [proxy.baseUrl] }], measures: ['fidelity', 'generation'] });

      // Uninterrupted: what the served variant's units ask, once each.
      const straight = await runWorker(request, join(dir, 'straight'), { timeoutMs: 120_000 });
      assert.equal(straight.outcome.done?.status, 'completed', JSON.stringify(straight.messages.filter((m) => m.type === 'error')));
      const straightBodies = proxy.bodies.splice(0);
      assert.ok(straightBodies.length >= 6, `the served units sent ${straightBodies.length} requests`);
      assert.equal(journalLines(straight.outcome.done!.runFolder!), new Set(straightBodies).size, 'every distinct finished request is journaled once');

      const out = join(dir, 'interrupted');
      const killMidUnit = (stage: string) => (message: WorkerToParent, client: { kill(): void }) => {
        if (message.type === 'progress' && message.stage === stage && message.variantId === 'q4s' && message.done >= 2 && message.done < message.total) client.kill();
      };
      const phases: Array<{ bodies: string[]; journaledAtKill: number }> = [];
      for (const [i, stage] of ['lockstep', 'generation'].entries()) {
        const run = await runWorker(request, out, { resume: i > 0, onMessage: killMidUnit(stage), timeoutMs: 120_000 });
        assert.ok(run.outcome.crashed, `phase ${i + 1} was killed (${JSON.stringify(run.outcome.done)})`);
        const runFolder = readRunFolder(run.messages);
        phases.push({ bodies: proxy.bodies.splice(0), journaledAtKill: journalLines(runFolder) });
      }
      const last = await runWorker(request, out, { resume: true, timeoutMs: 120_000 });
      assert.equal(last.outcome.done?.status, 'completed', JSON.stringify(last.messages.filter((m) => m.type === 'error')));
      phases.push({ bodies: proxy.bodies.splice(0), journaledAtKill: journalLines(last.outcome.done!.runFolder!) });

      // Killed mid-unit: some of the unit's requests had finished and were journaled.
      assert.ok(phases[0]!.journaledAtKill >= 2 && phases[0]!.journaledAtKill < straightBodies.length, `journaled at the first kill: ${phases[0]!.journaledAtKill}`);
      assert.ok(phases[1]!.journaledAtKill > phases[0]!.journaledAtKill, 'the second phase journaled more');
      // Nothing answered before a kill is asked after it: at most the one request in flight at the kill is sent twice.
      for (let k = 0; k < 2; k++) {
        const before = new Set(phases.slice(0, k + 1).flatMap((p) => p.bodies));
        const after = phases.slice(k + 1).flatMap((p) => p.bodies);
        const again = after.filter((b) => before.has(b));
        assert.ok(again.length <= 1, `after kill ${k + 1}, ${again.length} requests answered before it were sent again`);
      }
      const sent = phases.flatMap((p) => p.bodies);
      assert.ok(sent.length <= straightBodies.length + 2, `the interrupted run sent ${sent.length} unit requests, the straight one ${straightBodies.length}`);
      assert.deepEqual([...new Set(sent)].sort(), [...new Set(straightBodies)].sort(), 'the same requests, all of them');
      const warnings = last.messages.flatMap((m) => (m.type === 'warning' ? [m.message] : []));
      assert.ok(warnings.some((w) => /^q4s: \d+ finished request\(s\) of the interrupted run are in .*requests\.jsonl/.test(w)), warnings.join('\n'));

      const finished = readRun(last.outcome.done!.runFolder!);
      const straightRun = readRun(straight.outcome.done!.runFolder!);
      assert.deepEqual(numbersOf(finished.report!), numbersOf(straightRun.report!));
      assert.deepEqual(sortedSamples(readSamples(finished.folder)), sortedSamples(readSamples(straightRun.folder)));
    });
  } finally {
    await proxy.close();
    await serve.close();
  }
});

function readRunFolder(messages: WorkerToParent[]): string {
  const created = messages.find((m) => m.type === 'run-created');
  assert.ok(created?.type === 'run-created', 'the run folder was created before the kill');
  return created.runFolder;
}
