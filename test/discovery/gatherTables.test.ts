import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DType, GraphWriter } from '../../src/modelmaker/onnxWriter';
import { readQuantSignature } from '../../src/node/onnxStream';

/** An embedding lookup and an lm_head, either reading the one table (tied) or its own copy. */
function lookupModel(sharedTable: boolean): Uint8Array {
  const g = new GraphWriter();
  const ids = g.input('input_ids', DType.int64, [1]);
  const table = g.float('embed.weight', [6, 4], new Float32Array(24).map((_, i) => i / 24));
  const rows = g.op1('Gather', [table, ids], { axis: 0 });
  const head = sharedTable ? g.op1('Transpose', [table], { perm: [1, 0] }) : g.float('lm_head.weight', [4, 6], new Float32Array(24).fill(0.5));
  g.op1('MatMul', [rows, head], {}, { output: 'logits' });
  g.output('logits', DType.float32, [1, 6]);
  return g.toModel('lookup', [{ domain: '', version: 17 }]);
}

test('a table only Gather reads is listed with its rows; a tied table lm_head also reads is not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ql-gather-'));
  try {
    writeFileSync(join(dir, 'copy.onnx'), lookupModel(false));
    writeFileSync(join(dir, 'tied.onnx'), lookupModel(true));
    assert.deepEqual(readQuantSignature(join(dir, 'copy.onnx')).gatherOnlyTables, [{ name: 'embed.weight', bytes: 96, rows: 6, parameters: 24 }]);
    assert.deepEqual(readQuantSignature(join(dir, 'tied.onnx')).gatherOnlyTables, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
