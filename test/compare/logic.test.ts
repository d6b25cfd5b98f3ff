import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { exactChange, independentChange, pairedChange, untestedChange, welchChange } from '../../src/shared/compare/changes';
import { diffRunCards } from '../../src/shared/compare/runCardDiff';
import { verdictOf } from '../../src/shared/compare/verdict';
import { meanAt } from '../../src/shared/stats/bootstrap';
import { checkRuns, checkVariants, comparabilityWarnings } from '../../src/shared/report/comparability';
import type { PerformanceUnitResult, PerplexityUnitResult, RunCard, UnitResult } from '../../src/shared/report/schema';
import type { DistributionSummary } from '../../src/shared/stats/summary';

const PPL = { metric: 'ppl', title: 'PPL', lowerIsBetter: true };
const SAME_TOP = { metric: 'same_top', title: 'same top p', lowerIsBetter: false };

test('verdict: the interval decides, the direction names it', () => {
  assert.equal(verdictOf(2, { low: 0.5, high: 3.5 }, true, 'independent-se'), 'regressed');
  assert.equal(verdictOf(2, { low: 0.5, high: 3.5 }, false, 'independent-se'), 'improved');
  assert.equal(verdictOf(-2, { low: -3.5, high: -0.5 }, true, 'welch'), 'improved');
  assert.equal(verdictOf(-2, { low: -3.5, high: -0.5 }, false, 'welch'), 'regressed');
  assert.equal(verdictOf(1, { low: -0.5, high: 2.5 }, true, 'paired-bootstrap'), 'within-noise');
  // An interval touching zero is not resolved.
  assert.equal(verdictOf(1, { low: 0, high: 2 }, true, 'paired-bootstrap'), 'within-noise');
  assert.equal(verdictOf(0, { low: 0, high: 0 }, true, 'exact'), 'unchanged');
  assert.equal(verdictOf(3, null, true, 'none'), 'not-tested');
  assert.equal(verdictOf(null, null, true, 'independent-se'), 'not-tested');
  assert.equal(verdictOf(3, { low: NaN, high: NaN }, true, 'welch'), 'not-tested');
});

test('independent estimates: se = √(seA² + seB²), interval ± 1.96 se', () => {
  // se = √(3² + 4²) = 5, half width 1.959964 × 5 = 9.79982.
  const up = independentChange(PPL, { value: 10, se: 3 }, { value: 20, se: 4 });
  assert.equal(up.delta, 10);
  assert.equal(up.se, 5);
  assert.ok(Math.abs(up.ci!.low - 0.20018) < 1e-5 && Math.abs(up.ci!.high - 19.79982) < 1e-5, JSON.stringify(up.ci));
  assert.equal(up.relative, 1);
  assert.equal(up.verdict, 'regressed');
  const small = independentChange(PPL, { value: 10, se: 3 }, { value: 15, se: 4 });
  assert.equal(small.verdict, 'within-noise');
  // Same top p is higher-is-better: a resolved rise is an improvement.
  assert.equal(independentChange(SAME_TOP, { value: 0.5, se: 0.01 }, { value: 0.6, se: 0.01 }).verdict, 'improved');
  assert.equal(independentChange(PPL, { value: 10, se: 3 }, undefined).note, 'not measured in run B');
});

const summary = (n: number, mean: number, std: number): DistributionSummary => ({ n, mean, std, median: mean, p90: mean, p99: mean, min: mean, max: mean, ci95: [mean, mean], cv: std / mean });

test('Welch: n = 4, std 2 on both sides gives se √2, df 6, half width t(0.975, 6)·√2 = 3.4605', () => {
  const TPOT = { metric: 'tpot_ms', title: 'TPOT ms', lowerIsBetter: true };
  const noise = welchChange(TPOT, summary(4, 10, 2), summary(4, 13, 2));
  assert.equal(noise.method, 'welch');
  assert.ok(Math.abs(noise.se! - Math.SQRT2) < 1e-12);
  // t(0.975, 6) = 2.446912
  assert.ok(Math.abs(noise.ci!.low - (3 - 2.446912 * Math.SQRT2)) < 1e-5, JSON.stringify(noise.ci));
  assert.ok(Math.abs(noise.ci!.high - (3 + 2.446912 * Math.SQRT2)) < 1e-5);
  assert.equal(noise.verdict, 'within-noise');
  assert.equal(welchChange(TPOT, summary(4, 10, 2), summary(4, 14, 2)).verdict, 'regressed');
  assert.equal(welchChange({ ...TPOT, lowerIsBetter: false }, summary(4, 10, 2), summary(4, 14, 2)).verdict, 'improved');
});

