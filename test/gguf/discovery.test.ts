// GGUF discovery on the files make-fixtures writes (fixtures/gguf-models, fixtures/gguf-edge):
// variants with their headers' facts, split grouping, and each hostile file a problem naming it.
import assert from 'node:assert/strict';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { discoverModels, inspectModelFolder } from '../../src/node/discovery';
import { groupGgufFiles } from '../../src/node/gguf/ggufFiles';
import { readGgufHeader } from '../../src/node/gguf/readGgufHeader';
import { encodeGgufModel } from '../../src/modelmaker/gguf/writeGgufModel';
import { summarizeVariant } from '../../src/shared/variantSummary';
import { runCli } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';

const GGUF_MODELS = resolve('fixtures/gguf-models');
const EDGE = resolve('fixtures/gguf-edge/quantlens-tiny-llama');
const LLAMA = join(GGUF_MODELS, 'quantlens-tiny-llama');

function assertMade(folder: string): void {
  assert.ok(existsSync(folder), `${folder} is missing: run \`node scripts/build.mjs && node dist/make-fixtures.js\``);
}

test('a model folder with ONNX and GGUF files: one variant each, ONNX fp32 stays the baseline, GGUF facts from the headers', async () => {
  assertMade(LLAMA);
  const model = await inspectModelFolder(LLAMA);
  assert.deepEqual(model.problems, []);
  assert.deepEqual(model.variants.map((v) => v.id), ['fp32', 'gguf-f32', 'gguf-f16', 'gguf-q8_0', 'gguf-q4_0', 'gguf-q4_k_m', 'gguf-q6_k']);
  assert.equal(model.baselineId, 'fp32');
  const byId = new Map(model.variants.map((v) => [v.id, v]));
  for (const v of model.variants.slice(1)) {
    assert.equal(v.error, undefined, `${v.id}: ${v.error?.problem}`);
    assert.ok(v.gguf);
    assert.equal(v.gguf.architecture, 'llama');
    assert.equal(v.gguf.contextLength, 1024);
    assert.equal(v.gguf.tokenizerModel, 'gpt2');
    assert.equal(v.gguf.tokenizerPre, 'gpt-2');
    assert.deepEqual(v.gguf.parts, [v.file]);
    assert.deepEqual(v.externalDataFiles, []);
    assert.equal(v.sizeBytes, readFileSync(v.file).length);
    // The ONNX graph also counts its float constants: rope_inv_freq (D/2 = 8), the RMS epsilon, the attention scale, two mask values.
    assert.equal(v.gguf.parameterCount, byId.get('fp32')!.signature!.parameterCount - 12, `${v.id}: the same weights as the ONNX graph`);
  }
  assert.deepEqual(model.variants.slice(1).map((v) => [v.dtype, v.gguf!.fileType]), [['fp32', 'F32'], ['fp16', 'F16'], ['q8', 'Q8_0'], ['q4', 'Q4_0'], ['q4', 'Q4_K_M'], ['unknown', 'Q6_K']]);
  // Per-type counts and bytes, exactly: 2 layers × 7 matrices + token_embd + output = 16 matrices, 5 norms.
  const q4 = byId.get('gguf-q4_0')!.gguf!;
  const vocab = 687;
  const q4Matrices = 64 * vocab + 2 * (4 * 64 * 64 + 3 * 64 * 128);
  assert.deepEqual(q4.tensorTypes, [
    { type: 'Q4_0', count: 15, bytes: (q4Matrices / 32) * 18 },
    { type: 'Q8_0', count: 1, bytes: ((64 * vocab) / 32) * 34 },
    { type: 'F32', count: 5, bytes: 5 * 64 * 4 },
  ]);
  assert.deepEqual(byId.get('gguf-f32')!.gguf!.tensorTypes, [{ type: 'F32', count: 21, bytes: 4 * (q4Matrices + 64 * vocab + 5 * 64) }]);
});

