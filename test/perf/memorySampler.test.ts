import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { MemorySampler, readProcessMemory } from '../../src/worker/perf/memorySampler';

const MB = 1024 * 1024;
const SIZE = 200 * MB;

// A child that waits, then allocates and fills a 200 MB Buffer, holds it for a while and says so.
const CHILD = `
process.send('ready');
process.once('message', () => {
  const held = Buffer.alloc(${SIZE}, 7);
  setTimeout(() => { process.send('allocated:' + held[12345]); setTimeout(() => process.exit(0), 300); }, 300);
});
`;

test('the parent-side sampler sees a child allocate 200 MB within 10%', { skip: readProcessMemory(process.pid) === null ? 'no /proc here' : false }, async () => {
  const worker = spawn(process.execPath, ['-e', CHILD], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [ready] = (await once(worker, 'message')) as [string];
  assert.equal(ready, 'ready');
  const sampler = new MemorySampler(worker.pid!, 10);
  sampler.start();
  await new Promise((r) => setTimeout(r, 100));
  const before = readProcessMemory(worker.pid!)!.rssBytes;
  sampler.startWindow();
  worker.send('go');
  const [allocated] = (await once(worker, 'message')) as [string];
  assert.equal(allocated, 'allocated:7');
  await new Promise((r) => setTimeout(r, 50));
  sampler.stop();
  const added = sampler.windowPeakRssBytes - before;
  assert.ok(Math.abs(added - SIZE) <= 0.1 * SIZE, `sampled peak − RSS before = ${(added / MB).toFixed(1)} MB, expected 200 MB ± 10%`);
  assert.ok(sampler.peakRssBytes >= sampler.windowPeakRssBytes);
  assert.ok(sampler.highWaterBytes >= sampler.peakRssBytes * 0.99, 'the OS high-water mark is at least the sampled peak');
  assert.ok(sampler.samples >= 20, `sampled about every 10 ms (${sampler.samples} samples)`);
  await once(worker, 'exit');
});
