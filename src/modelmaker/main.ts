import { resolve } from 'node:path';
import { FIXTURE_FAMILIES } from './familySpec';
import { makeFixtureModel } from './makeFixtureModel';

/**
 * `node dist/make-fixtures.js [parent-folder] [family …]`: writes the named fixture families, or
 * every one (default parent fixtures/models). Its own bundle, so the shipped CLI carries no
 * onnx-proto/protobufjs: `quantlens demo` runs it as a child process.
 */
const [parentArg, ...names] = process.argv.slice(2);
const parent = resolve(parentArg ?? 'fixtures/models');
const unknown = names.filter((n) => !FIXTURE_FAMILIES.some((f) => f.name === n));
if (unknown.length) {
  console.error(`make-fixtures: no fixture family ${unknown.map((n) => `"${n}"`).join(', ')}; the families are ${FIXTURE_FAMILIES.map((f) => f.name).join(', ')}`);
  process.exitCode = 2;
} else {
  for (const spec of FIXTURE_FAMILIES.filter((f) => names.length === 0 || names.includes(f.name))) {
    const started = Date.now();
    const folder = makeFixtureModel(spec, parent);
    console.log(`fixture ${spec.name} → ${folder} (${Date.now() - started} ms)`);
  }
}