test('paired bootstrap: identical units are unchanged; a constant shift is resolved however noisy the units are', () => {
  const a = [1, 5, 2, 8, 3, 9, 4, 7];
  const same = pairedChange(PPL, 'windows', a.length, (i) => meanAt(a, i), (i) => meanAt(a, i), 0);
  assert.deepEqual([same.delta, same.ci, same.verdict], [0, { low: 0, high: 0 }, 'unchanged']);
  const shifted = a.map((x) => x + 0.5);
  const up = pairedChange(PPL, 'windows', a.length, (i) => meanAt(a, i), (i) => meanAt(shifted, i), 0);
  assert.equal(up.delta, 0.5);
  assert.ok(Math.abs(up.ci!.low - 0.5) < 1e-12 && Math.abs(up.ci!.high - 0.5) < 1e-12);
  assert.equal(up.verdict, 'regressed');
  assert.deepEqual(up.pairedOn, { unit: 'windows', n: 8 });
  // Unpaired, the same shift is lost in the spread of the units.
  assert.equal(independentChange(PPL, { value: 4.875, se: 1.03 }, { value: 5.375, se: 1.03 }).verdict, 'within-noise');
});

test('bytes on disk are exact; a single reading is shown but not judged', () => {
  assert.equal(exactChange({ metric: 'size_bytes', title: 'size', lowerIsBetter: true }, 300, 200).verdict, 'improved');
  const rss = untestedChange({ metric: 'peak_rss_bytes', title: 'RSS', lowerIsBetter: true }, 100, 300, 'one reading per run: no interval');
  assert.deepEqual([rss.delta, rss.verdict, rss.note], [200, 'not-tested', 'one reading per run: no interval']);
});

function card(overrides: Partial<RunCard['spec']> = {}): RunCard {
  return {
    schemaVersion: '1.0.0', runId: 'r', specHash: 'h', createdAt: 't', methods: [],
    spec: {
      modelFolder: '/m', modelName: 'm', baselineId: 'fp32', variantIds: ['fp32', 'q4'], measures: ['fidelity', 'performance'],
      corpus: { path: '/c.txt', sha256: 'c'.repeat(64), bytes: 10 }, windows: { kind: 'sliding', contextLength: 64, stride: 32 },
      generation: { maxNewTokens: 12, greedy: true, stopOnEos: true },
      performance: { promptTokens: 16, outputTokens: 8, warmups: 1, repetitions: 2, ignoreEos: true },
      executionProvider: 'auto', threads: { intraOp: 2, interOp: 1 }, seed: 0, ...overrides,
    },
    environment: { os: 'l', platform: 'linux', arch: 'x64', cpuModel: 'cpu', cores: 2, totalMemoryBytes: 1, gpu: null, node: '20', onnxruntimeNode: '1.30.0', transformersJs: '4.3.1', quantlens: '0.1.0' },
    variants: [
      { id: 'fp32', dtype: 'fp32', sizeBytes: 100, files: [{ path: '/m/onnx/model.onnx', bytes: 100, sha256: 'a'.repeat(64) }] },
      { id: 'q4', dtype: 'q4', sizeBytes: 50, files: [{ path: '/m/onnx/model_q4.onnx', bytes: 50, sha256: 'b'.repeat(64) }] },
    ],
  };
}

const perplexityUnit = (variantId: string, executionProvider: string, tokens = 100): PerplexityUnitResult => ({
  kind: 'perplexity', variantId, executionProvider,
  perplexity: { tokens, words: 1, bytes: 1, meanNll: { value: 1, se: 0 }, tokenPerplexity: { value: 1, se: 0 }, wordPerplexity: { value: 1, se: 0 }, bytePerplexity: { value: 1, se: 0 }, bitsPerByte: { value: 1, se: 0 } },
});

const performanceUnit = (variantId: string, intraOp: number): PerformanceUnitResult => ({
  kind: 'performance', variantId, executionProvider: 'cpu', loadMs: 1, sessionRssBytes: 1, peakRssBytes: 1, highWaterRssBytes: 1, rssSampleIntervalMs: 1, promptTokens: 16, outputTokens: 8,
  ttftMs: summary(2, 1, 0), tpotMs: summary(2, 1, 0), itlMs: summary(2, 1, 0), e2eMs: summary(2, 1, 0), outputTokensPerSecond: summary(2, 1, 0), threads: { intraOp, interOp: 1 },
});

test('checklist across variants: a variant that fell back to another provider, scored fewer tokens or ran on other threads is a warning', () => {
  const results: UnitResult[] = [perplexityUnit('fp32', 'cpu'), perplexityUnit('q4', 'cuda', 90), performanceUnit('fp32', 2), performanceUnit('q4', 4)];
  const checks = checkVariants(card(), results);
  assert.deepEqual(comparabilityWarnings(checks), [
    'Sample counts — differs across variants: fp32 100 tokens scored, 2 timed requests; q4 2 timed requests, 90 tokens scored',
    'Execution provider — differs across variants: fp32 cpu; q4 cuda+cpu',
    'Threads — differs across variants: fp32 intra-op 2, inter-op 1; q4 intra-op 4, inter-op 1',
  ]);
  assert.equal(checks.find((c) => c.id === 'seed')!.detail, 'seed 0 for every variant');
  const clean = checkVariants(card(), [perplexityUnit('fp32', 'cpu'), perplexityUnit('q4', 'cpu')]);
  assert.deepEqual(comparabilityWarnings(clean), []);
});

