import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { InputFileRef, RunEvent, RunSpec, UnitInputs, UnitKey, UnitResult } from '../../src/shared/report/schema';
import { checkFinishedUnits, staleCauses } from '../../src/worker/resumeCheck';
import { specIdentity } from '../../src/worker/specIdentity';
import { InputSources, unitInputs } from '../../src/worker/unitInputs';

const file = (path: string, sha256 = `${path}-hash`): InputFileRef => ({ path, sha256, bytes: 1 });

function spec(): RunSpec {
  return {
    modelFolder: '/m',
    modelName: 'm',
    baselineId: 'fp32',
    variantIds: ['fp32', 'q8', 'q4'],
    measures: ['fidelity', 'generation', 'performance'],
    corpus: file('/data/corpus.txt'),
    prompts: file('/data/prompts.txt'),
    taskFiles: [file('/t/a.yaml'), file('/t/b.yaml')],
    taskDatasets: [file('/t/a.jsonl'), file('/t/b.jsonl')],
    windows: { kind: 'sliding', contextLength: 64, stride: 32 },
    generation: { maxNewTokens: 12, greedy: true, stopOnEos: true },
    performance: { promptTokens: 16, outputTokens: 8, warmups: 1, repetitions: 2, ignoreEos: true },
    executionProvider: 'cpu',
    threads: { intraOp: 2, interOp: 1 },
    seed: 0,
    modelFiles: {
      config: file('/m/config.json'),
      tokenizer: file('/m/tokenizer.json'),
      tokenizerConfig: file('/m/tokenizer_config.json'),
      chatTemplate: null,
      generationConfig: file('/m/generation_config.json'),
      variants: { fp32: [file('/m/onnx/model.onnx'), file('/m/onnx/model.onnx_data')], q8: [file('/m/onnx/model_quantized.onnx')], q4: [file('/m/onnx/model_q4.onnx')] },
    },
    libraries: { onnxruntimeNode: '1.30.0', transformersJs: '4.3.1' },
  };
}

const sources = (s = spec()): InputSources => ({ spec: s, taskFiles: new Map([['a', ['/t/a.yaml', '/t/a.jsonl']], ['b', ['/t/b.yaml', '/t/b.jsonl']]]) });
const filesOf = (unit: UnitKey, s?: RunSpec): string[] => Object.keys(unitInputs(unit, sources(s)).files).sort();
const COMMON = ['/m/config.json', '/m/tokenizer.json', '/m/tokenizer_config.json', '/m/onnx/model.onnx', '/m/onnx/model.onnx_data'];

test('unitInputs: each unit depends on the libraries, config, tokenizer files, the baseline\'s weights, its own variant\'s and its own data — no other variant\'s, no other data', () => {
  const sorted = (extra: string[]): string[] => [...COMMON, ...extra].sort();
  assert.deepEqual(filesOf({ kind: 'perplexity', variantId: 'fp32' }), sorted(['/data/corpus.txt']));
  assert.deepEqual(filesOf({ kind: 'lockstep', variantId: 'q8' }), sorted(['/m/onnx/model_quantized.onnx', '/data/corpus.txt']));
  assert.deepEqual(filesOf({ kind: 'generation', variantId: 'q4' }), sorted(['/m/onnx/model_q4.onnx', '/data/prompts.txt', '/m/generation_config.json']));
  assert.deepEqual(filesOf({ kind: 'generation', variantId: 'fp32' }), sorted(['/data/prompts.txt', '/m/generation_config.json']));
  assert.deepEqual(filesOf({ kind: 'performance', variantId: 'q8' }), sorted(['/m/onnx/model_quantized.onnx', '/data/corpus.txt']));
  assert.deepEqual(filesOf({ kind: 'task', task: 'b', variantId: 'q4' }), sorted(['/m/onnx/model_q4.onnx', '/m/generation_config.json', '/t/b.yaml', '/t/b.jsonl']));
  assert.deepEqual(unitInputs({ kind: 'lockstep', variantId: 'q8' }, sources()).libraries, { 'onnxruntime-node': '1.30.0', '@huggingface/transformers': '4.3.1' });
  assert.equal(unitInputs({ kind: 'lockstep', variantId: 'q8' }, sources()).files['/m/onnx/model_quantized.onnx'], '/m/onnx/model_quantized.onnx-hash');
});