test('the edge folder: a good split and a good file are discovered; each hostile file is its own variant\'s error naming the file', async () => {
  assertMade(EDGE);
  const model = await inspectModelFolder(EDGE);
  assert.deepEqual(model.problems, []);
  const byId = new Map(model.variants.map((v) => [v.id, v]));
  const gguf = (name: string): string => join(EDGE, 'gguf', name);

  const split = byId.get('gguf-quantlens-tiny-llama-q8_0')!;
  assert.equal(split.error, undefined);
  assert.equal(split.file, gguf('quantlens-tiny-llama-Q8_0-00001-of-00003.gguf'));
  assert.deepEqual(split.externalDataFiles, [2, 3].map((k) => gguf(`quantlens-tiny-llama-Q8_0-0000${k}-of-00003.gguf`)));
  assert.deepEqual(split.gguf!.parts, [split.file, ...split.externalDataFiles]);
  assert.equal(split.sizeBytes, [split.file, ...split.externalDataFiles].reduce((n, f) => n + readFileSync(f).length, 0));
  assert.deepEqual(split.gguf!.tensorTypes.map((t) => [t.type, t.count]), [['Q8_0', 16], ['F32', 5]], 'tensors of all three parts');
  assert.equal(byId.get('gguf-q6_k')!.error, undefined);
  assert.equal(byId.get('gguf-quantlens-tiny-gqa-q8_0')!.error, undefined, 'another family\'s tokenizer is for the run\'s tokenizer check, not discovery');

  const missing = byId.get('gguf-q4_0')!;
  assert.equal(missing.file, gguf('quantlens-tiny-llama-Q4_0-00001-of-00003.gguf'));
  assert.deepEqual(missing.error, {
    file: gguf('quantlens-tiny-llama-Q4_0-00002-of-00003.gguf'),
    problem: 'is missing: quantlens-tiny-llama-Q4_0-00001-of-00003.gguf is part 1 of a model split into 3 files, and part 2 (quantlens-tiny-llama-Q4_0-00002-of-00003.gguf) is not in the folder.',
    remedy: 'Put every part beside the others, named as llama.cpp looks for them (<name>-0000K-of-00003.gguf), then discover again.',
  });
  const truncated = byId.get('gguf-f16')!;
  assert.equal(truncated.error!.file, gguf('quantlens-tiny-llama-F16-truncated.gguf'));
  assert.equal(truncated.error!.problem, 'is truncated: its tensor infos need 359808 bytes, but the file has 215884 (143924 missing).');
  assert.match(truncated.error!.remedy, /Download the file again/);
  const headerCut = byId.get('gguf-quantlens-tiny-llama-f32-header-cut')!;
  assert.match(headerCut.error!.problem, /^is truncated inside its header: the header runs to byte \d+, but the file has 2000 bytes\.$/);
  const arch = byId.get('gguf-quantlens-tiny-llama-llama9-q8_0')!;
  assert.equal(arch.error!.file, gguf('quantlens-tiny-llama-llama9-Q8_0.gguf'));
  assert.equal(arch.error!.problem, 'has architecture "llama9", which the llama.cpp bundled with node-llama-cpp 3.21.1 cannot load.');
  assert.equal(arch.gguf!.architecture, 'llama9');
  const lfs = byId.get('gguf-not-a-model')!;
  assert.equal(lfs.error!.file, gguf('not-a-model.gguf'));
  assert.equal(lfs.error!.problem, 'is a Git LFS pointer, not the model: the weights were never downloaded.');
  assert.equal(model.baselineId, 'fp32');
});

test('discoverModels finds a GGUF-only folder (no config.json, no tokenizer.json) and reports no missing-file problems for it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ql-gguf-only-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const folder = join(dir, 'some-model-GGUF');
  writeFileSync(join(dir, 'notes.txt'), 'not a model');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(folder);
  writeFileSync(join(folder, 'model-Q8_0.gguf'), encodeGgufModel(TINY_LLAMA, 'Q8_0'));
  writeFileSync(join(folder, 'model-F32.gguf'), encodeGgufModel(TINY_LLAMA, 'F32'));
  const [model, ...rest] = await discoverModels(dir);
  assert.equal(rest.length, 0);
  assert.equal(model!.path, folder);
  assert.deepEqual(model!.problems, []);
  assert.deepEqual(model!.variants.map((v) => v.id), ['gguf-f32', 'gguf-q8_0']);
  assert.equal(model!.baselineId, 'gguf-f32', 'with no ONNX variant the GGUF F32 is the baseline');
});

