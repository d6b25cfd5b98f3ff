import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBytes } from '../shared/format';
import type { EnvironmentInfo, ExecutionProviderReport, MachineProbe, RunReport } from '../shared/report/schema';
import { renderTable } from '../shared/resultsTable';
import { rooflineLines, SWEEP_COLUMNS, sweepRows } from '../shared/perf/sweepTable';
import { gpuLines } from '../shared/perf/gpuLines';
import { SERVED_COLUMNS, servedLines, servedRows } from '../shared/perf/servedTable';
import { parseCommandLine } from './usage';

interface EnvironmentDescription {
  environment: EnvironmentInfo;
  executionProviders: ExecutionProviderReport;
  defaultThreads: { intraOp: number; interOp: number };
  machine?: MachineProbe;
}

/**
 * `quantlens env`: what a run card would record about this machine. The worker collects it (it is
 * the only process that loads onnxruntime-node); this prints it.
 */
export function printEnvironment(args: string[]): number {
  const { values } = parseCommandLine('env', () => parseArgs({ args, options: { probe: { type: 'boolean' }, json: { type: 'boolean' } } }));
  const child = spawnSync(process.execPath, [join(__dirname, 'worker.js'), '--env', ...(values.probe ? ['--probe'] : [])], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0 || !child.stdout.trim()) {
    console.error(`error: the worker could not describe the environment (${child.error?.message ?? `exit ${child.status}`})\n${child.stderr ?? ''}`);
    return 1;
  }
  const description = JSON.parse(child.stdout) as EnvironmentDescription;
  if (values.json) {
    process.stdout.write(JSON.stringify(description, null, 2) + '\n');
    return 0;
  }
  const e = description.environment;
  const gpus = e.gpus?.length ? e.gpus.map((g) => `${g.name} (${formatBytes(g.memoryTotalBytes)}, driver ${g.driver})`).join('; ') : 'none (no NVIDIA GPU found by nvidia-smi)';
  const lines: Array<[string, string]> = [
    ['QuantLens', e.quantlens],
    ['OS', `${e.os} (${e.platform}-${e.arch})`],
    ['CPU', `${e.cpuModel}, ${e.cores} logical cores`],
    ['RAM', formatBytes(e.totalMemoryBytes)],
    ['GPU', gpus],
    ['CUDA (driver)', e.cudaVersion ?? '—'],
    ['Node', e.node],
    ['onnxruntime-node', e.onnxruntimeNode],
    ['transformers.js', e.transformersJs],
    ['load average', e.loadAverage?.map((x) => x.toFixed(2)).join(' ') ?? '—'],
    ['default threads', `intra-op ${description.defaultThreads.intraOp}, inter-op ${description.defaultThreads.interOp} (--threads, --inter-op-threads)`],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`${k.padEnd(width)}  ${v}`);
  console.log('\nexecution providers (tried by creating a one-MatMul session):');
  for (const d of description.executionProviders.detected) console.log(`  ${d.name.padEnd(9)} ${d.usable ? 'usable' : 'unavailable'}${d.bundled || d.reason?.startsWith('not in this') ? '' : ' (separate library)'}${d.reason ? `: ${d.reason}` : ''}`);
  console.log(`  auto tries: ${description.executionProviders.candidates.join(' → ')}`);
  const m = description.machine;
  if (m) {
    console.log(`\nstreaming copy   ${(m.copyBandwidthBytesPerSecond / 1e9).toFixed(2)} GB/s (${m.copyThreads} threads, ${formatBytes(m.copyBytes)})`);
    console.log(`MatMul fp32      ${m.matmulFlopsPerSecond === null ? 'failed' : `${(m.matmulFlopsPerSecond / 1e9).toFixed(1)} GFLOP/s`} (${m.matmulSize}³ on ${m.provider})`);
    if (m.lastLevelCacheBytes) console.log(`last-level cache ${formatBytes(m.lastLevelCacheBytes)}`);
  }
  return 0;
}

/** The performance cells of a run, one row per variant and workload, and the roofline sentences. */
export function printSweep(report: RunReport): void {
  const rows = sweepRows(report);
  if (rows.length) console.log(`\nPerformance cells\n${renderTable(SWEEP_COLUMNS, rows)}\n${[...rooflineLines(report), ...gpuLines(report)].join('\n')}`);
  const served = servedRows(report);
  if (served.length) console.log(`\nServed load (vLLM's definitions)\n${renderTable(SERVED_COLUMNS, served)}\n${servedLines(report).join('\n')}`);
}
