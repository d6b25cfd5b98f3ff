import { dirname, join, resolve } from 'node:path';
import { FIXTURE_FAMILIES } from './familySpec';
import { makeFixtureModel } from './makeFixtureModel';
import { makeGgufEdgeFolder, makeGgufFixtureFolder, makeKQuantFixtureFolder, writeGgufVariants } from './gguf/ggufFixtures';
import { runRealisticCommand } from './realistic/realisticCommand';

/**
 * `node dist/make-fixtures.js [parent-folder] [family …]`: writes the named fixture families, or
 * every one (default parent fixtures/models). Its own bundle, so the shipped CLI carries no
 * onnx-proto/protobufjs: `quantlens demo` runs it as a child process.
 *
 * GGUF variants (issue 15): a folder named on the command line (the demo's) gains them in
 * `<family>/gguf/`. The test fixtures keep fixtures/models ONNX-only — many tests count its
 * variants — and get the GGUF files in sibling folders: fixtures/gguf-models/<family> (fp32 ONNX +
 * every GGUF type, plus quantlens-tiny-k256, whose 256-wide rows take real Q4_K/Q6_K tensors) and
 * fixtures/gguf-edge/<first family> (split and hostile files).
 *
 * `--realistic <shape> --out DIR [--variants …]` (issue 16) writes one model with a real model's
 * shape instead (realistic/realisticCommand.ts).
 */
const [parentArg, ...names] = process.argv.slice(2);
const parent = resolve(parentArg ?? 'fixtures/models');
const unknown = names.filter((n) => !FIXTURE_FAMILIES.some((f) => f.name === n));
if (process.argv.includes('--realistic')) {
  try {
    runRealisticCommand(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  }
} else if (unknown.length) {
  console.error(`make-fixtures: no fixture family ${unknown.map((n) => `"${n}"`).join(', ')}; the families are ${FIXTURE_FAMILIES.map((f) => f.name).join(', ')}`);
  process.exitCode = 2;
} else {
  const made: string[] = [];
  for (const spec of FIXTURE_FAMILIES.filter((f) => names.length === 0 || names.includes(f.name))) {
    const started = Date.now();
    const folder = makeFixtureModel(spec, parent);
    if (parentArg !== undefined) writeGgufVariants(folder);
    made.push(folder);
    console.log(`fixture ${spec.name} → ${folder} (${Date.now() - started} ms)`);
  }
  if (parentArg === undefined && made.length === FIXTURE_FAMILIES.length) {
    const started = Date.now();
    const root = dirname(parent);
    for (const folder of made) makeGgufFixtureFolder(folder, join(root, 'gguf-models'));
    makeKQuantFixtureFolder(join(root, 'gguf-models'));
    makeGgufEdgeFolder(made[0]!, made[1]!, join(root, 'gguf-edge'));
    console.log(`fixture GGUF variants → ${join(root, 'gguf-models')}, edge cases → ${join(root, 'gguf-edge')} (${Date.now() - started} ms)`);
  }
}
