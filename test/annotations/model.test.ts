import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  annotatedSamplesToCsv,
  annotatedSamplesToJsonl,
  annotationFromFlag,
  AnnotationsFile,
  annotationsForSample,
  annotationSummaryToCsv,
  anchorStatus,
  applyOperation,
  applyOperations,
  categoryLabel,
  createAnnotation,
  emptyAnnotationsFile,
  outputHash,
  pendingFlags,
  resolveTaxonomy,
  samplesWithAnnotations,
  serializeAnnotationsFile,
  summarizeAnnotations,
  wilsonInterval,
} from '../../src/shared/annotations';
import type { SampleFlag } from '../../src/shared/annotations';
import type { SampleRecord } from '../../src/shared/report/schema';
import { sampleKeyOf } from '../../src/worker/passes/generationPass';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';
const MODEL = 'models/tiny';

function record(variantId: string, promptIndex: number, output: string, flags?: SampleFlag[]): SampleRecord {
  const words = output.match(/\s*\S+/g) ?? [];
  return {
    sampleKey: sampleKeyOf(`prompt ${promptIndex}`, 16),
    promptIndex,
    variantId,
    prompt: `prompt ${promptIndex}`,
    output,
    tokenIds: words.map((_, i) => i + 10),
    tokenTexts: words.length ? [...words.slice(0, -1), words[words.length - 1]! + output.slice(words.join('').length)] : [],
    kld: words.map(() => 0.5),
    deltaP: words.map(() => 0),
    firstDivergence: null,
    stoppedBy: 'max-new-tokens',
    flags,
  };
}

function annotate(sample: SampleRecord, id: string, quote: string, category = 'repetition', at = T0) {
  const start = sample.output.indexOf(quote);
  assert.ok(start >= 0, `"${quote}" in "${sample.output}"`);
  return createAnnotation({ id, modelFolder: MODEL, variantId: sample.variantId, sampleKey: sample.sampleKey, output: sample.output, range: { start, end: start + quote.length }, category, note: `note ${id}`, author: 'ana', at });
}

const add = (file: AnnotationsFile, ...annotations: ReturnType<typeof annotate>[]): AnnotationsFile => applyOperations(file, annotations.map((annotation) => ({ type: 'add' as const, annotation }))).file;

test('outputHash: FNV-1a 64 of the UTF-8 bytes (published vectors; astral and lone surrogates)', () => {
  assert.equal(outputHash(''), 'fnv1a64:cbf29ce484222325');
  assert.equal(outputHash('a'), 'fnv1a64:af63dc4c8601ec8c');
  assert.equal(outputHash('foobar'), 'fnv1a64:85944171f73967e8');
  // Same bytes as Buffer.from(text, 'utf8'): 😀 is 4 bytes, a lone surrogate becomes U+FFFD.
  assert.equal(outputHash('😀'), fnvReference(Buffer.from('😀', 'utf8')));
  assert.equal(outputHash('\ud800x'), fnvReference(Buffer.from('\ud800x', 'utf8')));
  assert.notEqual(outputHash('the town.'), outputHash('the town!'));
});

function fnvReference(bytes: Uint8Array): string {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return `fnv1a64:${h.toString(16).padStart(16, '0')}`;
}

test('createAnnotation: quoted text and output hash taken from the output; a range outside it is refused', () => {
  const s = record('q4', 0, ' the town. The town. The town.');
  const a = annotate(s, 'a1', 'The town. The town.');
  assert.deepEqual(a.range, { start: 11, end: 30 });
  assert.equal(a.quotedText, 'The town. The town.');
  assert.equal(a.outputHash, outputHash(s.output));
  assert.equal(a.status, 'open');
  assert.equal(a.origin, 'human');
  assert.deepEqual(a.replies, []);
  assert.throws(() => createAnnotation({ id: 'x', modelFolder: MODEL, variantId: 'q4', sampleKey: s.sampleKey, output: s.output, range: { start: 5, end: 99 }, category: 'other', note: '', author: 'ana', at: T0 }), RangeError);
  assert.throws(() => createAnnotation({ id: 'x', modelFolder: MODEL, variantId: 'q4', sampleKey: s.sampleKey, output: s.output, range: { start: 5, end: 4 }, category: 'other', note: '', author: 'ana', at: T0 }), RangeError);
});

