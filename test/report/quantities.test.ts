import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { toCsv } from '../../src/shared/exports';
import { axisTitle, METRICS } from '../../src/shared/panel/metricsCatalog';
import { compareInfo, QUANTITIES, quantityById, quantityCsvKeys, quantityText } from '../../src/shared/report/quantities';
import { findRunQuantity } from '../../src/shared/report/runQuantities';
import type { VariantSummary } from '../../src/shared/report/schema';
import { RESULT_COLUMNS, resultRows } from '../../src/shared/resultsTable';
import { syntheticRun } from '../panel/synthetic';

/**
 * The headline-quantity catalog is the one list the CLI table, the CSV export and the panel's table
 * and plot axes come from: these pin what each view shows, so a catalog edit that changes a view
 * is a visible test change.
 */
describe('headline quantity catalog', () => {
  test('ids and CSV keys are unique; every quantity has a label, a unit field and a direction', () => {
    assert.equal(new Set(QUANTITIES.map((q) => q.id)).size, QUANTITIES.length);
    assert.equal(new Set(quantityCsvKeys()).size, quantityCsvKeys().length);
    for (const q of QUANTITIES) {
      assert.ok(q.label.length > 0 && typeof q.unit === 'string' && (q.direction === 'lower' || q.direction === 'higher'), q.id);
      if (q.pairedDelta !== undefined) assert.ok(quantityById(q.pairedDelta), `${q.id}'s paired delta ${q.pairedDelta} is in the catalog`);
    }
  });

  test('the text table columns (CLI, Markdown, HTML, text export) are the README\'s, in order', () => {
    assert.deepEqual([...RESULT_COLUMNS], ['variant', 'size', 'PPL', 'ΔPPL', 'mean KLD', 'same top', 'RMS Δp', 'TTFT', 'TPOT', 'tok/s', 'peak RSS']);
  });

  test('the CSV header: the headline columns in their old places, the export-only ones appended', () => {
    const header = toCsv(syntheticRun({ samples: 2 })).split('\r\n')[0]!.split(',');
    assert.deepEqual(header, [
      'variant', 'dtype', 'baseline', 'size_bytes', 'ppl', 'ppl_se', 'delta_ppl', 'delta_ppl_se', 'mean_kld', 'mean_kld_se', 'same_top_p', 'rms_dp', 'ttft_ms', 'tpot_ms', 'tokens_per_s', 'peak_rss_bytes',
      'ppl_ratio', 'ppl_ratio_se', 'kld_p99', 'itl_ms', 'load_ms', 'kld_lower_bound_top_k', 'kld_tail_mass',
    ]);
  });

  test('CSV cells are the raw readings of the report (bytes, ms, fractions), the baseline\'s included', () => {
    const data = syntheticRun({ samples: 2 });
    const lines = toCsv(data).split('\r\n');
    const header = lines[0]!.split(',');
    data.report!.variants.forEach((v, i) => {
      const cells = lines[i + 1]!.split(',');
      const cell = (key: string): string => cells[header.indexOf(key)]!;
      assert.equal(cell('size_bytes'), String(v.sizeBytes));
      assert.equal(cell('delta_ppl'), String(v.deltaPerplexity!.value));
      assert.equal(cell('ttft_ms'), String(v.performance!.ttftMs.mean));
      assert.equal(cell('itl_ms'), String(v.performance!.itlMs!.mean));
      assert.equal(cell('load_ms'), String(v.performance!.loadMs));
      assert.equal(cell('peak_rss_bytes'), String(v.performance!.peakRssBytes));
      if (v.kld) {
        assert.equal(cell('same_top_p'), String(v.kld.sameTop.value));
        assert.equal(cell('ppl_ratio_se'), String(v.kld.pplRatio.se));
        assert.equal(cell('kld_p99'), String(v.kld.kld.percentiles['99']));
      } else {
        assert.ok(v.isBaseline, 'only the baseline has no KLD');
        assert.deepEqual(['mean_kld', 'same_top_p', 'ppl_ratio', 'kld_p99'].map(cell), ['', '', '', '']);
      }
    });
  });

  test('text cells follow each quantity\'s format; "—" for the baseline on vs-baseline quantities and for missing readings', () => {
    const data = syntheticRun({ samples: 2 });
    const [base, variant] = data.report!.variants as [VariantSummary, VariantSummary];
    const rows = resultRows(data.report!);
    const col = (name: string): number => RESULT_COLUMNS.indexOf(name);
    assert.equal(rows[0]![0], `${base.id} (baseline)`);
    for (const name of ['ΔPPL', 'mean KLD', 'same top', 'RMS Δp']) assert.equal(rows[0]![col(name)], '—', name);
    assert.equal(rows[1]![col('same top')], `${(variant.kld!.sameTop.value * 100).toFixed(1)}%`);
    assert.match(rows[1]![col('ΔPPL')]!, /^[+-]\S+ ± \S+$/);
    assert.match(rows[1]![col('TPOT')]!, / ms$/);
    const bare: VariantSummary = { id: 'bare', dtype: 'q4', isBaseline: false, sizeBytes: 1536, sizeRatioToBaseline: 0.5 };
    assert.deepEqual(QUANTITIES.map((q) => quantityText(q, bare)), QUANTITIES.map((q) => (q.id === 'size' ? '1.5 KiB' : '—')));
  });

  test('the panel\'s metrics are the catalog\'s panel quantities, in catalog order, with its labels, units and directions', () => {
    const onPanel = QUANTITIES.filter((q) => q.panelAxis);
    assert.deepEqual(METRICS.map((m) => m.id), onPanel.map((q) => q.id));
    assert.deepEqual(METRICS.map((m) => m.id), ['size', 'ppl', 'kld', 'sameTop', 'rmsDp', 'ttft', 'tpot', 'throughput', 'peakRss']);
    for (const [i, m] of METRICS.entries()) {
      const q = onPanel[i]!;
      assert.deepEqual([m.label, m.unit, m.higherIsBetter, m.axis, m.vsBaseline ?? false], [q.label, q.unit, q.direction === 'higher', q.panelAxis, q.vsBaseline !== undefined]);
    }
    assert.deepEqual(METRICS.filter((m) => m.axis === 'cost').map((m) => axisTitle(m)), [
      'Disk size (MiB) — lower is better', 'TTFT (ms) — lower is better', 'TPOT (ms) — lower is better', 'Throughput (tok/s) — higher is better', 'Peak memory (RSS) (MiB) — lower is better',
    ]);
    assert.equal(axisTitle(METRICS.find((m) => m.id === 'ppl')!), 'Perplexity — lower is better');
  });

  test('PPL\'s panel delta is the engine\'s paired ΔPPL with a normal 95% interval; other catalog metrics have none', () => {
    const data = syntheticRun({ samples: 2 });
    const variant = data.report!.variants[1]!;
    const ppl = METRICS.find((m) => m.id === 'ppl')!;
    const d = variant.deltaPerplexity!;
    assert.deepEqual(ppl.paired!(variant), { delta: d.value, se: d.se, low: d.value - 1.96 * d.se, high: d.value + 1.96 * d.se });
    assert.equal(ppl.paired!({ ...variant, deltaPerplexity: undefined }), undefined);
    assert.deepEqual(METRICS.filter((m) => m.paired).map((m) => m.id), ['ppl']);
  });

  test('two-run comparisons take their ids, titles and directions from the catalog', () => {
    assert.deepEqual(QUANTITIES.filter((q) => q.compare).map((q) => compareInfo(q.id)), [
      { metric: 'size_bytes', title: 'size bytes', lowerIsBetter: true },
      { metric: 'ppl', title: 'PPL', lowerIsBetter: true },
      { metric: 'delta_ppl', title: 'ΔPPL vs baseline', lowerIsBetter: true },
      { metric: 'kld_mean', title: 'mean KLD', lowerIsBetter: true },
      { metric: 'same_top', title: 'same top p', lowerIsBetter: false },
      { metric: 'rms_dp', title: 'RMS Δp', lowerIsBetter: true },
      { metric: 'ttft_ms', title: 'TTFT ms', lowerIsBetter: true },
      { metric: 'tpot_ms', title: 'TPOT ms', lowerIsBetter: true },
      { metric: 'tokens_per_s', title: 'tok/s', lowerIsBetter: false },
      { metric: 'peak_rss_bytes', title: 'peak RSS bytes', lowerIsBetter: true },
      { metric: 'kld_p99', title: 'KLD p99', lowerIsBetter: true },
    ]);
    assert.throws(() => compareInfo('itl'), { message: 'no comparable headline quantity "itl"' });
  });

  test('each panel quantity that shows goals names a goal quantity of the same direction; thresholds scale like its values', () => {
    const linked = QUANTITIES.filter((q) => q.goal);
    assert.deepEqual(linked.map((q) => [q.id, q.goal!.quantity]), [
      ['size', 'disk_size'], ['ppl', 'ppl_ratio'], ['kld', 'kld_mean'], ['sameTop', 'same_top'], ['rmsDp', 'rms_delta_p'], ['ttft', 'ttft'], ['tpot', 'tpot'], ['throughput', 'tokens_per_second'], ['peakRss', 'peak_rss'],
    ]);
    for (const q of linked) assert.equal(findRunQuantity(q.goal!.quantity)?.higherIsBetter, q.direction === 'higher', q.id);
    const metric = (id: string) => METRICS.find((m) => m.id === id)!;
    assert.equal(metric('size').goal!.toAxis(3 * 2 ** 20, undefined), 3, 'bytes → MiB');
    assert.equal(metric('sameTop').goal!.toAxis(0.9, undefined), 90, 'fraction → %');
    const base = syntheticRun({ samples: 2 }).report!.variants[0]!;
    assert.equal(metric('ppl').goal!.toAxis(1.5, base), 1.5 * base.perplexity!.tokenPerplexity.value, 'a PPL ratio → a perplexity');
    assert.equal(metric('ppl').goal!.toAxis(1.5, undefined), undefined);
  });
});

test('a served variant (sizeBytes 0: its files are on the server) has no disk size reading, not 0 bytes', () => {
  const base = { id: 'fp32', sizeBytes: 4096 } as VariantSummary;
  const served = { id: 'q4s', sizeBytes: 0 } as VariantSummary;
  assert.equal(quantityById('size')!.read(served), undefined);
  assert.deepEqual(quantityById('size')!.read(base), { value: 4096, se: 0 });
  assert.match(String(findRunQuantity('disk_size')!.read(served, base)), /no disk size for q4s \(a served variant/);
});
