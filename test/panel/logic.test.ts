import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { CALIBRATION_COLUMNS, calibrationRows } from '../../src/shared/calibration/calibrationTable';
import { calibrationSummary } from '../../src/shared/calibration/reliability';
import { escapeHtml, toCsv, toHtml, toMarkdown } from '../../src/shared/exports';
import { formatBytes, formatNumber, formatPercent, formatSigned, formatWithError } from '../../src/shared/format';
import { METRICS, metricById, metricsOf } from '../../src/shared/panel/metricsCatalog';
import { paretoFrontier, TradeoffPoint } from '../../src/shared/panel/pareto';
import { independentSe, isSignificant, seFromCi95 } from '../../src/shared/panel/significance';
import { sideText, wordDiff } from '../../src/shared/panel/wordDiff';
import type { RunData } from '../../src/shared/panelProtocol';
import type { VariantSummary } from '../../src/shared/report/schema';
import { HUMAN_RATING_COLUMNS, humanRatingRows } from '../../src/shared/rating/ratingTable';
import { TIE_POLICY } from '../../src/shared/rating/types';
import { RESULT_COLUMNS } from '../../src/shared/resultsTable';
import { ROBUSTNESS_COLUMNS, robustnessRows } from '../../src/shared/robustness/robustnessTable';
import { HOSTILE_IDS, hostileRunData, PAYLOADS } from './hostile';
import { makeRealRun, RealRun } from './realRun';
import { syntheticRun } from './synthetic';

const ids = (points: readonly TradeoffPoint[]): string[] => points.map((p) => p.id);
const pt = (id: string, x: number, y: number): TradeoffPoint => ({ id, x, y });

describe('Pareto frontier', () => {
  test('drops dominated points; both axes lower-is-better by default', () => {
    // a has the best x, e the best y; b beats c and d on both axes.
    const points = [pt('a', 1, 5), pt('b', 2, 3), pt('c', 3, 4), pt('d', 4, 3.5), pt('e', 5, 1)];
    assert.deepEqual(ids(paretoFrontier(points, false)), ['a', 'b', 'e']);
  });

  test('a point equal on one axis and worse on the other is dominated; exact duplicates both stay', () => {
    assert.deepEqual(ids(paretoFrontier([pt('worse-y', 1, 2), pt('best', 1, 1), pt('worse-x', 2, 1)], false)), ['best']);
    // Neither twin is strictly better than the other, so neither dominates.
    assert.deepEqual(ids(paretoFrontier([pt('twin-1', 1, 1), pt('twin-2', 1, 1), pt('far', 3, 3)], false)).sort(), ['twin-1', 'twin-2']);
  });

  test('higher-is-better y (Same top p, accuracy) flips the y test only', () => {
    const points = [pt('small', 1, 90), pt('mid', 2, 95), pt('big-but-worse', 3, 93), pt('biggest-best', 4, 99)];
    assert.deepEqual(ids(paretoFrontier(points, true)), ['small', 'mid', 'biggest-best']);
    // The same points read as lower-is-better y: only the first survives.
    assert.deepEqual(ids(paretoFrontier(points, false)), ['small']);
  });

  test('higher-is-better x (throughput) flips the x test; the result is still ordered by ascending x', () => {
    const points = [pt('fast-lossy', 300, 0.3), pt('slow-exact', 100, 0.0), pt('mid', 200, 0.1), pt('dominated', 150, 0.2)];
    assert.deepEqual(ids(paretoFrontier(points, false, true)), ['slow-exact', 'mid', 'fast-lossy']);
    // Reading x as lower-is-better instead, the slowest exact point dominates everything.
    assert.deepEqual(ids(paretoFrontier(points, false, false)), ['slow-exact']);
  });

  test('points with NaN or infinite coordinates are excluded and dominate nothing', () => {
    const points = [pt('nan-x', NaN, 0), pt('nan-y', 0, NaN), pt('inf', -Infinity, -Infinity), pt('ok-1', 2, 2), pt('ok-2', 1, 3)];
    assert.deepEqual(ids(paretoFrontier(points, false)), ['ok-2', 'ok-1']);
    assert.deepEqual(paretoFrontier([pt('nan', NaN, NaN)], false), []);
    assert.deepEqual(paretoFrontier([], true), []);
  });

  test('ordered by x (then y) whatever the input order, and the input is not mutated', () => {
    const points = [pt('c', 3, 1), pt('a', 1, 3), pt('b', 2, 2)];
    const copy = structuredClone(points);
    assert.deepEqual(ids(paretoFrontier(points, false)), ['a', 'b', 'c']);
    assert.deepEqual(points, copy);
    // Equal x with higher-is-better y: the two are a tie only if y is equal too; otherwise one dominates.
    assert.deepEqual(ids(paretoFrontier([pt('hi', 1, 2), pt('lo', 1, 1)], true)), ['hi']);
  });
});

