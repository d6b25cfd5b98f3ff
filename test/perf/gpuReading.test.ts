import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gpuLines } from '../../src/shared/perf/gpuLines';
import type { RunReport } from '../../src/shared/report/schema';
import { parseGpuQuery, readGpuMemory } from '../../src/worker/perf/gpuMemory';
import { runsOnGpu } from '../../src/worker/passes/performancePass';

const MIB = 1024 * 1024;
// What nvidia-smi 580 prints for an H200 and a card that reports neither power nor clocks.
const QUERY = 'GPU-aaaa, 4321, 143771, NVIDIA H200, 41, 1980, 3201, 118.52, P0\nGPU-bbbb, 10, 8192, Some GPU, 35, [N/A], [N/A], [N/A], [N/A]\n';

test('nvidia-smi query rows parse into memory and conditions; [N/A] fields are absent, not 0 or NaN', () => {
  const [h200, other] = parseGpuQuery(QUERY);
  assert.equal(h200!.used, 4321 * MIB);
  assert.equal(h200!.total, 143771 * MIB);
  assert.deepEqual(h200!.conditions, { name: 'NVIDIA H200', temperatureC: 41, smClockMHz: 1980, memoryClockMHz: 3201, powerW: 118.52, pstate: 'P0' });
  assert.deepEqual(other!.conditions, { name: 'Some GPU', temperatureC: 35, smClockMHz: undefined, memoryClockMHz: undefined, powerW: undefined, pstate: undefined });
});

test('readGpuMemory takes the probe process\'s own memory and its device\'s conditions from nvidia-smi', () => {
  const bin = mkdtempSync(join(tmpdir(), 'ql-fake-smi-'));
  const previousPath = process.env.PATH;
  try {
    // A stand-in nvidia-smi that answers the two queries the reader makes, as the real one does.
    writeFileSync(join(bin, 'nvidia-smi'), `#!/bin/sh
case "$1" in
  --query-gpu=*) printf '${QUERY.replace(/\n/g, '\\n')}' ;;
  --query-compute-apps=*) printf '777, GPU-bbbb, 900\\n4242, GPU-aaaa, 3000\\n' ;;
  *) exit 9 ;;
esac
`);
    chmodSync(join(bin, 'nvidia-smi'), 0o755);
    process.env.PATH = `${bin}:${previousPath}`;
    const mine = readGpuMemory(4242);
    assert.equal(mine.source, 'nvidia-smi');
    assert.equal(mine.processUsedBytes, 3000 * MIB);
    assert.equal(mine.deviceUsedBytes, 4321 * MIB, 'the device the process is on, not GPU 0 by accident');
    assert.equal(mine.conditions?.temperatureC, 41);
    assert.equal(mine.conditions?.smClockMHz, 1980);
    const other = readGpuMemory(777);
    assert.equal(other.deviceUsedBytes, 10 * MIB, 'the second GPU, where pid 777 runs');
    assert.equal(other.conditions?.name, 'Some GPU');
    const absent = readGpuMemory(1);
    assert.equal(absent.processUsedBytes, undefined);
    assert.match(absent.reason ?? '', /no compute process with pid 1/);
  } finally {
    process.env.PATH = previousPath;
    rmSync(bin, { recursive: true, force: true });
  }
});

test('GPU stacks are read, CPU stacks are not', () => {
  for (const gpu of ['cuda', 'tensorrt', 'webgpu', 'llama.cpp-vulkan', 'llama.cpp-cuda']) assert.equal(runsOnGpu(gpu), true, gpu);
  for (const cpu of ['cpu', 'llama.cpp-cpu', 'unknown']) assert.equal(runsOnGpu(cpu), false, cpu);
});

test('the CLI\'s GPU lines name the variant, the cell, the memory and the conditions', () => {
  const cell = (gpuMemory: object) => ({ inputTokens: 128, outputTokens: 64, batchSize: 1, concurrency: 1, gpuMemory });
  const report = {
    variants: [
      { id: 'q4', performance: { cells: [cell({ source: 'nvidia-smi', processUsedBytes: 3000 * MIB, deviceUsedBytes: 4321 * MIB, deviceTotalBytes: 143771 * MIB, conditions: { name: 'NVIDIA H200', temperatureC: 41, smClockMHz: 1980, memoryClockMHz: 3201, powerW: 118.5, pstate: 'P0' } })] } },
      { id: 'cpu-only', performance: { cells: [cell({ source: 'none', reason: 'cpu' })] } },
    ],
  } as unknown as RunReport;
  const lines = gpuLines(report);
  assert.equal(lines.length, 1, 'no line for a cell without an NVIDIA reading');
  assert.match(lines[0]!, /^GPU q4 \(in 128, out 64, batch 1, concurrency 1\): NVIDIA H200: process 2\.9 GiB, device 4\.2 GiB of 140 GiB; 41 °C, SM 1980 MHz, memory 3201 MHz, 119 W, P0$/);
});