test('keys: annotations are found by model folder + variant + sample key, and match a rerun\'s samples', () => {
  const run1 = [record('q4', 0, ' one two three'), record('q8', 0, ' one two three'), record('q4', 1, ' four five')];
  let file = add(emptyAnnotationsFile(), annotate(run1[0]!, 'a', 'two'), annotate(run1[1]!, 'b', 'two'), annotate(run1[2]!, 'c', 'five'));
  file = add(file, { ...annotate(run1[0]!, 'd', 'one'), modelFolder: 'models/other' });
  // A rerun writes new records (another run folder, another run id); the same prompt and decoding
  // settings give the same sample key.
  const rerun = [record('q4', 0, ' one two three'), record('q4', 1, ' four five')];
  assert.equal(rerun[0]!.sampleKey, run1[0]!.sampleKey);
  assert.deepEqual(annotationsForSample(file, { modelFolder: MODEL, variantId: 'q4', sampleKey: rerun[0]!.sampleKey }).map((a) => a.id), ['a']);
  assert.deepEqual(annotationsForSample(file, { modelFolder: MODEL, variantId: 'q8', sampleKey: rerun[0]!.sampleKey }).map((a) => a.id), ['b']);
  assert.deepEqual(annotationsForSample(file, { modelFolder: 'models/other', variantId: 'q4', sampleKey: rerun[0]!.sampleKey }).map((a) => a.id), ['d']);
  assert.deepEqual(annotationsForSample(file, { modelFolder: MODEL, variantId: 'q4', sampleKey: rerun[1]!.sampleKey }).map((a) => a.id), ['c']);
  const a = annotationsForSample(file, { modelFolder: MODEL, variantId: 'q4', sampleKey: rerun[0]!.sampleKey })[0]!;
  assert.deepEqual(anchorStatus(a, rerun[0]!.output), { state: 'current', range: { start: 5, end: 8 }, outputChanged: false });
  // Another max-new-tokens is another decoding setting, hence another key.
  assert.notEqual(sampleKeyOf('prompt 0', 32), run1[0]!.sampleKey);
});

test('anchorStatus: current, moved to the nearest occurrence, outdated — as a PR comment on a changed file', () => {
  const before = ' the town. The children came to the town.';
  const a = createAnnotation({ id: 'a', modelFolder: MODEL, variantId: 'q4', sampleKey: 'k', output: before, range: { start: 15, end: 23 }, category: 'other', note: '', author: 'ana', at: T0 });
  assert.equal(a.quotedText, 'children');
  assert.deepEqual(anchorStatus(a, before), { state: 'current', range: { start: 15, end: 23 }, outputChanged: false });
  assert.deepEqual(anchorStatus(a, before, outputHash(before)), { state: 'current', range: { start: 15, end: 23 }, outputChanged: false });
  // Changed after the range only: still current.
  assert.deepEqual(anchorStatus(a, ' the town. The children came to the sea.'), { state: 'current', range: { start: 15, end: 23 }, outputChanged: true });
  // Text inserted before it: moved.
  assert.deepEqual(anchorStatus(a, ' a town. The children ran.'), { state: 'moved', range: { start: 13, end: 21 }, outputChanged: true });
  // Two occurrences, at 0 and 14: the one nearest the old start (15) wins.
  assert.deepEqual(anchorStatus(a, 'children, the children'), { state: 'moved', range: { start: 14, end: 22 }, outputChanged: true });
  // Gone: outdated.
  assert.deepEqual(anchorStatus(a, ' the town. The baker smiled.'), { state: 'outdated', outputChanged: true });
  // An empty range (on an empty output) has nothing to find again.
  const empty = createAnnotation({ id: 'e', modelFolder: MODEL, variantId: 'q4', sampleKey: 'k', output: '', range: { start: 0, end: 0 }, category: 'truncation-early-stop', note: '', author: 'ana', at: T0 });
  assert.equal(anchorStatus(empty, '').state, 'current');
  assert.equal(anchorStatus(empty, ' now it talks').state, 'outdated');
  // UTF-16 offsets: an emoji before the range counts 2.
  const emoji = createAnnotation({ id: 'u', modelFolder: MODEL, variantId: 'q4', sampleKey: 'k', output: '😀 town', range: { start: 3, end: 7 }, category: 'other', note: '', author: 'ana', at: T0 });
  assert.equal(emoji.quotedText, 'town');
  assert.deepEqual(anchorStatus(emoji, '😀😀 town'), { state: 'moved', range: { start: 5, end: 9 }, outputChanged: true });
});

