// Times the streaming signature reader on multi-gigabyte (sparse) models and reports its peak memory.
// Each read runs in a child process so the RSS it reports is the reader's own.
// Usage: npm run bench:discovery
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { answerSignatureProbe, probeSignatureInChild } from '../test/discovery/support/signatureProbe';
import { matMulNBitsModel } from '../test/discovery/support/onnxModels';
import { oneGibModelSpec, writeSparseModel, type SparseModelSpec } from '../test/discovery/support/sparseModel';

answerSignatureProbe();

const MIB = 1024 ** 2;

/** A 4 GiB q4-style layout: 256 packed 16 MiB weights, each used by a MatMulNBits node. */
function manyTensorsSpec(): SparseModelSpec {
  const count = 256;
  const K = 8192;
  const N = 4096;
  const blockSize = 32;
  const int = (name: string, i: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
  const tensors = Array.from({ length: count }, (_, index) => ({
    name: `layer${index}.weight_q4`,
    dataType: 2,
    dims: [N, K / blockSize, blockSize / 2],
    payloadBytes: (N * K) / 2,
  }));
  const nodes = tensors.map((tensor, index) => ({
    opType: 'MatMulNBits',
    domain: 'com.microsoft',
    name: `layer${index}`,
    input: [`h${index}`, tensor.name],
    output: [`h${index + 1}`],
    attribute: [int('K', K), int('N', N), int('bits', 4), int('block_size', blockSize)],
  }));
  return { tensors, nodes, opsets: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }] };
}

function report(label: string, file: string, sizeBytes: number): void {
  const { wallMs, maxRssBytes, signature } = probeSignatureInChild(file);
  const nodes = Object.values(signature.opTypeHistogram).reduce((total, count) => total + count, 0);
  console.log(
    `${label.padEnd(34)} file ${(sizeBytes / MIB).toFixed(1).padStart(8)} MiB` +
    `  read ${wallMs.toFixed(1).padStart(7)} ms  peak RSS ${(maxRssBytes / MIB).toFixed(1).padStart(6)} MiB` +
    `  RSS/file ${(maxRssBytes / sizeBytes).toExponential(2)}  (${nodes} nodes, ${signature.parameterCount} params)`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'quantlens-bench-'));
try {
  const small = join(dir, 'small.onnx');
  const smallModel = matMulNBitsModel();
  writeFileSync(small, smallModel);
  report('small model (reference)', small, smallModel.length);

  const oneTensor = join(dir, 'one-gib.onnx');
  report('1 GiB, one tensor', oneTensor, writeSparseModel(oneTensor, oneGibModelSpec()));
  rmSync(oneTensor);

  const manyTensors = join(dir, 'four-gib.onnx');
  report('4 GiB, 256 tensors + 256 nodes', manyTensors, writeSparseModel(manyTensors, manyTensorsSpec()));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
