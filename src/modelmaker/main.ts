import { resolve } from 'node:path';
import { FIXTURE_FAMILIES } from './familySpec';
import { makeFixtureModel } from './makeFixtureModel';

/** `node dist/make-fixtures.js [parent-folder]`: writes every fixture family (default fixtures/models). */
const parent = resolve(process.argv[2] ?? 'fixtures/models');
for (const spec of FIXTURE_FAMILIES) {
  const started = Date.now();
  const folder = makeFixtureModel(spec, parent);
  console.log(`fixture ${spec.name} → ${folder} (${Date.now() - started} ms)`);
}