test('split names group by prefix and count; the missing parts are named as llama.cpp would look for them', () => {
  const groups = groupGgufFiles('/m', ['a-00001-of-00002.gguf', 'a-00002-of-00002.gguf', 'b-00002-of-00003.gguf', 'c.gguf', 'd-00004-of-00003.gguf']);
  assert.deepEqual(groups, [
    { parts: ['/m/a-00001-of-00002.gguf', '/m/a-00002-of-00002.gguf'], missing: [] },
    { parts: ['/m/b-00001-of-00003.gguf', '/m/b-00002-of-00003.gguf', '/m/b-00003-of-00003.gguf'], missing: ['/m/b-00001-of-00003.gguf', '/m/b-00003-of-00003.gguf'] },
    { parts: ['/m/c.gguf'], missing: [] },
    { parts: ['/m/d-00004-of-00003.gguf'], missing: [], badName: 'is named as part 4 of 3, which cannot be' },
  ]);
});

test('the header is read without the tensor data: a file with a 4 GiB sparse tail parses in well under a second', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ql-gguf-sparse-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'big.gguf');
  const bytes = encodeGgufModel(TINY_LLAMA, 'F32');
  const fd = openSync(file, 'w');
  writeSync(fd, bytes);
  ftruncateSync(fd, 4 * 2 ** 30);
  closeSync(fd);
  const started = performance.now();
  const { header, problem } = await readGgufHeader(file);
  const ms = performance.now() - started;
  assert.equal(problem, undefined);
  assert.equal(header!.sizeBytes, 4 * 2 ** 30);
  assert.equal(header!.tensors.length, 21);
  assert.ok(ms < 1000, `${ms} ms`);
});

test('quantlens discover lists ONNX and GGUF variants in one table, with file type and per-tensor types', async () => {
  assertMade(LLAMA);
  const r = await runCli(['discover', LLAMA]);
  assert.equal(r.code, 0, r.stderr);
  const row = r.stdout.split('\n').find((line) => line.startsWith('gguf-q4_k_m'));
  assert.ok(row, r.stdout);
  assert.match(row, /q4 +154 KiB +gguf\/quantlens-tiny-llama-Q4_K\.gguf +GGUF llama Q4_K_M; tensors: Q5_0×13 0\.07 MiB, Q8_0×3 0\.06 MiB, F32×5 0\.00 MiB; 0\.17M params; ctx 1024; tokenizer gpt2\/gpt-2$/);
  assert.ok(r.stdout.split('\n').some((line) => line.startsWith('fp32 (baseline)')));
  const model = await inspectModelFolder(EDGE);
  const split = model.variants.find((v) => v.id === 'gguf-quantlens-tiny-llama-q8_0')!;
  assert.match(summarizeVariant(split), /; 3 parts$/);
});

test('the 256-wide family\'s K-quant files hold real K-quant tensors (Q4_K_M: Q4_K with Q6_K for output, attn_v and ffn_down of the last layer)', async () => {
  const folder = join(GGUF_MODELS, 'quantlens-tiny-k256');
  assertMade(folder);
  const model = await inspectModelFolder(folder);
  const byId = new Map(model.variants.map((v) => [v.id, v.gguf]));
  assert.deepEqual(byId.get('gguf-q4_k_m')!.tensorTypes.map((t) => [t.type, t.count]), [['Q4_K', 13], ['Q6_K', 3], ['F32', 5]]);
  assert.deepEqual(byId.get('gguf-q6_k')!.tensorTypes.map((t) => [t.type, t.count]), [['Q6_K', 16], ['F32', 5]]);
  assert.deepEqual(byId.get('gguf-q4_0')!.tensorTypes.map((t) => [t.type, t.count]), [['Q4_0', 15], ['Q6_K', 1], ['F32', 5]]);
});