test('applyOperation: edit, resolve/reopen, replies, delete, dismiss/restore; pure and idempotent', () => {
  const s = record('q4', 0, ' the town. The town. The town.');
  const start = emptyAnnotationsFile();
  const a = annotate(s, 'a', 'The town.');
  const added = applyOperation(start, { type: 'add', annotation: a });
  assert.ok(added.applied);
  assert.equal(start.annotations.length, 0, 'the input file is not mutated');
  const again = applyOperation(added.file, { type: 'add', annotation: a });
  assert.equal(again.applied, false, 'adding the same id twice changes nothing');
  assert.equal(again.file, added.file);

  const { file, results } = applyOperations(added.file, [
    { type: 'edit', id: 'a', at: T1, note: 'loops', category: 'my-own-category' },
    { type: 'set-status', id: 'a', status: 'resolved', at: T1 },
    { type: 'reply', id: 'a', reply: { id: 'r1', author: 'bo', body: 'agreed', createdAt: T1 } },
    { type: 'reply', id: 'a', reply: { id: 'r2', author: 'ana', body: 'typo', createdAt: T1 } },
    { type: 'edit-reply', id: 'a', replyId: 'r2', body: 'fixed', at: T1 },
    { type: 'delete-reply', id: 'a', replyId: 'r1' },
    { type: 'dismiss-flag', flag: { modelFolder: MODEL, variantId: 'q4', sampleKey: s.sampleKey, flag: 'divergence' } },
    { type: 'dismiss-flag', flag: { modelFolder: MODEL, variantId: 'q4', sampleKey: s.sampleKey, flag: 'divergence' } },
    { type: 'edit', id: 'gone', at: T1, note: 'x' },
  ]);
  assert.deepEqual(results.map((r) => r.applied), [true, true, true, true, true, true, true, false, false]);
  assert.match(results[8]!.reason!, /no longer exists/);
  const edited = file.annotations[0]!;
  assert.equal(edited.note, 'loops');
  assert.equal(edited.category, 'my-own-category', 'an unknown category is kept');
  assert.equal(edited.status, 'resolved');
  assert.equal(edited.updatedAt, T1);
  assert.deepEqual(edited.replies, [{ id: 'r2', author: 'ana', body: 'fixed', createdAt: T1, updatedAt: T1 }]);
  assert.equal(file.dismissedFlags.length, 1);

  const reopened = applyOperations(file, [
    { type: 'set-status', id: 'a', status: 'open', at: T1 },
    { type: 'restore-flag', flag: { modelFolder: MODEL, variantId: 'q4', sampleKey: s.sampleKey, flag: 'divergence' } },
    { type: 'delete', id: 'a' },
    { type: 'delete', id: 'a' },
  ]);
  assert.deepEqual(reopened.results.map((r) => r.applied), [true, true, true, false]);
  assert.deepEqual(reopened.file.annotations, []);
  assert.deepEqual(reopened.file.dismissedFlags, []);
});

