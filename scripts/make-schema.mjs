// Generates the JSON Schemas of the run folder's files from the TypeScript types in
// src/shared/report/schema.ts, so the schema can never say something the types do not.
//   node scripts/make-schema.mjs          writes docs/schema/*.schema.json
//   node scripts/make-schema.mjs --check  exits 1 if the committed files differ from fresh ones
// test/report/schema.test.ts imports generateSchemas() and fails on any drift.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tsj from 'ts-json-schema-generator';

const root = fileURLToPath(new URL('..', import.meta.url));
export const SCHEMA_DIR = join(root, 'docs/schema');

/** Output file in docs/schema/ → the exported type it describes. */
export const SCHEMA_TYPES = {
  'run-card.schema.json': 'RunCard',
  'report.schema.json': 'RunReport',
  'event.schema.json': 'RunEvent',
  'sample.schema.json': 'SampleRecord',
};

/** File name → schema text, exactly as it is committed (2-space JSON and a final newline). */
export function generateSchemas() {
  const generator = tsj.createGenerator({
    path: join(root, 'src/shared/report/schema.ts'),
    tsconfig: join(root, 'src/shared/tsconfig.json'),
    // `npm run typecheck` owns type errors; the schema depends only on the declarations.
    skipTypeCheck: true,
    additionalProperties: false,
  });
  const out = {};
  for (const [file, type] of Object.entries(SCHEMA_TYPES)) {
    out[file] = JSON.stringify(generator.createSchema(type), null, 2) + '\n';
  }
  return out;
}

/** Files whose committed text differs from a fresh generation (missing files included). */
export function staleSchemas(fresh = generateSchemas()) {
  return Object.entries(fresh)
    .filter(([file, text]) => {
      const path = join(SCHEMA_DIR, file);
      return !existsSync(path) || readFileSync(path, 'utf8') !== text;
    })
    .map(([file]) => file);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const fresh = generateSchemas();
  if (process.argv.includes('--check')) {
    const stale = staleSchemas(fresh);
    if (stale.length) {
      console.error(`docs/schema is out of date with src/shared/report/schema.ts: ${stale.join(', ')}. Run npm run schema and commit the result.`);
      process.exit(1);
    }
    console.log(`docs/schema matches src/shared/report/schema.ts (${Object.keys(fresh).length} files)`);
  } else {
    mkdirSync(SCHEMA_DIR, { recursive: true });
    for (const [file, text] of Object.entries(fresh)) writeFileSync(join(SCHEMA_DIR, file), text);
    console.log(`wrote ${Object.keys(fresh).map((f) => `docs/schema/${f}`).join(', ')}`);
  }
}