test('checklist across runs: seed, context/stride and the chat template (tokenizer_config.json hash, when the card has one)', () => {
  const results = [perplexityUnit('fp32', 'cpu'), perplexityUnit('q4', 'cpu')];
  const withTokenizer = (sha: string): RunCard => ({ ...card(), spec: { ...card().spec, ...({ tokenizerFiles: [{ path: '/m/tokenizer_config.json', sha256: sha, bytes: 1 }] } as object) } });
  const warnings = comparabilityWarnings(checkRuns(withTokenizer('1'.repeat(64)), results, { ...withTokenizer('2'.repeat(64)), spec: { ...withTokenizer('2'.repeat(64)).spec, seed: 7, windows: { kind: 'sliding', contextLength: 128, stride: 64 } } }, results));
  assert.deepEqual(warnings, [
    'Chat template — differs between the runs: run A tokenizer_config.json 111111111111 vs run B tokenizer_config.json 222222222222',
    'Context and stride — differs between the runs: run A context 64, stride 32 vs run B context 128, stride 64',
    'Seeds — differs between the runs: run A seed 0 vs run B seed 7',
  ]);
  const none = checkRuns(card(), results, card(), results);
  assert.equal(none.find((c) => c.id === 'chat-template')!.status, 'not-recorded');
  assert.deepEqual(comparabilityWarnings(none), []);
});

test('checklist across runs: the chat-template mode and whether it applied (spec.chatTemplate) differ; the model folder’s path does not count', () => {
  const results = [perplexityUnit('fp32', 'cpu'), perplexityUnit('q4', 'cpu')];
  const sha = 'd'.repeat(64);
  const templated = card({ chatTemplate: { requested: 'auto', applied: true, source: 'chat_template.jinja', sha256: sha, performancePrompts: 'raw' } });
  const raw = card({ chatTemplate: { requested: 'off', applied: false, source: 'chat_template.jinja', sha256: sha, performancePrompts: 'raw' } });
  const fields = (requested: string, applied: boolean): string =>
    `chatTemplate.applied ${applied}, chatTemplate.performancePrompts "raw", chatTemplate.requested "${requested}", chatTemplate.sha256 "${sha}", chatTemplate.source "chat_template.jinja"`;
  assert.deepEqual(comparabilityWarnings(checkRuns(templated, results, raw, results)), [`Chat template — differs between the runs: run A ${fields('auto', true)} vs run B ${fields('off', false)}`]);
  // The same template file in a copy of the model elsewhere: the same condition.
  const files = (folder: string) => ({ config: { path: `${folder}/config.json`, sha256: 'e'.repeat(64), bytes: 1 }, tokenizer: { path: `${folder}/tokenizer.json`, sha256: 'f'.repeat(64), bytes: 1 }, tokenizerConfig: null, chatTemplate: { path: `${folder}/chat_template.jinja`, sha256: sha, bytes: 9 }, generationConfig: null, variants: {} });
  const here = card({ ...templated.spec, modelFiles: files('/a') });
  const there = card({ ...templated.spec, modelFolder: '/b', modelFiles: files('/b') });
  assert.deepEqual(comparabilityWarnings(checkRuns(here, results, there, results)), []);
  assert.equal(checkRuns(here, results, there, results).find((c) => c.id === 'chat-template')!.status, 'same');
});

test('run-card diff: keyed by variant id and file path (relative to the model folder), fields it does not know included', () => {
  const a = card();
  const b = card({ threads: { intraOp: 4, interOp: 1 } });
  b.variants[1]!.files[0]!.sha256 = 'f'.repeat(64);
  b.environment.onnxruntimeNode = '1.31.0';
  (b.environment as unknown as Record<string, unknown>).newField = 'x';
  b.runId = 'other';
  b.environment.loadAverage = [9, 9, 9];
  assert.deepEqual(diffRunCards(a, b), [
    { group: 'threads', path: 'spec.threads.intraOp', a: '2', b: '4' },
    { group: 'software', path: 'environment.onnxruntimeNode', a: '"1.30.0"', b: '"1.31.0"' },
    { group: 'files', path: 'variants[q4].files[onnx/model_q4.onnx].sha256', a: JSON.stringify('b'.repeat(64)), b: JSON.stringify('f'.repeat(64)) },
    { group: 'machine', path: 'environment.newField', a: null, b: '"x"' },
  ]);
});