test('merge on write: two windows\' operations re-applied to the freshest file keep both', () => {
  const s = record('q4', 0, ' the town. The town.');
  const shared = add(emptyAnnotationsFile(), annotate(s, 'a', 'the town'));
  // Window 1 and window 2 both loaded `shared`; window 1 writes first, window 2's operation then
  // applies to what window 1 wrote, not to its stale copy.
  const w1 = { type: 'add' as const, annotation: annotate(s, 'b', 'The town.') };
  const w2 = { type: 'edit' as const, id: 'a', at: T1, note: 'edited in window 2' };
  const afterW1 = applyOperation(shared, w1).file;
  const afterW2 = applyOperation(afterW1, w2).file;
  assert.deepEqual(afterW2.annotations.map((a) => [a.id, a.note]), [['a', 'edited in window 2'], ['b', 'note b']]);
});

test('taxonomy: built-in labels, extras from settings, unknown ids shown as they are', () => {
  assert.deepEqual(resolveTaxonomy().map((c) => c.id), ['repetition', 'nonsensical-text', 'factual-error', 'lost-instruction-following', 'formatting-break', 'truncation-early-stop', 'language-switch', 'other']);
  assert.equal(categoryLabel('truncation-early-stop'), 'Truncation / early stop');
  const extended = resolveTaxonomy(['unsafe', { id: 'code-bug', label: 'Bug in code' }, 'repetition', 'unsafe', '  ']);
  assert.deepEqual(extended.slice(8).map((c) => [c.id, c.label]), [['unsafe', 'unsafe'], ['code-bug', 'Bug in code']]);
  assert.equal(categoryLabel('code-bug', extended), 'Bug in code');
  assert.equal(categoryLabel('made-up'), 'made-up');
});

test('flags as suggestions: accepted flags become annotations over the flagged text; dismissed and accepted ones are no longer pending', () => {
  const divergence: SampleFlag = { kind: 'divergence', value: 2, threshold: null, detail: 'First differs at token 2.' };
  const repetition: SampleFlag = { kind: 'repetition', value: 0.7, threshold: 0.5, detail: 'Loops.' };
  const early: SampleFlag = { kind: 'early-stop', value: 0.2, threshold: 0.5, detail: 'Stopped early.' };
  const s = record('q4', 0, ' one two three four', [early, repetition, divergence]);
  const accepted = annotationFromFlag(s, divergence, { id: 'f1', modelFolder: MODEL, author: 'ana', at: T0 });
  assert.deepEqual(accepted.range, { start: 8, end: 19 }, 'from token 2 (" three") to the end');
  assert.equal(accepted.quotedText, ' three four');
  assert.deepEqual(accepted.origin, { flag: 'divergence' });
  assert.equal(accepted.category, 'other');
  assert.equal(accepted.note, 'First differs at token 2.');
  assert.equal(annotationFromFlag(s, repetition, { id: 'f2', modelFolder: MODEL, author: 'ana', at: T0 }).quotedText, s.output, 'whole output');
  assert.equal(annotationFromFlag(s, early, { id: 'f3', modelFolder: MODEL, author: 'ana', at: T0 }).category, 'truncation-early-stop');

  let file = applyOperation(emptyAnnotationsFile(), { type: 'add', annotation: accepted }).file;
  file = applyOperation(file, { type: 'dismiss-flag', flag: { modelFolder: MODEL, variantId: 'q4', sampleKey: s.sampleKey, flag: 'repetition' } }).file;
  assert.deepEqual(pendingFlags(s, MODEL, file).map((f) => f.kind), ['early-stop']);
  assert.deepEqual(pendingFlags(s, 'models/other', file).map((f) => f.kind), ['early-stop', 'repetition', 'divergence'], 'another model folder\'s decisions do not apply');
});

