// The extension's Models view and Evaluate pick show GGUF variants (host logic, on the real fixture folders).
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { childrenOf, modelNode } from '../../src/host/logic/modelTree';
import { variantPickItems } from '../../src/host/logic/variantPicks';
import { inspectModelFolder } from '../../src/node/discovery';

const EDGE = resolve('fixtures/gguf-edge/quantlens-tiny-llama');

test('Models view: a GGUF variant node says GGUF and its file type; its tooltip carries the header summary; a broken one says error', async () => {
  const model = await inspectModelFolder(EDGE);
  const nodes = childrenOf(modelNode(model, [], false)).filter((n) => n.kind === 'variant');
  const q6 = nodes.find((n) => n.label === 'gguf-q6_k')!;
  assert.equal(q6.description, 'GGUF Q6_K · 196 KiB');
  assert.match(q6.tooltip, /GGUF llama Q6_K; tensors: Q8_0×16 0\.17 MiB, F32×5 0\.00 MiB/);
  assert.equal(q6.contextValue, 'quantlens.variant');
  const truncated = nodes.find((n) => n.label === 'gguf-f16')!;
  assert.equal(truncated.description, 'GGUF F16 · error');
  assert.equal(truncated.contextValue, 'quantlens.variant.broken');
  assert.match(truncated.tooltip, /quantlens-tiny-llama-F16-truncated\.gguf: is truncated/);
});

test('Evaluate pick: GGUF variants are offered beside the ONNX ones, ticked unless they cannot be evaluated', async () => {
  const model = await inspectModelFolder(EDGE);
  const items = variantPickItems(model, [], undefined);
  const byId = new Map(items.map((i) => [i.id, i]));
  assert.equal(byId.get('fp32')!.label, 'fp32 (baseline)');
  assert.deepEqual([byId.get('gguf-q6_k')!.description, byId.get('gguf-q6_k')!.picked], ['GGUF Q6_K', true]);
  assert.deepEqual([byId.get('gguf-quantlens-tiny-llama-q8_0')!.description, byId.get('gguf-quantlens-tiny-llama-q8_0')!.picked], ['GGUF Q8_0', true]);
  assert.equal(byId.get('gguf-q4_0')!.picked, false, 'a split with a missing part is not ticked');
  assert.match(byId.get('gguf-q4_0')!.description, /^cannot be evaluated: is missing: /);
});