test('specIdentity: the same for changed content, key order and library versions; different for another request', () => {
  const changed = spec();
  changed.corpus = file('/data/corpus.txt', 'other');
  changed.taskDatasets = [file('/t/c.jsonl')];
  changed.modelFiles!.variants.q8 = [file('/m/onnx/model_quantized.onnx', 'other')];
  changed.libraries = { onnxruntimeNode: '1.31.0', transformersJs: '4.3.1' };
  assert.equal(specIdentity(changed), specIdentity(spec()));
  const reordered = Object.fromEntries(Object.entries(spec()).reverse()) as unknown as RunSpec;
  assert.equal(specIdentity(reordered), specIdentity(spec()));
  const { modelFiles: _m, libraries: _l, ...before11 } = spec();
  assert.equal(specIdentity(before11), specIdentity(spec()), 'a run.json from before schema 1.1 is found too');
  assert.notEqual(specIdentity({ ...spec(), seed: 1 }), specIdentity(spec()));
  assert.notEqual(specIdentity({ ...spec(), corpus: file('/data/other.txt') }), specIdentity(spec()));
});

const result = (kind: 'lockstep' | 'perplexity', variantId: string): UnitResult => ({ kind, variantId }) as unknown as UnitResult;
const completed = (r: UnitResult, inputs?: UnitInputs): RunEvent => ({ type: 'unit-completed', at: '', result: r, ...(inputs ? { inputs } : {}) });

test('checkFinishedUnits: a unit recomputed by an earlier resume is judged by its own newer inputs; one without recorded inputs is stale', () => {
  const now = (unit: UnitKey): UnitInputs => ({ files: { '/m/q8.onnx': unit.variantId === 'q8' ? 'new' : 'same' }, libraries: { 'onnxruntime-node': '1.30.0' } });
  const old: UnitInputs = { files: { '/m/q8.onnx': 'old' }, libraries: { 'onnxruntime-node': '1.30.0' } };
  const events: RunEvent[] = [
    completed(result('lockstep', 'q8'), old),
    completed(result('lockstep', 'q4'), old),
    completed(result('perplexity', 'fp32')),
    // The first resume recomputed lockstep:q8 with the new file, then was killed.
    completed(result('lockstep', 'q8'), now({ kind: 'lockstep', variantId: 'q8' })),
  ];
  const check = checkFinishedUnits(events, now);
  assert.deepEqual([...check.reused.keys()], ['lockstep:q8']);
  assert.deepEqual(check.stale.map((s) => s.key), ['lockstep:q4', 'perplexity:fp32']);
  assert.deepEqual(staleCauses(check.stale, '/m'), [
    { cause: 'q8.onnx changed since the run started (sha256 old… → same…)', file: '/m/q8.onnx', units: ['lockstep:q4'] },
    { cause: 'no input hashes were recorded (computed by a QuantLens before report schema 1.1)', units: ['perplexity:fp32'] },
  ]);
});

test('staleCauses: library versions, added and removed files, and files outside the model folder by their full path', () => {
  const stale = [{ key: 'lockstep:q8', changes: [
    { kind: 'library' as const, name: 'onnxruntime-node', before: '1.30.0', now: '1.31.0' },
    { kind: 'file' as const, name: '/m/chat_template.jinja', before: null, now: 'abcdef0123' },
    { kind: 'file' as const, name: '/elsewhere/corpus.txt', before: '0123456789', now: null },
  ] }];
  assert.deepEqual(staleCauses(stale, '/m').map((c) => c.cause), [
    'onnxruntime-node changed since the run started (1.30.0 → 1.31.0)',
    'chat_template.jinja was added since the run started (sha256 abcdef01…)',
    '/elsewhere/corpus.txt is no longer an input since the run started (sha256 01234567…)',
  ]);
});

test('checkFinishedUnits: performance units are reused all together or not at all (they are timed in one interleaved phase)', () => {
  const perf = (variantId: string): UnitResult => ({ kind: 'performance', variantId }) as unknown as UnitResult;
  const now = (unit: UnitKey): UnitInputs => ({ files: { '/m/q8.onnx': unit.variantId === 'q8' ? 'new' : 'same' }, libraries: {} });
  const old: UnitInputs = { files: { '/m/q8.onnx': 'old' }, libraries: {} };
  const events: RunEvent[] = [
    completed(result('lockstep', 'q4'), now({ kind: 'lockstep', variantId: 'q4' })),
    completed(perf('fp32'), now({ kind: 'performance', variantId: 'fp32' })),
    completed(perf('q8'), old),
    completed(perf('q4'), now({ kind: 'performance', variantId: 'q4' })),
  ];
  const check = checkFinishedUnits(events, now);
  assert.deepEqual([...check.reused.keys()], ['lockstep:q4']);
  assert.deepEqual(staleCauses(check.stale, '/m'), [
    { cause: 'q8.onnx changed since the run started (sha256 old… → new…)', file: '/m/q8.onnx', units: ['performance:q8'] },
    { cause: 'the performance units are timed together (variants interleaved) and performance:q8 is timed again', units: ['performance:fp32', 'performance:q4'] },
  ]);
});
