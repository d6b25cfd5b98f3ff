import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { findMetric, getMetric, listMetrics, METRIC_NAMES } from '../../src/shared/metrics/registry';

test('METRIC_NAMES comes from the factories: every name resolves to a metric of that name (pass@k as pass@1)', () => {
  assert.deepEqual([...METRIC_NAMES].sort(), [
    'acc', 'acc_bytes', 'acc_norm', 'bits_per_byte', 'bleu', 'byte_perplexity', 'chrf', 'codebleu', 'chrf++', 'ece', 'exact_match', 'f1', 'meteor', 'pass@k', 'perplexity',
    'rouge1', 'rouge1_stem', 'rouge2', 'rouge2_stem', 'rougeL', 'rougeL_stem', 'rougeLsum', 'rougeLsum_stem', 'token_perplexity', 'word_perplexity',
  ].sort());
  for (const name of METRIC_NAMES) assert.equal(getMetric(name).name, name === 'pass@k' ? 'pass@1' : name, name);
  assert.deepEqual(listMetrics().map((m) => m.name), METRIC_NAMES.map((n) => (n === 'pass@k' ? 'pass@1' : n)));
});

test('lookups: case-insensitive, aliases, _stem only where the factory stems, pass@<k>', () => {
  assert.equal(findMetric('ROUGEL_STEM')?.name, 'rougeL_stem');
  assert.equal(findMetric('rougeL', { stem: true })?.name, 'rougeL_stem');
  assert.equal(findMetric('em')?.name, 'exact_match');
  assert.equal(findMetric('pass@10')?.name, 'pass@10');
  assert.equal(findMetric('bleu_stem'), undefined);
  assert.equal(findMetric('em_stem'), undefined);
  assert.throws(() => getMetric('nope'), { message: `unknown metric "nope"; known metrics: ${METRIC_NAMES.join(', ')}` });
});
