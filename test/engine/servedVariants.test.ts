import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { discoverForRun } from '../../src/node/discovery';
import type { DiscoverEndpoint } from '../../src/node/endpointVariants';
import { isInputError } from '../../src/shared/errors';
import type { EndpointSpec } from '../../src/shared/endpoints';
import type { ModelVariant } from '../../src/shared/modelTypes';
import { RunCard, RunReport, unitKeyString } from '../../src/shared/report/schema';
import { hashModelFiles } from '../../src/worker/modelFileHashes';
import { checkFinishedUnits, staleCauses } from '../../src/worker/resumeCheck';
import { TINY_LLAMA } from '../helpers/fixtures';
import { runWorker, testRequest, withTempDir } from '../helpers/engineRun';

/** What an endpoint client's discovery returns for a reachable server (the parts this wiring reads). */
function servedVariant(spec: EndpointSpec, model = 'tiny-q4'): ModelVariant {
  return {
    id: spec.name ?? model,
    dtype: 'unknown',
    file: spec.baseUrls[0]!,
    externalDataFiles: [],
    sizeBytes: 0,
    served: { baseUrls: spec.baseUrls, model, dialect: 'quantlens', hosts: spec.baseUrls.map((u) => new URL(u).host), maxModelLength: 128, ...(spec.apiKeyEnv ? { apiKeyEnv: spec.apiKeyEnv } : {}) },
  };
}

const reachable: DiscoverEndpoint = async (spec) => servedVariant(spec);
const refused: DiscoverEndpoint = async (spec) => {
  throw new Error(`${spec.baseUrls[0]}: connect ECONNREFUSED`);
};

test('discoverForRun appends each endpoint variant after the folder’s own, replicas as one variant', async () => {
  const endpoints: EndpointSpec[] = [{ name: 'q4s', baseUrls: ['http://127.0.0.1:1/v1', 'http://127.0.0.1:2/v1'] }, { baseUrls: ['http://10.0.0.9:8000/v1'] }];
  const folder = await discoverForRun({ modelFolder: TINY_LLAMA, endpoints }, { env: {}, discoverEndpoint: reachable });
  const local = (await discoverForRun({ modelFolder: TINY_LLAMA })).variants.map((v) => v.id);
  assert.deepEqual(folder.variants.map((v) => v.id), [...local, 'q4s', 'tiny-q4']);
  assert.equal(folder.baselineId, 'fp32');
  assert.deepEqual(folder.variants.find((v) => v.id === 'q4s')!.served!.hosts, ['127.0.0.1:1', '127.0.0.1:2']);
});

test('an unreachable endpoint, or one whose key variable is unset, becomes a variant with an error naming it; the others stay', async () => {
  const folder = await discoverForRun(
    { modelFolder: TINY_LLAMA, endpoints: [{ name: 'down', baseUrls: ['http://127.0.0.1:9/v1'] }, { name: 'keyed', baseUrls: ['http://127.0.0.1:10/v1'], apiKeyEnv: 'QL_TEST_UNSET_KEY' }] },
    { env: {}, discoverEndpoint: refused },
  );
  const down = folder.variants.find((v) => v.id === 'down')!;
  assert.equal(down.error?.file, 'http://127.0.0.1:9/v1');
  assert.match(down.error!.problem, /^\(endpoint down=http:\/\/127\.0\.0\.1:9\/v1\) could not be discovered: http:\/\/127\.0\.0\.1:9\/v1: connect ECONNREFUSED$/);
  assert.match(down.error!.remedy, /Start the server/);
  assert.deepEqual(down.served?.hosts, ['127.0.0.1:9'], 'still served: the run card says where it was');
  const keyed = folder.variants.find((v) => v.id === 'keyed')!;
  assert.match(keyed.error!.problem, /its API key variable QL_TEST_UNSET_KEY is not set in the environment/);
  assert.match(keyed.error!.remedy, /^Export QL_TEST_UNSET_KEY/);
  assert.ok(folder.variants.some((v) => v.id === 'q4' && !v.error), 'the local variants are all there');
  // Unnamed and unreachable: an id made from the host, never one with ':' (unit keys use it as a separator).
  const unnamed = await discoverForRun({ modelFolder: TINY_LLAMA, endpoints: [{ baseUrls: ['http://127.0.0.1:9/v1'] }] }, { env: {}, discoverEndpoint: refused });
  assert.equal(unnamed.variants.at(-1)!.id, 'served-127-0-0-1-9');
});