describe('significance markers', () => {
  test('|Δ| > 1.96·se is significant; at or below is not', () => {
    assert.equal(isSignificant(1, 0.5), true);
    assert.equal(isSignificant(-1, 0.5), true);
    assert.equal(isSignificant(0.98, 0.5), false, 'exactly on the boundary is not significant');
    assert.equal(isSignificant(0.5, 0.5), false);
    assert.equal(isSignificant(0, 0.1), false);
    assert.equal(isSignificant(2.5, 1, 2.576), false, 'a stricter z');
    assert.equal(isSignificant(2.6, 1, 2.576), true);
  });

  test('se 0 (an exact quantity): any non-zero difference is significant, zero is not', () => {
    assert.equal(isSignificant(1e-12, 0), true);
    assert.equal(isSignificant(-3, 0), true);
    assert.equal(isSignificant(0, 0), false);
  });

  test('NaN or infinite delta or se: unknown (null), never a marker either way', () => {
    assert.equal(isSignificant(NaN, 1), null);
    assert.equal(isSignificant(1, NaN), null);
    assert.equal(isSignificant(Infinity, 1), null);
    assert.equal(isSignificant(1, Infinity), null);
  });

  test('independent se adds in quadrature; se from a Student-t CI undoes the t quantile', () => {
    assert.equal(independentSe(3, 4), 5);
    assert.equal(independentSe(0, 0), 0);
    assert.ok(Number.isNaN(independentSe(NaN, 1)));
    assert.ok(Math.abs(seFromCi95([10 - 2.262 * 0.5, 10 + 2.262 * 0.5], 10, 2.262) - 0.5) < 1e-12);
    assert.ok(Number.isNaN(seFromCi95([1, 1], 1, 12.706)));
  });
});

describe('word diff', () => {
  const pairs: Array<[string, string]> = [
    ['the cat sat on the mat', 'the dog sat on the mat'],
    ['', 'only after'],
    ['only before', ''],
    ['', ''],
    ['same text', 'same text'],
    ['  double  spaces\nand\ttabs\r\n', ' double spaces\n\nand tabs'],
    ['naïve café 😀 emoji e\u0301', 'naive cafe 😀 emoji é'],
    ['<b>tags</b> & "quotes"', '<i>tags</i> & \'quotes\''],
    ['The town. The children came to the town.', 'The town. The baker smiled and the people of the town.'],
  ];

  test('rebuilds both sides exactly and labels runs same/removed/added', () => {
    for (const [before, after] of pairs) {
      const parts = wordDiff(before, after);
      assert.equal(sideText(parts, 'before'), before, JSON.stringify([before, after]));
      assert.equal(sideText(parts, 'after'), after, JSON.stringify([before, after]));
      assert.ok(parts.every((p) => p.text.length > 0), 'no empty runs');
    }
    assert.deepEqual(wordDiff('same text', 'same text'), [{ kind: 'same', text: 'same text' }]);
    assert.deepEqual(wordDiff('', 'x'), [{ kind: 'added', text: 'x' }]);
    assert.deepEqual(wordDiff('', ''), []);
    const cat = wordDiff('the cat sat', 'the dog sat');
    assert.deepEqual(cat.filter((p) => p.kind !== 'same'), [{ kind: 'removed', text: 'cat' }, { kind: 'added', text: 'dog' }]);
  });

  /** Deterministic pseudo-text from a small vocabulary, like a tiny model's output. */
  const text = (seed: number, chars: number): string => {
    const vocab = 'the town children came to baker smiled and people of fields winter harbour ship old man sits on bench river'.split(' ');
    let s = seed;
    let out = '';
    while (out.length < chars) {
      s = (s * 1103515245 + 12345) % 2147483648;
      out += (out ? ' ' : '') + vocab[(s >> 8) % vocab.length];
    }
    return out.slice(0, chars);
  };

  test('two unrelated 10,000-character outputs: jsdiff gives up and the whole blocks are shown, exactly', () => {
    const before = text(1, 10_000);
    const after = text(7, 10_000);
    const parts = wordDiff(before, after);
    assert.deepEqual(parts, [{ kind: 'removed', text: before }, { kind: 'added', text: after }]);
  });

  test('when jsdiff runs out of time the fallback is the same whole blocks, still exact', () => {
    const before = text(11, 3000);
    const after = text(12, 3000);
    assert.deepEqual(wordDiff(before, after, 2000, 0), [{ kind: 'removed', text: before }, { kind: 'added', text: after }]);
    // Identical outputs need no edit at all, so even no time is enough.
    assert.deepEqual(wordDiff(before, before, 2000, 0), [{ kind: 'same', text: before }]);
  });

  test('a 10,000-character output with a few edits still gets a word-level diff', () => {
    const before = text(3, 10_000);
    const after = `${before.slice(0, 2000)} inserted words ${before.slice(2000, 7000)}${before.slice(7100)}`;
    const parts = wordDiff(before, after);
    assert.equal(sideText(parts, 'before'), before);
    assert.equal(sideText(parts, 'after'), after);
    assert.ok(parts.some((p) => p.kind === 'same' && p.text.length > 1000), 'long shared runs survive');
    assert.ok(parts.filter((p) => p.kind !== 'same').reduce((n, p) => n + p.text.length, 0) < 400, 'only the edits are marked');
  });
});

