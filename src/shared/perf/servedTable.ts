import { formatMs, formatNumber } from '../format';
import type { RunReport } from '../report/schema';

/** What only a served cell has, one row per cell, beside the common cell table (sweepTable.ts). */
export const SERVED_COLUMNS = ['variant', 'in', 'out', 'conc', 'rate', 'burstiness', 'sent', 'failed', 'TTFT p99', 'ITL p99', 'E2E mean', 'E2E p99', 'req/s', 'out tok/s', 'goodput req/s', 'good', 'queue p99', 'length'] as const;

export function servedRows(report: RunReport): string[][] {
  const rows: string[][] = [];
  for (const v of report.variants) {
    for (const c of v.performance?.cells ?? []) {
      const s = c.served;
      if (!s) continue;
      rows.push([
        v.id,
        String(c.inputTokens),
        String(c.outputTokens),
        String(c.concurrency),
        s.requestRate === 'inf' ? 'inf' : `${s.requestRate}/s`,
        s.requestRate === 'inf' ? '—' : String(s.burstiness),
        String(s.requests),
        String(s.failed),
        formatMs(c.ttftMs.p99),
        c.itlMs ? formatMs(c.itlMs.p99) : '—',
        formatMs(c.e2eMs.mean),
        formatMs(c.e2eMs.p99),
        formatNumber(s.requestThroughput, 3),
        formatNumber(s.outputThroughput, 3),
        s.goodput ? formatNumber(s.goodput.requestGoodput, 3) : '—',
        s.goodput ? `${(s.goodput.goodShare * 100).toFixed(0)}%` : '—',
        s.clientQueueMs ? formatMs(s.clientQueueMs.p99) : '—',
        !s.fixedLength.asked ? 'natural' : s.fixedLength.honoured ? 'fixed' : `not honoured (${s.fixedLength.notHonouredRequests})`,
      ]);
    }
  }
  return rows;
}

/** Lines under the served table: the SLOs, where the definitions come from, and each unit's caveats. */
export function servedLines(report: RunReport): string[] {
  const lines: string[] = [];
  for (const v of report.variants) {
    const served = v.performance?.served;
    if (!served) continue;
    const slos = served.load.slos;
    const sloText = slos ? Object.entries(slos).map(([k, ms]) => `${k} ≤ ${ms} ms`).join(', ') : 'none (no goodput)';
    lines.push(`${v.id}: served at ${served.hosts.join(', ')}; SLOs ${sloText}; ${served.load.passes} pass${served.load.passes === 1 ? '' : 'es'} per cell, ${served.load.warmupRequests} warmups`);
    for (const note of served.notes) lines.push(`${v.id}: ${note}`);
  }
  if (lines.length) {
    const d = report.variants.find((v) => v.performance?.served)!.performance!.served!.definitions;
    lines.push(`definitions: ${d.convention}. ${d.tpot}. ${d.itl}.`);
  }
  return lines;
}
