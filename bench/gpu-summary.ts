/**
 * bench/gpu-summary: the table bench/gpu-check.sh prints at the end — for each run's report.json,
 * per variant the stack it ran on, TTFT / TPOT / throughput (means of the headline cell), its GPU
 * memory and the card's conditions at that cell's end, and its KLD vs the run's baseline when the
 * run measured fidelity. Usage: node dist/bench/gpu-summary.js LABEL=report.json …
 */
import { readFileSync } from 'node:fs';
import { formatBytes } from '../src/shared/format';
import { describeGpuConditions } from '../src/shared/perf/gpuLines';
import type { RunReport } from '../src/shared/report/schema';
import { renderTable } from '../src/shared/resultsTable';

const rows: string[][] = [];
/** Failures and warnings, printed under the table (they would stretch its columns). */
const notes: string[] = [];
for (const arg of process.argv.slice(2)) {
  const [label, file] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, arg];
  let report: RunReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
  } catch (error) {
    notes.push(`${label}: no report: ${(error as Error).message.split('\n')[0]}`);
    continue;
  }
  for (const v of report.variants) {
    const p = v.performance;
    const gpu = p?.cells?.[0]?.gpuMemory;
    rows.push([
      label,
      `${v.id}${v.isBaseline ? ' (baseline)' : ''}`,
      v.dtype,
      p?.executionProvider ?? '—',
      p ? p.ttftMs.mean.toFixed(2) : '—',
      p?.tpotMs ? p.tpotMs.mean.toFixed(3) : '—',
      p ? p.outputTokensPerSecond.mean.toFixed(1) : '—',
      gpu?.processUsedBytes !== undefined ? formatBytes(gpu.processUsedBytes) : gpu?.deviceUsedBytes !== undefined ? `dev ${formatBytes(gpu.deviceUsedBytes)}` : '—',
      gpu?.conditions ? describeGpuConditions(gpu.conditions) : '—',
      v.kld ? v.kld.kld.mean.toExponential(3) : '—',
    ]);
  }
  for (const failure of report.failures) notes.push(`${label}: FAILED ${failure.unit}: ${failure.error.split('\n')[0]!.slice(0, 200)}`);
  for (const warning of report.warnings) notes.push(`${label}: warning: ${warning.slice(0, 200)}`);
}
console.log(renderTable(['run', 'variant', 'dtype', 'stack', 'TTFT ms', 'TPOT ms', 'tok/s', 'GPU memory', 'GPU conditions (cell end)', 'KLD mean'], rows));
for (const note of notes) console.log(note);