describe('formatting', () => {
  test('formatNumber: significant figures, small values in precision form, no value as a dash', () => {
    assert.equal(formatNumber(undefined), '—');
    assert.equal(formatNumber(NaN), '—');
    assert.equal(formatNumber(Infinity), '—');
    assert.equal(formatNumber(-Infinity), '—');
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(-0), '0');
    assert.equal(formatNumber(1), '1.00');
    assert.equal(formatNumber(118.9123, 4), '118.9');
    assert.equal(formatNumber(-12.345), '-12.3');
    assert.equal(formatNumber(0.00136), '0.00136');
    assert.equal(formatNumber(0.5), '0.500');
    assert.equal(formatNumber(5.8037e-7, 4), '5.804e-7');
    assert.equal(formatNumber(1234.4), '1234');
    assert.equal(formatNumber(-98765.4), '-98765');
    assert.equal(formatNumber(999.96), '1000', 'rounding up across a power of ten');
  });

  test('formatWithError: value ± se at 2 figures; a missing or non-finite se prints the value alone', () => {
    assert.equal(formatWithError(118.91, 14.23, 4), '118.9 ± 14');
    assert.equal(formatWithError(0.0362, 0.00213), '0.0362 ± 0.0021');
    assert.equal(formatWithError(5, undefined), '5.00');
    assert.equal(formatWithError(5, NaN), '5.00');
    assert.equal(formatWithError(5, 0), '5.00 ± 0');
    assert.equal(formatWithError(undefined, 1), '—');
    assert.equal(formatWithError(NaN, 1), '—');
  });

  test('formatBytes: binary units, one decimal below 100', () => {
    assert.equal(formatBytes(undefined), '—');
    assert.equal(formatBytes(NaN), '—');
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.0 KiB');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(677 * 1024 + 300), '677 KiB');
    assert.equal(formatBytes(2 ** 20 * 99.94), '99.9 MiB');
    assert.equal(formatBytes(23.6 * 2 ** 30), '23.6 GiB');
    assert.equal(formatBytes(5 * 2 ** 40), '5.0 TiB');
    assert.equal(formatBytes(2 ** 50), '1024 TiB', 'TiB is the largest unit');
  });

  test('formatPercent and formatSigned', () => {
    assert.equal(formatPercent(0.5), '50.00%');
    assert.equal(formatPercent(0.97596, 1), '97.6%');
    assert.equal(formatPercent(1, 0), '100%');
    assert.equal(formatPercent(0), '0.00%');
    assert.equal(formatPercent(undefined), '—');
    assert.equal(formatPercent(NaN), '—');
    assert.equal(formatPercent(Infinity), '—');
    assert.equal(formatSigned(6.77), '+6.77');
    assert.equal(formatSigned(-0.0021), '-0.00210');
    assert.equal(formatSigned(0), '0');
    assert.equal(formatSigned(NaN), '—');
  });
});