test('an endpoint whose variant id clashes with a local variant or another endpoint is an input error naming it and the fix', async () => {
  const cases: Array<{ endpoints: EndpointSpec[]; model: string; other: RegExp }> = [
    { endpoints: [{ name: 'q4', baseUrls: ['http://127.0.0.1:1/v1'] }], model: 'q4', other: /the local variant .*model_q4\.onnx/ },
    { endpoints: [{ baseUrls: ['http://127.0.0.1:1/v1'] }, { baseUrls: ['http://127.0.0.1:2/v1'] }], model: 'tiny', other: /the endpoint http:\/\/127\.0\.0\.1:1\/v1/ },
  ];
  for (const { endpoints, model, other } of cases) {
    const error = await discoverForRun({ modelFolder: TINY_LLAMA, endpoints }, { env: {}, discoverEndpoint: async (spec) => servedVariant(spec, model) }).then(
      () => assert.fail('discovered'),
      (e: unknown) => e,
    );
    assert.ok(isInputError(error), String(error));
    const clashing = endpoints.at(-1)!.baseUrls[0]!;
    assert.equal(error.file, clashing);
    assert.match(error.problem, new RegExp(`would be the variant "${model}", which is already ${other.source}\\.$`));
    assert.equal(error.remedy, `Name it: --endpoint NAME=${clashing} with a NAME no other variant has (e.g. ${model}-served).`);
  }
});

