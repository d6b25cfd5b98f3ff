import { formatBytes, formatMs, formatNumber } from '../format';
import type { PerformanceCell, RunReport } from '../report/schema';

/** The compact per-cell table the CLI prints under the comparison. */
export const SWEEP_COLUMNS = ['variant', 'in', 'out', 'batch', 'conc', 'n', 'prefill', 'TTFT', 'TPOT ± 95% CI', 'CV', 'tok/s', 'req/s', 'peak RSS', 'KV cache', 'TPOT vs base', 'flags'] as const;

export function cellFlags(cell: PerformanceCell): string {
  const flags: string[] = [];
  if (cell.noisy) flags.push('noisy');
  if (cell.outputLength.drift) flags.push('length drift');
  const eos = cell.outputLength.eosBeforeEnd;
  if (eos !== null && eos > 0) flags.push(`EOS in ${(eos * 100).toFixed(0)}%`);
  const served = cell.served;
  if (served && served.failed > 0) flags.push(`${served.failed} failed`);
  if (served?.fixedLength.asked && !served.fixedLength.honoured) flags.push('fixed length not honoured');
  return flags.join(', ');
}

export function sweepRows(report: RunReport): string[][] {
  const rows: string[][] = [];
  for (const v of report.variants) {
    for (const c of v.performance?.cells ?? []) {
      const half = c.tpotMs ? (c.tpotMs.ci95[1] - c.tpotMs.ci95[0]) / 2 : NaN;
      rows.push([
        v.isBaseline ? `${v.id} (baseline)` : v.id,
        String(c.inputTokens),
        String(c.outputTokens),
        String(c.batchSize),
        String(c.concurrency),
        String(c.iterations),
        c.prefillMs ? formatMs(c.prefillMs.mean) : '—',
        formatMs(c.ttftMs.mean),
        c.tpotMs ? `${formatMs(c.tpotMs.mean)} ± ${formatNumber(half, 2)}` : '—',
        c.tpotMs && Number.isFinite(c.tpotMs.cv) ? `${(c.tpotMs.cv * 100).toFixed(1)}%` : '—',
        formatNumber(c.outputTokensPerSecond.mean, 3),
        formatNumber(c.requestsPerSecond.mean, 3),
        c.peakRssBytes === null ? '—' : formatBytes(c.peakRssBytes),
        c.kvCacheBytes === null ? '—' : formatBytes(c.kvCacheBytes),
        c.vsBaseline && c.tpotMs && Number.isFinite(c.vsBaseline.tpotRatio) ? `×${c.vsBaseline.tpotRatio.toFixed(2)}${c.vsBaseline.resolved ? '' : ' n.s.'}${c.vsBaseline.otherStack ? ' (other stack)' : ''}` : '—',
        cellFlags(c),
      ]);
    }
  }
  return rows;
}

/** Lines under the table: the machine's ceilings and each variant's roofline sentence. */
export function rooflineLines(report: RunReport): string[] {
  const lines: string[] = [];
  const machine = report.variants.find((v) => v.performance?.machine)?.performance?.machine;
  if (machine) {
    const flops = machine.matmulFlopsPerSecond === null ? 'failed' : `${(machine.matmulFlopsPerSecond / 1e9).toFixed(1)} GFLOP/s (${machine.provider}, ${machine.matmulSize}³ fp32)`;
    lines.push(`machine: streaming copy ${(machine.copyBandwidthBytesPerSecond / 1e9).toFixed(1)} GB/s (${machine.copyThreads} threads, ${formatBytes(machine.copyBytes)}), MatMul ${flops}${machine.lastLevelCacheBytes ? `, last-level cache ${formatBytes(machine.lastLevelCacheBytes)}` : ''}`);
  }
  for (const v of report.variants) if (v.rooflineExplanation) lines.push(`roofline: ${v.rooflineExplanation}`);
  return lines;
}
