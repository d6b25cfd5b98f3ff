import type { ServedSlos } from '../../shared/report/schema';

/** vLLM's `--goodput` names: time to first token, time per output token, end-to-end latency. */
export const SLO_NAMES = ['ttft', 'tpot', 'e2el'] as const;
export type SloName = (typeof SLO_NAMES)[number];

const EXAMPLE = 'ttft:500,tpot:50,e2el:2000';

/**
 * Parses `ttft:500,tpot:50,e2el:2000` (milliseconds; commas or spaces between pairs, as vLLM's
 * space-separated `--goodput ttft:500 tpot:50` also reads) into SLOs. `source` names where the text
 * came from (`--slo`, a setting) so the error says what to fix.
 */
export function parseSlos(text: string, source = '--slo'): ServedSlos {
  const pairs = text.split(/[\s,]+/).filter((p) => p.length > 0);
  const fail = (problem: string): never => {
    throw new Error(`${source} "${text}": ${problem}. Write name:milliseconds pairs separated by commas, names ${SLO_NAMES.join(', ')} (e.g. ${source} ${EXAMPLE}).`);
  };
  if (pairs.length === 0) fail('no SLO given');
  const slos: ServedSlos = {};
  for (const pair of pairs) {
    const parts = pair.split(':');
    if (parts.length !== 2 || !parts[0] || !parts[1]) fail(`"${pair}" is not a name:milliseconds pair`);
    const [name, value] = [parts[0]!.toLowerCase(), parts[1]!];
    if (!(SLO_NAMES as readonly string[]).includes(name)) fail(`unknown SLO "${parts[0]}"`);
    // Number('') and Number(' ') are 0, so the text must look like a number.
    const ms = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(ms)) fail(`"${value}" (${name}) is not a non-negative number of milliseconds`);
    if (slos[name as SloName] !== undefined) fail(`${name} is given twice`);
    slos[name as SloName] = ms;
  }
  return slos;
}

/** The SLOs as the flag writes them back (`ttft:500,tpot:50`), for tables and messages. */
export function formatSlos(slos: ServedSlos): string {
  return SLO_NAMES.filter((n) => slos[n] !== undefined).map((n) => `${n}:${slos[n]}`).join(',');
}

/**
 * vLLM's goodput test (`calculate_metrics`): a completed request is good when every SLO given is
 * met, value ≤ SLO. A request with one output token has no TPOT and counts as TPOT 0, as vLLM does.
 */
export function meetsSlos(slos: ServedSlos, ttftMs: number, tpotMs: number, e2elMs: number): boolean {
  return (slos.ttft === undefined || ttftMs <= slos.ttft) && (slos.tpot === undefined || tpotMs <= slos.tpot) && (slos.e2el === undefined || e2elMs <= slos.e2el);
}