test('wilsonInterval: published 95% Wilson score intervals and worked small cases', () => {
  const close = (actual: [number, number], expected: [number, number], tolerance = 5e-6): void => {
    assert.ok(Math.abs(actual[0] - expected[0]) < tolerance && Math.abs(actual[1] - expected[1]) < tolerance, `${actual} vs ${expected}`);
  };
  // Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (Wilson score, no continuity correction), to 4 places.
  close(wilsonInterval(81, 263), [0.2553, 0.3662], 5e-5);
  close(wilsonInterval(15, 148), [0.0624, 0.1605], 5e-5);
  close(wilsonInterval(0, 20), [0, 0.1611], 5e-5);
  close(wilsonInterval(1, 29), [0.0061, 0.1718], 5e-5);
  // p = 3/10: centre (0.3 + 1.92073/10)/1.384146 = 0.355505, half 1.959964·sqrt(0.021 + 0.0096037)/1.384146 = 0.247717.
  close(wilsonInterval(3, 10), [0.107791, 0.603222]);
  close(wilsonInterval(5, 10), [0.236593, 0.763407]);
  // 0 of n: [0, z²/(n + z²)] = [0, 3.841459/13.841459]; n of n mirrors it.
  close(wilsonInterval(0, 10), [0, 0.277533]);
  close(wilsonInterval(10, 10), [0.722467, 1]);
  // 1 of 1: centre (1 + 1.920729)/4.841459 = 0.603265, half 1.959964·sqrt(0.960365)/4.841459 = 0.396735.
  close(wilsonInterval(1, 1), [0.206549, 1]);
  assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
});

test('summaries: per variant, human categories and automatic flags counted separately, as rates of generated samples with Wilson intervals', () => {
  const div = (k: number): SampleFlag => ({ kind: 'divergence', value: k, threshold: null, detail: '' });
  const rep: SampleFlag = { kind: 'repetition', value: 0.7, threshold: 0.5, detail: '' };
  const q4 = Array.from({ length: 10 }, (_, i) => record('q4', i, ` output ${i} loops loops`, i < 4 ? [div(1), ...(i === 0 ? [rep] : [])] : []));
  const fp16 = Array.from({ length: 4 }, (_, i) => record('fp16', i, ` output ${i}`, []));
  let file = add(
    emptyAnnotationsFile(),
    annotate(q4[0]!, 'a1', 'loops'),
    annotate(q4[0]!, 'a2', 'loops loops'),
    annotate(q4[1]!, 'a3', 'loops'),
    annotate(q4[2]!, 'a4', 'loops'),
    annotate(q4[2]!, 'a5', 'output', 'factual-error'),
    annotate(q4[3]!, 'a6', 'output', 'hallucinated-citation'),
    annotate(fp16[0]!, 'a7', 'output', 'other'),
  );
  // a8 was made on an output that has since changed: outdated, so left out of the rates.
  file = add(file, { ...annotate(q4[5]!, 'a8', 'loops'), quotedText: 'vanished words', outputHash: outputHash('an older output') });
  file = applyOperations(file, [
    { type: 'set-status', id: 'a3', status: 'resolved', at: T1 },
    { type: 'dismiss-flag', flag: { modelFolder: MODEL, variantId: 'q4', sampleKey: q4[3]!.sampleKey, flag: 'divergence' } },
  ]).file;
  // An annotation of another model folder on the same key counts nowhere here.
  file = add(file, { ...annotate(q4[9]!, 'x', 'loops'), modelFolder: 'models/other' });

  const [sq4, sfp16] = summarizeAnnotations([...q4, ...fp16], file, { modelFolder: MODEL });
  assert.equal(sq4!.variantId, 'q4');
  assert.equal(sq4!.generated, 10);
  // Human: samples 0, 1, 2, 3 annotated (4 of 10); 6 annotations, one resolved; a8 outdated.
  assert.deepEqual({ ...sq4!.human, byCategory: undefined, any: undefined }, { annotations: 6, open: 5, resolved: 1, outdated: 1, byCategory: undefined, any: undefined });
  assert.equal(sq4!.human.any.samples, 4);
  assert.equal(sq4!.human.any.rate, 0.4);
  const cat = (id: string) => sq4!.human.byCategory.find((c) => c.category === id)!;
  // repetition: samples 0, 1, 2 (3 of 10, 4 annotations).
  assert.deepEqual([cat('repetition').samples, cat('repetition').annotations, cat('repetition').n, cat('repetition').rate], [3, 4, 10, 0.3]);
  assert.ok(Math.abs(cat('repetition').ci95[0] - 0.107791) < 5e-6 && Math.abs(cat('repetition').ci95[1] - 0.603222) < 5e-6);
  assert.deepEqual([cat('factual-error').samples, cat('factual-error').rate], [1, 0.1]);
  assert.deepEqual([cat('language-switch').samples, cat('language-switch').rate, cat('language-switch').ci95[0]], [0, 0, 0]);
  assert.deepEqual([cat('hallucinated-citation').samples, cat('hallucinated-citation').known, cat('hallucinated-citation').label], [1, false, 'hallucinated-citation'], 'unknown category kept and counted');
  assert.deepEqual(sq4!.human.byCategory.map((c) => c.category).slice(-2), ['other', 'hallucinated-citation'], 'taxonomy order, then unknown ones');
  // Automatic: divergence on samples 0–3, one dismissed → 3 of 10; repetition on sample 0.
  const kind = (k: string) => sq4!.automatic!.byKind.find((f) => f.kind === k)!;
  assert.deepEqual([kind('divergence').samples, kind('divergence').rate], [3, 0.3]);
  assert.deepEqual([kind('repetition').samples, kind('repetition').category], [1, 'repetition']);
  assert.equal(kind('gibberish').samples, 0);
  assert.equal(sq4!.automatic!.dismissed, 1);
  assert.equal(sq4!.automatic!.any.samples, 3);
  // fp16: one annotation of 4 samples: 1/4, Wilson [0.045587, 0.699358].
  assert.equal(sfp16!.human.any.rate, 0.25);
  assert.ok(Math.abs(sfp16!.human.any.ci95[0] - 0.045587) < 5e-6 && Math.abs(sfp16!.human.any.ci95[1] - 0.699358) < 5e-6, String(sfp16!.human.any.ci95));
  assert.equal(sfp16!.automatic!.any.samples, 0);
  // Counting outdated annotations too: sample 5 joins repetition.
  const withOutdated = summarizeAnnotations(q4, file, { modelFolder: MODEL, includeOutdated: true })[0]!;
  assert.equal(withOutdated.human.byCategory.find((c) => c.category === 'repetition')!.samples, 4);
  // A run made before flags existed: automatic is null, not zero.
  assert.equal(summarizeAnnotations([{ ...q4[0]!, flags: undefined }], file, { modelFolder: MODEL })[0]!.automatic, null);
});

