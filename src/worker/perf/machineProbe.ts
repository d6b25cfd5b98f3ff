import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { MachineProbe } from '../../shared/report/schema';
import { matMulModel } from './tinyOnnx';

/** Bytes of the source array of the copy probe (the destination is as large): past most last-level caches. */
export const COPY_BYTES = 64 * 1024 * 1024;
const COPY_PASSES = 4;
const MATMUL_SIZE = 512;
const MATMUL_RUNS = 8;

/** Each thread copies its slice of the arrays once per pass, between two barriers on a shared counter. */
const COPY_THREAD = `
const { workerData } = require('node:worker_threads');
const { src, dst, control, offset, length, passes } = workerData;
const from = new Float64Array(src, offset * 8, length);
const to = new Float64Array(dst, offset * 8, length);
const c = new Int32Array(control);
for (let pass = 0; pass < passes; pass++) {
  Atomics.wait(c, 0, pass);
  to.set(from);
  Atomics.add(c, 1, 1);
  Atomics.notify(c, 1);
}
`;

/**
 * Streaming copy (STREAM's "copy": read + write bytes counted) of `bytes` by `threads` threads at
 * once, best of a few passes: the memory bandwidth this machine delivers to a simple kernel.
 */
export async function copyBandwidth(threads: number, bytes = COPY_BYTES, passes = COPY_PASSES): Promise<number> {
  const elements = Math.floor(bytes / 8);
  const src = new SharedArrayBuffer(elements * 8);
  const dst = new SharedArrayBuffer(elements * 8);
  // Touch the source's pages first; the destination's are touched by the first pass, which best-of discards.
  new Float64Array(src).fill(1);
  const control = new SharedArrayBuffer(8);
  const c = new Int32Array(control);
  const per = Math.ceil(elements / threads);
  const workers = Array.from({ length: threads }, (_, t) => new Worker(COPY_THREAD, {
    eval: true,
    workerData: { src, dst, control, offset: t * per, length: Math.max(0, Math.min(per, elements - t * per)), passes },
  }));
  await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
    w.once('online', resolve);
    w.once('error', reject);
  })));
  let best = Infinity;
  for (let pass = 0; pass < passes; pass++) {
    Atomics.store(c, 1, 0);
    const started = performance.now();
    Atomics.store(c, 0, pass + 1);
    Atomics.notify(c, 0);
    for (let done = Atomics.load(c, 1); done < threads; done = Atomics.load(c, 1)) Atomics.wait(c, 1, done, 1000);
    best = Math.min(best, performance.now() - started);
  }
  await Promise.all(workers.map((w) => w.terminate()));
  return (2 * elements * 8) / (best / 1000);
}

/** FLOP/s of a square fp32 MatMul in onnxruntime-node (2·n³ per run), best of a few runs after one warmup. */
export async function matmulFlops(provider: string, threads: { intraOp: number; interOp: number }, n = MATMUL_SIZE, runs = MATMUL_RUNS): Promise<number> {
  const session = await ort.InferenceSession.create(matMulModel(n, n, n), { executionProviders: [provider], intraOpNumThreads: threads.intraOp, interOpNumThreads: threads.interOp, graphOptimizationLevel: 'all' });
  try {
    const values = new Float32Array(n * n);
    for (let i = 0; i < values.length; i++) values[i] = ((i * 7919) % 1000) / 1000 - 0.5;
    const feeds = { A: new ort.Tensor('float32', values, [n, n]), B: new ort.Tensor('float32', values, [n, n]) };
    await session.run(feeds);
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await session.run(feeds);
      best = Math.min(best, performance.now() - started);
    }
    return (2 * n ** 3) / (best / 1000);
  } finally {
    await session.release();
  }
}

/** Size of the CPU's last-level cache from Linux sysfs; null elsewhere. */
export function lastLevelCacheBytes(): number | null {
  const root = '/sys/devices/system/cpu/cpu0/cache';
  try {
    let best: { level: number; bytes: number } | null = null;
    for (const index of readdirSync(root).filter((n) => n.startsWith('index'))) {
      const level = Number(readFileSync(join(root, index, 'level'), 'utf8'));
      const match = /^(\d+)([KMG]?)/.exec(readFileSync(join(root, index, 'size'), 'utf8').trim());
      if (!match) continue;
      const bytes = Number(match[1]) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[match[2]!]!;
      if (!best || level > best.level) best = { level, bytes };
    }
    return best?.bytes ?? null;
  } catch {
    return null;
  }
}

/**
 * This machine's ceilings for the roofline: copy bandwidth on the run's intra-op thread count and
 * MatMul FLOP/s on the provider the variants run on. On a GPU provider the copy probe still
 * measures host memory, so the bandwidth fraction is left out there.
 */
export async function probeMachine(provider: string, threads: { intraOp: number; interOp: number }): Promise<MachineProbe> {
  const started = performance.now();
  const copyThreads = Math.max(1, threads.intraOp);
  const bandwidth = await copyBandwidth(copyThreads);
  let flops: number | null = null;
  try {
    flops = await matmulFlops(provider, threads);
  } catch {
    flops = null;
  }
  return {
    copyBandwidthBytesPerSecond: bandwidth,
    copyThreads,
    copyBytes: COPY_BYTES,
    matmulFlopsPerSecond: flops,
    matmulSize: MATMUL_SIZE,
    provider,
    lastLevelCacheBytes: lastLevelCacheBytes(),
    probeMs: performance.now() - started,
  };
}
