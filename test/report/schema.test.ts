import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { readRun } from '../../src/node/runFolder/reader';
import { isInputError } from '../../src/shared/errors';
import { SCHEMA_VERSION } from '../../src/shared/report/schema';
import { checkSchemaVersion } from '../../src/shared/report/version';
import { TINY_LLAMA } from '../helpers/fixtures';
import { validateRunFolder, validateRunFolderDetailed } from '../helpers/validateReport';

const SCHEMA_SCRIPT = resolve('scripts/make-schema.mjs');
const CLI = resolve('dist/cli.js');

interface SchemaScript {
  generateSchemas(): Record<string, string>;
  SCHEMA_DIR: string;
}

test('docs/schema is what scripts/make-schema.mjs generates from src/shared/report/schema.ts (no drift)', async () => {
  // A computed specifier: the bundler leaves this import to Node, which runs the real script.
  const script = (await import(pathToFileURL(SCHEMA_SCRIPT).href)) as SchemaScript;
  const fresh = script.generateSchemas();
  assert.deepEqual(Object.keys(fresh).sort(), ['event.schema.json', 'report.schema.json', 'run-card.schema.json', 'sample.schema.json']);
  for (const [file, text] of Object.entries(fresh)) {
    const committed = readFileSync(join(script.SCHEMA_DIR, file), 'utf8');
    assert.equal(committed, text, `docs/schema/${file} is stale: run \`npm run schema\` and commit the result`);
  }
});

const tempRoots: string[] = [];

function tempFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  tempRoots.push(folder);
  return folder;
}

/** Runs `quantlens eval` on the tiny fixture model in a child process; returns its run folder. */
function evalFixture(args: string[]): string {
  const out = tempFolder('ql-schema-run-');
  execFileSync(process.execPath, [CLI, 'eval', TINY_LLAMA, ...args, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  const runs = join(out, '.quantlens', 'runs');
  const ids = readdirSync(runs);
  assert.equal(ids.length, 1, `expected one run folder under ${runs}, found ${ids.join(', ')}`);
  return join(runs, ids[0]!);
}

/** A scratch copy of the real run folder that a test may damage. */
function copyOfRun(): string {
  const copy = tempFolder('ql-schema-copy-');
  cpSync(runFolder, copy, { recursive: true });
  return copy;
}

let runFolder = '';

before(() => {
  runFolder = evalFixture(['--context', '128', '--stride', '64', '--max-new-tokens', '16', '--warmups', '1', '--repetitions', '2']);
});

after(() => {
  for (const folder of tempRoots) rmSync(folder, { recursive: true, force: true });
});

test('a real CLI run on the fixture model validates against the schemas with zero errors', () => {
  const result = validateRunFolderDetailed(runFolder);
  assert.deepEqual(result.errors, []);
  // The run was not vacuous: every measure wrote what the schema covers.
  assert.ok(result.events >= 10, `only ${result.events} events`);
  assert.ok(result.samples > 0, 'no samples.jsonl lines were validated');
  const events = readFileSync(join(runFolder, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; result?: { kind: string } });
  const kinds = new Set(events.filter((e) => e.type === 'unit-completed').map((e) => e.result!.kind));
  assert.deepEqual([...kinds].sort(), ['generation', 'lockstep', 'performance', 'perplexity']);
  const report = JSON.parse(readFileSync(join(runFolder, 'report.json'), 'utf8')) as { schemaVersion: string; status: string };
  assert.equal(report.schemaVersion, SCHEMA_VERSION);
  assert.equal(report.status, 'completed');
});

test('the validator is not vacuous: a null metric, a missing field, an extra field and a bad line are all reported', () => {
  const copy = copyOfRun();
  const reportFile = join(copy, 'report.json');
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  // What JSON.stringify writes for a NaN metric.
  report.variants[1].kld.meanLnPplRatio.se = null;
  delete report.variants[0].sizeBytes;
  report.variants[0].surprise = 1;
  writeFileSync(reportFile, JSON.stringify(report, null, 2));
  const eventsFile = join(copy, 'events.jsonl');
  writeFileSync(eventsFile, readFileSync(eventsFile, 'utf8') + '{"type":"unit-started","at":"now"}\n{"type":\n');
  const errors = validateRunFolder(copy);
  const has = (pattern: RegExp) => assert.ok(errors.some((e) => pattern.test(e)), `no error matching ${pattern} in:\n${errors.join('\n')}`);
  has(/^report\.json: \/variants\/1\/kld\/meanLnPplRatio\/se must be number/);
  has(/^report\.json: \/variants\/0 must have required property 'sizeBytes'/);
  has(/^report\.json: \/variants\/0 must NOT have additional properties \(surprise\)/);
  has(/^events\.jsonl:\d+: \/ must have required property 'unit'/);
  has(/^events\.jsonl:\d+: not valid JSON/);
});

test('schemaVersion: a newer major is rejected naming the file; an older minor of our major is accepted', () => {
  const copy = copyOfRun();
  const reportFile = join(copy, 'report.json');
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));

  report.schemaVersion = '2.0.0';
  writeFileSync(reportFile, JSON.stringify(report));
  const problem = checkSchemaVersion(JSON.parse(readFileSync(reportFile, 'utf8')).schemaVersion, reportFile);
  assert.ok(problem, '2.0.0 must be rejected');
  assert.ok(problem.includes(reportFile), `the message names the file: ${problem}`);
  assert.match(problem, /2\.0\.0/);
  assert.match(problem, /Update QuantLens/);
  assert.ok(validateRunFolder(copy).some((e) => e.startsWith('report.json:') && e.includes('2.0.0')));

  report.schemaVersion = '1.9.0';
  writeFileSync(reportFile, JSON.stringify(report));
  assert.equal(checkSchemaVersion(JSON.parse(readFileSync(reportFile, 'utf8')).schemaVersion, reportFile), null);

  assert.match(checkSchemaVersion(undefined, reportFile) ?? '', /no valid schemaVersion/);
  assert.match(checkSchemaVersion('1.0', reportFile) ?? '', /no valid schemaVersion/);

  // The run reader applies the rule to run.json and says which file it refused.
  const cardFile = join(copy, 'run.json');
  const card = JSON.parse(readFileSync(cardFile, 'utf8'));
  card.schemaVersion = '2.0.0';
  writeFileSync(cardFile, JSON.stringify(card));
  assert.throws(() => readRun(copy), (e: unknown) => isInputError(e) && e.file === cardFile && e.message.includes('2.0.0'));
});

test('a prefill-only performance run (--perf-output 1) validates too', () => {
  const folder = evalFixture(['--measure', 'performance', '--variants', 'fp32,q4', '--perf-prompt', '16', '--perf-output', '1', '--warmups', '0', '--repetitions', '2']);
  assert.deepEqual(validateRunFolder(folder), []);
});