test('exports: each sample carries its annotations (with anchor state) and flags in JSONL and CSV', () => {
  const flags: SampleFlag[] = [{ kind: 'divergence', value: 1, threshold: null, detail: 'd' }, { kind: 'repetition', value: 0.6, threshold: 0.5, detail: 'r' }];
  const samples = [record('q4', 0, ' he said "yes, twice"', flags), record('q4', 1, ' plain')];
  let file = add(emptyAnnotationsFile(), { ...annotate(samples[0]!, 'a1', 'twice', 'repetition'), note: 'line one\nline "two"' }, annotate(samples[0]!, 'a2', 'said', 'weird-one'));
  file = applyOperation(file, { type: 'dismiss-flag', flag: { modelFolder: MODEL, variantId: 'q4', sampleKey: samples[0]!.sampleKey, flag: 'repetition' } }).file;
  const joined = samplesWithAnnotations(samples, file.annotations, file.dismissedFlags, MODEL);
  assert.deepEqual(joined[0]!.annotations.map((a) => [a.id, a.anchor.state]), [['a2', 'current'], ['a1', 'current']], 'in range order');
  assert.deepEqual(joined[0]!.activeFlags.map((f) => f.kind), ['divergence']);
  assert.deepEqual(joined[0]!.dismissedFlags, ['repetition']);
  assert.deepEqual(joined[1]!.annotations, []);

  const lines = annotatedSamplesToJsonl(joined).trimEnd().split('\n').map((l) => JSON.parse(l) as (typeof joined)[number]);
  assert.equal(lines.length, 2);
  assert.equal(lines[0]!.annotations[1]!.note, 'line one\nline "two"');
  assert.equal(lines[0]!.flags!.length, 2);
  assert.equal(lines[0]!.output, samples[0]!.output);

  const csv = annotatedSamplesToCsv(joined);
  const rows = parseCsv(csv);
  assert.equal(rows.length, 3);
  const header = rows[0]!;
  const at = (row: string[], column: string): string => row[header.indexOf(column)]!;
  assert.equal(at(rows[1]!, 'output'), ' he said "yes, twice"');
  assert.equal(at(rows[1]!, 'flags'), 'divergence');
  assert.equal(at(rows[1]!, 'dismissed_flags'), 'repetition');
  assert.equal(at(rows[1]!, 'annotation_count'), '2');
  assert.equal(at(rows[1]!, 'annotation_categories'), 'weird-one; repetition');
  assert.equal(at(rows[1]!, 'annotation_states'), 'open/current; open/current');
  assert.equal(at(rows[1]!, 'annotation_notes'), 'note a2\n\nline one\nline "two"');
  assert.equal((JSON.parse(at(rows[1]!, 'annotations_json')) as unknown[]).length, 2);
  assert.equal(at(rows[2]!, 'annotation_count'), '0');

  const summaryCsv = parseCsv(annotationSummaryToCsv(summarizeAnnotations(samples, file, { modelFolder: MODEL })));
  assert.deepEqual(summaryCsv[0], ['variant', 'source', 'category', 'label', 'samples', 'generated', 'rate', 'ci95_low', 'ci95_high', 'annotations']);
  const repetitionRow = summaryCsv.find((r) => r[1] === 'human' && r[2] === 'repetition')!;
  assert.deepEqual(repetitionRow.slice(0, 7), ['q4', 'human', 'repetition', 'Repetition', '1', '2', '0.5']);
  assert.ok(summaryCsv.some((r) => r[1] === 'human' && r[2] === 'weird-one'));
  assert.ok(summaryCsv.some((r) => r[1] === 'automatic' && r[2] === 'divergence' && r[4] === '1'));
});