test('a named endpoint can be the baseline; an unreachable one cannot', async () => {
  const endpoints = [{ name: 'ref', baseUrls: ['http://127.0.0.1:1/v1'] }];
  const folder = await discoverForRun({ modelFolder: TINY_LLAMA, baseline: 'ref', endpoints }, { env: {}, discoverEndpoint: reachable });
  assert.equal(folder.baselineId, 'ref');
  await assert.rejects(discoverForRun({ modelFolder: TINY_LLAMA, baseline: 'ref', endpoints }, { env: {}, discoverEndpoint: refused }), /http:\/\/127\.0\.0\.1:1\/v1: cannot be the baseline: \(endpoint ref=/);
});

test('a run with an unreachable endpoint: its units fail with the reason, the local variants are measured, the run card says served and where', { timeout: 120_000 }, async () => {
  await withTempDir('ql-served-', async (out) => {
    const request = testRequest(TINY_LLAMA, { variants: ['fp32'], endpoints: [{ name: 'q4s', baseUrls: ['http://127.0.0.1:9/v1'] }] });
    const model = await discoverForRun(request, { env: {}, discoverEndpoint: refused });
    const run = await runWorker(request, out, { model });
    assert.equal(run.timedOut, false);
    const done = run.outcome.done!;
    assert.equal(done.status, 'completed-with-errors', run.stderr.join('\n'));
    const card = JSON.parse(readFileSync(`${done.runFolder}/run.json`, 'utf8')) as RunCard;
    assert.deepEqual(card.spec.variantIds, ['fp32', 'q4s'], '--variants fp32 plus the endpoint');
    const served = card.variants.find((v) => v.id === 'q4s')!;
    assert.equal(served.executionProvider, 'served');
    assert.deepEqual(served.served, { dialect: 'openai-compatible', hosts: ['127.0.0.1:9'], model: '', baseUrls: 1 });
    assert.equal(served.sizeBytes, 0);
    assert.equal(served.files.length, 1);
    assert.equal(served.files[0]!.path, 'http://127.0.0.1:9/v1');
    assert.ok(card.methods.some((m) => m.startsWith('Served variants, measured over HTTP: q4s (model unknown, openai-compatible server, host 127.0.0.1:9).') && m.includes("A served model's weights cannot be verified")), card.methods.join('\n'));
    const report = JSON.parse(readFileSync(done.reportPath!, 'utf8')) as RunReport;
    const failure = report.failures.find((f) => f.unit === 'lockstep:q4s');
    assert.ok(failure, JSON.stringify(report.failures));
    assert.match(failure.error, /could not be discovered: http:\/\/127\.0\.0\.1:9\/v1: connect ECONNREFUSED/);
    assert.ok(report.variants.find((v) => v.id === 'fp32')?.perplexity, 'the baseline was measured');
  });
});

test('resume identity of a served variant: what discovery learned stands for its weights, and a change is named as the endpoint serving another model', () => {
  const spec = { name: 'q4s', baseUrls: ['http://127.0.0.1:1/v1', 'http://127.0.0.1:2/v1'] };
  const before = hashModelFiles(TINY_LLAMA, [servedVariant(spec)]).variants.q4s!;
  assert.deepEqual(before.map((f) => [f.path, f.bytes]), [['http://127.0.0.1:1/v1', 0], ['http://127.0.0.1:2/v1', 0]]);
  assert.equal(before[0]!.sha256, before[1]!.sha256);
  assert.match(before[0]!.sha256, /^[0-9a-f]{64}$/);
  const keyed = servedVariant({ ...spec, apiKeyEnv: 'OTHER_KEY' });
  assert.deepEqual(hashModelFiles(TINY_LLAMA, [keyed]).variants.q4s, before, 'which key variable is used changes no number');
  const basic = servedVariant({ name: 'q4s', baseUrls: ['http://user:hunter2@127.0.0.1:1/v1'] });
  assert.equal(hashModelFiles(TINY_LLAMA, [basic]).variants.q4s![0]!.path, 'http://127.0.0.1:1/v1', 'Basic-auth credentials never reach run.json');
  const other = servedVariant(spec);
  other.served!.maxModelLength = 256; // the server restarted with another model behind the same id
  const after = hashModelFiles(TINY_LLAMA, [other]).variants.q4s!;
  assert.notEqual(after[0]!.sha256, before[0]!.sha256);
  const unit = { kind: 'lockstep' as const, variantId: 'q4s' };
  const recorded = { files: Object.fromEntries(before.map((f) => [f.path, f.sha256])), libraries: {} };
  const current = { files: Object.fromEntries(after.map((f) => [f.path, f.sha256])), libraries: {} };
  const check = checkFinishedUnits([{ type: 'unit-completed', at: '', result: { kind: 'lockstep', variantId: 'q4s' } as never, inputs: recorded }], () => current);
  assert.equal(check.reused.size, 0);
  const causes = staleCauses(check.stale, TINY_LLAMA);
  assert.equal(causes[0]!.cause, `the endpoint http://127.0.0.1:1/v1 serves another model (or reports it differently in /v1/models) since the run started (${before[0]!.sha256.slice(0, 8)}… → ${after[0]!.sha256.slice(0, 8)}…)`);
  assert.deepEqual(causes[0]!.units, [unitKeyString(unit)]);
});

test('resuming a run with a served variant warns that its weights cannot be verified', { timeout: 120_000 }, async () => {
  await withTempDir('ql-served-resume-', async (out) => {
    const request = testRequest(TINY_LLAMA, { variants: ['fp32'], endpoints: [{ name: 'q4s', baseUrls: ['http://127.0.0.1:9/v1'] }] });
    const model = await discoverForRun(request, { env: {}, discoverEndpoint: refused });
    const first = await runWorker(request, out, { model });
    assert.equal(first.outcome.done?.status, 'completed-with-errors');
    const resumed = await runWorker(request, out, { model, resume: true });
    const created = resumed.messages.find((m) => m.type === 'run-created');
    assert.ok(created?.type === 'run-created' && created.resumed && created.runFolder === first.outcome.done!.runFolder, 'the same run folder, resumed');
    assert.deepEqual(created.skippedUnits, ['perplexity:fp32']);
    const warnings = resumed.messages.flatMap((m) => (m.type === 'warning' ? [m.message] : []));
    assert.ok(warnings.includes("Resuming with served variants (q4s at 127.0.0.1:9): a served model's weights cannot be verified; their finished units are reused when the endpoint reports the same model as before (base URLs, served model id and what /v1/models says)."), warnings.join('\n'));
  });
});