/** RFC 4180: fields separated by commas, records by CRLF, quoted fields with "" for a quote. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quoted = false;
        i++;
        assert.ok(i === text.length || text[i] === ',' || text.startsWith('\r\n', i), `a quoted field ends at a separator (offset ${i})`);
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      assert.equal(field, '', 'a quote opens a field only at its start');
      quoted = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      assert.ok(c !== '\r' && c !== '\n', `a bare line break outside quotes (offset ${i})`);
      field += c;
      i++;
    }
  }
  assert.equal(quoted, false, 'every quoted field is closed');
  assert.ok(field === '' && record.length === 0, 'the file ends with CRLF');
  return records;
}

describe('exports and the metrics catalog on a real run', () => {
  let run: RealRun;
  let hostile: RunData;
  before(async () => {
    run = await makeRealRun();
    hostile = hostileRunData(run.data);
  });
  after(() => run?.dispose());

  test('CSV: RFC 4180 quoting of commas, quotes and line breaks in variant ids; raw numbers', () => {
    const weird = structuredClone(run.data);
    const names = ['q4,"quoted", with comma', 'line\nbreak\r\nand "quote"', 'plain', '=cmd|" /C calc"!A0'];
    weird.report!.variants.forEach((v, i) => (v.id = names[i]!));
    const records = parseCsv(toCsv(weird));
    assert.equal(records.length, 1 + weird.report!.variants.length);
    const width = records[0]!.length;
    assert.ok(records.every((r) => r.length === width), 'every record has the header width');
    assert.deepEqual(records.slice(1).map((r) => r[0]), names);
    const header = records[0]!;
    const col = (name: string): number => header.indexOf(name);
    weird.report!.variants.forEach((v, i) => {
      const r = records[i + 1]!;
      assert.equal(r[col('size_bytes')], String(v.sizeBytes));
      assert.equal(Number(r[col('ppl')]), v.perplexity!.tokenPerplexity.value);
      assert.equal(r[col('baseline')], String(v.isBaseline));
      if (!v.isBaseline) assert.equal(Number(r[col('mean_kld')]), v.kld!.kld.mean);
    });
    // The hostile run's ids survive the round trip too.
    assert.deepEqual(parseCsv(toCsv(hostile)).slice(1).map((r) => r[0]), hostile.report!.variants.map((v) => v.id));
  });

  test('the baseline reads 0 KLD / 100% same top only where the run measured them for a variant (not in a tasks-only run)', () => {
    const measured = run.data.report!;
    const baseline = measured.variants.find((v) => v.isBaseline)!;
    const kld = (report: typeof measured) => metricsOf(report).find((m) => m.id === 'kld')!;
    const sameTop = (report: typeof measured) => metricsOf(report).find((m) => m.id === 'sameTop')!;
    assert.equal(kld(measured).value(baseline), 0);
    assert.equal(sameTop(measured).value(baseline), 100);
    const tasksOnly = structuredClone(measured);
    for (const v of tasksOnly.variants) delete v.kld;
    const tasksBaseline = tasksOnly.variants.find((v) => v.isBaseline)!;
    assert.equal(kld(tasksOnly).value(tasksBaseline), undefined);
    assert.equal(kld(tasksOnly).se(tasksBaseline), undefined);
    assert.equal(sameTop(tasksOnly).value(tasksBaseline), undefined);
  });

  test('Markdown: pipes escaped and line breaks folded, so every table row keeps its cells', () => {
    const weird = structuredClone(run.data);
    weird.report!.variants[1]!.id = 'a|b||c';
    weird.report!.variants[2]!.id = 'two\nlines | pipe';
    const md = toMarkdown(weird);
    // The comparison table: from its header line, the consecutive table lines.
    const lines = md.split('\n');
    const start = lines.indexOf(`| ${RESULT_COLUMNS.join(' | ')} |`);
    assert.ok(start > 0, 'the comparison table header');
    const end = lines.findIndex((l, i) => i > start && !l.startsWith('| '));
    const tableLines = lines.slice(start, end);
    assert.equal(tableLines.length, 2 + weird.report!.variants.length);
    for (const line of tableLines) {
      const cells = line.split(/(?<!\\)\|/).slice(1, -1);
      assert.equal(cells.length, RESULT_COLUMNS.length, line);
    }
    assert.ok(md.includes('| a\\|b\\|\\|c |'));
    assert.ok(md.includes('| two lines \\| pipe |'));
  });

  test('HTML export: hostile strings are escaped, no <script> and a CSP that forbids scripts', () => {
    const html = toHtml(hostile);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<(img|svg|iframe|object|embed|base|link|form|details|math|input|video|marquee|template|noscript|x)[\s>/]/i);
    assert.doesNotMatch(html, /<meta http-equiv="refresh"/i);
    assert.doesNotMatch(html, /<a\s/i);
    assert.doesNotMatch(html, /<style>body\{display:none/i);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
    // The only tags are the report's own plain-text structure.
    const allowed = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3', 'h4', 'p', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'div', 'section', 'code', 'pre', 'em', 'strong', 'small', 'br']);
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    assert.deepEqual([...tags].filter((t) => !allowed.has(t)), []);
    assert.equal((html.match(/<meta /g) ?? []).length, 2, 'charset and CSP only');
    assert.equal((html.match(/<style>/g) ?? []).length, 1);
    // The payloads are there, as text.
    assert.ok(html.includes('&lt;img src=x onerror=__pwned(1)&gt;'));
    assert.ok(html.includes(`&lt;svg onload=__pwned(103)&gt;&#39;&quot;\${x}`));
    assert.ok(html.includes('&lt;/style&gt;&lt;style&gt;body{display:none}&lt;/style&gt;'));
  });

  test('value and se of every metric, read from a real report', () => {
    const report = run.data.report!;
    assert.deepEqual(report.variants.map((v) => v.id), ['fp32', 'fp16', 'q8', 'q4']);
    const get = (id: string) => metricById(id)!;
    for (const v of report.variants) {
      const perf = v.performance!;
      assert.equal(get('size').value(v), v.sizeBytes / 1048576);
      assert.equal(get('size').se(v), 0);
      assert.equal(get('peakRss').value(v), perf.peakRssBytes! / 1048576);
      assert.equal(get('peakRss').se(v), undefined);
      assert.equal(get('ppl').value(v), v.perplexity!.tokenPerplexity.value);
      assert.equal(get('ppl').se(v), v.perplexity!.tokenPerplexity.se);
      // Latencies: the mean of n requests, ± its standard error std/√n (the ± the table promises).
      for (const [id, summary] of [['tpot', perf.tpotMs!], ['ttft', perf.ttftMs], ['throughput', perf.outputTokensPerSecond]] as const) {
        assert.equal(get(id).value(v), summary.mean);
        assert.ok(Math.abs(get(id).se(v)! - summary.std / Math.sqrt(summary.n)) <= 1e-9 * summary.std, `${v.id} ${id} se ${get(id).se(v)} vs std/√n ${summary.std / Math.sqrt(summary.n)}`);
      }
      if (v.isBaseline) {
        assert.deepEqual([get('kld').value(v), get('kld').se(v), get('sameTop').value(v), get('sameTop').se(v), get('rmsDp').value(v), get('rmsDp').se(v)], [0, 0, 100, 0, 0, 0]);
      } else {
        assert.equal(get('kld').value(v), v.kld!.kld.mean);
        assert.equal(get('kld').se(v), v.kld!.kld.se);
        assert.equal(get('sameTop').value(v), v.kld!.sameTop.value * 100);
        assert.equal(get('sameTop').se(v), v.kld!.sameTop.se * 100);
        assert.equal(get('rmsDp').value(v), v.kld!.rmsDeltaP.value * 100);
        assert.equal(get('rmsDp').se(v), v.kld!.rmsDeltaP.se * 100);
      }
      for (const m of METRICS) assert.ok(Number.isFinite(m.value(v)), `${m.id} of ${v.id} is a number`);
    }
    // The fixture's variants get worse as they get smaller.
    const kld = (id: string): number => get('kld').value(report.variants.find((v) => v.id === id)!)!;
    assert.ok(kld('fp16') < kld('q8') && kld('q8') < kld('q4'));
  });

  test('a variant without performance or fidelity numbers reads as undefined, not 0 or NaN', () => {
    const bare: VariantSummary = { id: 'bare', dtype: 'q4', isBaseline: false, sizeBytes: 2 ** 20, sizeRatioToBaseline: 0.5 };
    assert.equal(metricById('size')!.value(bare), 1);
    for (const id of ['peakRss', 'tpot', 'ttft', 'throughput', 'ppl', 'kld', 'sameTop', 'rmsDp']) {
      assert.equal(metricById(id)!.value(bare), undefined, id);
      assert.equal(metricById(id)!.se(bare), undefined, id);
    }
    assert.equal(metricById('nope'), undefined);
  });

  test('the hostile copy is what the browser test feeds the panel: ids renamed everywhere, tokens match outputs', () => {
    assert.ok(PAYLOADS.length >= 30);
    assert.deepEqual(hostile.card.spec.variantIds, ['fp32', 'fp16', 'q8', 'q4'].map((id) => HOSTILE_IDS[id]));
    assert.equal(hostile.report!.baselineId, HOSTILE_IDS.fp32);
    for (const s of hostile.samples) {
      assert.equal(s.tokenTexts.join(''), s.output);
      assert.equal(s.kld.length, s.tokenTexts.length);
      assert.equal(s.deltaP.length, s.tokenTexts.length);
    }
  });
});

describe('exports: robustness, calibration and human rating sections', () => {
  const HOSTILE_TASK = '<script>__pwned(0)</script>mmlu|x';
  /** A synthetic run with one perturbation, one calibrated task and two raters' merged ratings. */
  function runWithSections(): RunData {
    const data = syntheticRun({ samples: 2 });
    const report = data.report!;
    const q4 = report.variants.find((v) => v.id === 'q4')!;
    const base = report.variants.find((v) => v.isBaseline)!;
    base.robustness = [{ task: HOSTILE_TASK, perturbation: 'typos0.1', metric: 'acc', higherIsBetter: true, n: 40, changed: 37, clean: 0.75, perturbed: 0.7, drop: 0.05 }];
    q4.robustness = [{ task: HOSTILE_TASK, perturbation: 'typos0.1', metric: 'acc', higherIsBetter: true, n: 40, changed: 37, clean: 0.725, perturbed: 0.6, drop: 0.125, baselineDrop: 0.05, dropDifference: 0.075, pValue: 0.0312, pMethod: 'exact', ci: { low: 0.025, high: 0.15, confidence: 0.95 } }];
    const confidence = [0.9, 0.8, 0.7, 0.6, 0.95, 0.55, 0.85, 0.65];
    const correct = [1, 1, 0, 1, 1, 0, 1, 0];
    q4.tasks = [{ task: HOSTILE_TASK, type: 'multiple_choice', file: 'tasks/mmlu.yaml', n: 8, metrics: [], calibration: calibrationSummary(confidence, correct, 4) }];
    report.humanRating = {
      tiePolicy: TIE_POLICY,
      raters: [{ rater: 'alice<b>', seed: 7, judged: 10, pairs: 10 }, { rater: 'bob', seed: 7, judged: 10, pairs: 10 }],
      variants: [
        { variantId: 'q8', n: 20, wins: 7, ties: 6, losses: 7, winRate: 0.5, ci95: [0.299, 0.701] },
        { variantId: 'q4', n: 20, wins: 3, ties: 4, losses: 13, winRate: 0.25, ci95: [0.112, 0.469] },
      ],
      agreement: { method: 'cohen-kappa', value: 0.6154, pairs: 10, raters: 2 },
    };
    return data;
  }

  test('Markdown: every section with the CLI rows, the hostile task name escaped as a cell', () => {
    const data = runWithSections();
    const md = toMarkdown(data);
    const report = data.report!;
    for (const [title, columns, rows] of [
      ['Robustness', ROBUSTNESS_COLUMNS, robustnessRows(report)],
      ['Calibration', CALIBRATION_COLUMNS, calibrationRows(report)],
      ['Human rating (blind, vs the baseline)', HUMAN_RATING_COLUMNS, humanRatingRows(report.humanRating!)],
    ] as const) {
      assert.ok(md.includes(`## ${title}\n`), title);
      assert.ok(md.includes(`| ${columns.join(' | ')} |`), `${title} header`);
      assert.ok(rows.length > 0);
      for (const r of rows) assert.ok(md.includes(`| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`), `${title} row ${r.join(' ')}`);
    }
    assert.ok(md.includes('| q4 | <script>__pwned(0)</script>mmlu\\|x | typos0.1 | acc | 0.725 | 0.600 | +0.125 | +0.0500 | +0.0750 [+0.0250, +0.150] | 0.0312 (exact) | 37/40 |'), md);
    assert.ok(md.includes(`- Agreement: Cohen's κ = 0.615 over 10 pairs rated by several of 2 raters.`));
    const without = toMarkdown(syntheticRun({ samples: 2 }));
    for (const title of ['## Robustness', '## Calibration', '## Human rating']) assert.ok(!without.includes(title), `no ${title} without its data`);
  });

  test('HTML: the sections are there, every report string escaped, no tag but the export’s own', () => {
    const html = toHtml(runWithSections());
    assert.ok(html.includes('<h2>Robustness</h2>') && html.includes('<h2>Calibration</h2>') && html.includes('<h2>Human rating (blind, vs the baseline)</h2>'));
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<b>/);
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    assert.deepEqual([...tags].filter((t) => !['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'p', 'ul', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td'].includes(t)), []);
    assert.ok(html.includes('<td>&lt;script&gt;__pwned(0)&lt;/script&gt;mmlu|x</td><td>typos0.1</td><td>acc</td><td>0.725</td><td>0.600</td><td>+0.125</td>'));
    assert.ok(html.includes('<td>q4</td><td>20</td><td>3</td><td>4</td><td>13</td><td>0.250</td><td>[0.112, 0.469]</td>'));
    assert.ok(html.includes('alice&lt;b&gt; (10/10 judged, seed 7)'));
    assert.ok(html.includes(`<td>${escapeHtml(calibrationRows(runWithSections().report!)[0]![3]!)}</td>`));
    const without = toHtml(syntheticRun({ samples: 2 }));
    for (const title of ['Robustness', 'Calibration', 'Human rating']) assert.ok(!without.includes(`<h2>${title}`), `no ${title} without its data`);
  });

  test('CSV: each section after an empty record and its title, raw numbers; none without the data', () => {
    const data = runWithSections();
    const records = parseCsv(toCsv(data));
    const section = (title: string): string[][] => {
      const at = records.findIndex((r) => r.length === 1 && r[0] === title);
      assert.ok(at > 0, `a "${title}" section`);
      assert.deepEqual(records[at - 1], [''], 'an empty record before it');
      const end = records.findIndex((r, i) => i > at && r.length === 1 && r[0] === '');
      return records.slice(at + 1, end < 0 ? undefined : end);
    };
    const cell = (table: string[][], row: number, column: string): string => table[row + 1]![table[0]!.indexOf(column)]!;
    const robustness = section('robustness');
    assert.equal(robustness.length, 3, 'header and two entries');
    assert.equal(cell(robustness, 1, 'task'), HOSTILE_TASK);
    assert.equal(Number(cell(robustness, 1, 'drop_difference')), 0.075);
    assert.equal(Number(cell(robustness, 1, 'p_value')), 0.0312);
    assert.equal(cell(robustness, 1, 'p_method'), 'exact');
    assert.equal(cell(robustness, 0, 'baseline_drop'), '', 'the baseline has no baseline drop');
    const calibration = section('calibration');
    const expected = data.report!.variants.find((v) => v.id === 'q4')!.tasks![0]!.calibration!;
    assert.equal(Number(cell(calibration, 0, 'ece')), expected.ece);
    assert.equal(Number(cell(calibration, 0, 'accuracy_at_50')), expected.selective[0]!.accuracy);
    assert.equal(Number(cell(calibration, 0, 'items_at_50')), 4);
    const rating = section('human rating');
    assert.deepEqual(rating.slice(1).map((r) => r[0]), ['q8', 'q4']);
    assert.equal(Number(cell(rating, 1, 'win_rate')), 0.25);
    assert.equal(Number(cell(rating, 1, 'ci95_low')), 0.112);
    assert.deepEqual(section('human rating agreement'), [['method', 'value', 'pairs', 'raters'], ['cohen-kappa', '0.6154', '10', '2']]);
    const plain = syntheticRun({ samples: 2 });
    assert.equal(parseCsv(toCsv(plain)).length, 1 + plain.report!.variants.length, 'only the comparison table without the data');
  });
});