test('serializeAnnotationsFile: canonical order of annotations and keys; unknown fields kept after the known ones', () => {
  const s1 = record('q8', 0, ' b a');
  const s2 = record('q4', 0, ' b a');
  const file = add(emptyAnnotationsFile(), annotate(s1, 'z', 'a'), annotate(s1, 'y', 'b'), annotate(s2, 'x', 'a'));
  const withExtra: AnnotationsFile = { ...file, annotations: file.annotations.map((a) => ({ ...a, zExtra: 1, aExtra: 'kept' }) as typeof a) };
  const text = serializeAnnotationsFile(withExtra);
  assert.ok(text.endsWith('}\n') && text.includes('\n  "annotations": [\n    {\n      "id": '), '2-space JSON');
  const parsed = JSON.parse(text) as AnnotationsFile;
  assert.deepEqual(parsed.annotations.map((a) => a.id), ['x', 'y', 'z'], 'q4 before q8; then by range start');
  assert.deepEqual(Object.keys(parsed.annotations[0]!), ['id', 'modelFolder', 'variantId', 'sampleKey', 'range', 'quotedText', 'outputHash', 'category', 'note', 'status', 'author', 'createdAt', 'updatedAt', 'origin', 'replies', 'aExtra', 'zExtra']);
  assert.deepEqual(Object.keys(parsed), ['schemaVersion', 'annotations', 'dismissedFlags']);
  assert.equal(serializeAnnotationsFile({ ...withExtra, annotations: [...withExtra.annotations].reverse() }), text, 'the same content gives the same text');
});

/** A small RFC 4180 reader for the assertions. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}
