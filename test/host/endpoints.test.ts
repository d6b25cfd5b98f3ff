import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CommandId } from '../../src/host/commandIds';
import { addEndpoint, AddEndpointUi, EndpointSettingStore, ModelChoice, removeEndpoint } from '../../src/host/logic/addEndpoint';
import { generatedKeyEnv, GENERATED_KEY_ENV_PREFIX, secretKeyOf, SecretStore, specsWithKeys, workerEnvFor } from '../../src/host/logic/endpointKeys';
import { belongsTo, checkBaseUrl, ConfiguredEndpoint, ENDPOINT_ENTRY_KEYS, endpointsOfModel, hostOf, orphanEndpoints, resolveEndpointSettings } from '../../src/host/logic/endpointSettings';
import { childrenOf, modelNode } from '../../src/host/logic/modelTree';
import { buildRunRequest, endpointsOfRun } from '../../src/host/logic/runRequest';
import type { RunCard } from '../../src/shared/report/schema';
import { splitPicks, variantPickItems } from '../../src/host/logic/variantPicks';
import { isInputError } from '../../src/shared/errors';
import type { ModelFolder } from '../../src/shared/modelTypes';
import type { StartRunMessage } from '../../src/shared/protocol';
import { WorkerClient } from '../../src/node/workerClient';
import { discoverEndpoint } from '../../src/node/endpoint/discover';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const KEY = 'sk-test-9f8e7d6c5b4a';

class FakeSecrets implements SecretStore {
  readonly map = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.map.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.map.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
}

class FakeSettings implements EndpointSettingStore {
  writes = 0;
  constructor(public workspace: unknown, public user: unknown[] = []) {}
  readWorkspace(): unknown {
    return this.workspace;
  }
  readEffective(): unknown {
    // As VS Code answers: a workspace list replaces the user's (lists are not merged across scopes).
    return this.workspace ?? this.user;
  }
  async writeWorkspace(entries: unknown[]): Promise<void> {
    this.writes++;
    // As VS Code stores it: JSON in settings.json.
    this.workspace = JSON.parse(JSON.stringify(entries));
  }
}

const model: ModelFolder = {
  path: '/w/models/tiny', name: 'tiny', config: {}, baselineId: 'fp32', problems: [],
  variants: [
    { id: 'fp32', dtype: 'fp32', file: '/w/models/tiny/onnx/model.onnx', externalDataFiles: [], sizeBytes: 2048 },
    { id: 'q4', dtype: 'q4', file: '/w/models/tiny/onnx/model_q4.onnx', externalDataFiles: [], sizeBytes: 512 },
  ],
};

const endpoint = (over: Partial<ConfiguredEndpoint> = {}): ConfiguredEndpoint => ({ index: 0, name: 'q4s', baseUrls: ['http://127.0.0.1:8000/v1'], modelFolder: 'models/tiny', ...over });

test('quantlens.endpoints: good entries resolve (baseUrl or replicas, trailing slash dropped, model and apiKeyEnv kept)', () => {
  const resolved = resolveEndpointSettings([
    { name: 'q4s', baseUrl: 'http://127.0.0.1:8000/v1/', modelFolder: 'models/tiny' },
    { name: 'awq.vllm', baseUrls: ['https://gpu-a.example:8443/v1', 'https://gpu-b.example/proxy/v1'], model: 'Qwen/Qwen2.5-0.5B-AWQ', apiKeyEnv: 'VLLM_KEY', modelFolder: '/abs/qwen' },
  ]);
  assert.equal(resolved.ok, true);
  assert.deepEqual(resolved.endpoints, [
    { index: 0, name: 'q4s', baseUrls: ['http://127.0.0.1:8000/v1'], modelFolder: 'models/tiny' },
    { index: 1, name: 'awq.vllm', baseUrls: ['https://gpu-a.example:8443/v1', 'https://gpu-b.example/proxy/v1'], model: 'Qwen/Qwen2.5-0.5B-AWQ', apiKeyEnv: 'VLLM_KEY', modelFolder: '/abs/qwen' },
  ]);
  assert.deepEqual(resolveEndpointSettings(undefined), { ok: true, endpoints: [] });
  assert.deepEqual(resolveEndpointSettings([]), { ok: true, endpoints: [] });
  assert.equal(hostOf('https://gpu-b.example/proxy/v1'), 'gpu-b.example');
  assert.equal(hostOf('https://gpu-b.example:8443/v1'), 'gpu-b.example:8443');
  assert.equal(hostOf('http://127.0.0.1:8000/v1'), '127.0.0.1:8000');
});

test('quantlens.endpoints: every bad entry is named with its index and name and what to do; the good ones are still listed', () => {
  const resolved = resolveEndpointSettings([
    { name: 'ok', baseUrl: 'http://h:1/v1', modelFolder: 'm' },
    'http://h:1/v1',
    { baseUrl: 'http://h:1/v1', modelFolder: 'm' },
    { name: 'has space', baseUrl: 'http://h:1/v1', modelFolder: 'm' },
    { name: 'both', baseUrl: 'http://h:1/v1', baseUrls: ['http://h:2/v1'], modelFolder: 'm' },
    { name: 'ftp', baseUrl: 'ftp://h/v1', modelFolder: 'm' },
    { name: 'creds', baseUrl: 'http://user:hunter2@h:1/v1', modelFolder: 'm' },
    { name: 'nov1', baseUrl: 'http://h:8000', modelFolder: 'm' },
    { name: 'query', baseUrl: 'http://h:1/v1?x=1', modelFolder: 'm' },
    { name: 'key', baseUrl: 'http://h:1/v1', apiKeyEnv: 'sk-abc', modelFolder: 'm' },
    { name: 'nofolder', baseUrl: 'http://h:1/v1' },
    { name: 'typo', baseURL: 'http://h:1/v1', modelFolder: 'm' },
    { name: 'ok', baseUrl: 'http://h:9/v1', modelFolder: 'm' },
    { name: 'empty', baseUrls: [], modelFolder: 'm' },
  ]);
  assert.equal(resolved.ok, false);
  assert.deepEqual(resolved.endpoints.map((e) => e.name), ['ok']);
  const problems = (resolved as { problems: string[] }).problems;
  assert.deepEqual(problems, [
    'quantlens.endpoints[1]: must be an object { "name", "baseUrl", "modelFolder" }',
    'quantlens.endpoints[2]: needs a "name" (the variant id in the report, e.g. "q4-vllm")',
    'quantlens.endpoints[3] ("has space"): name "has space" may hold only letters, digits, ".", "_" and "-" (at most 64, starting with a letter or digit)',
    'quantlens.endpoints[4] ("both"): give "baseUrl" or "baseUrls" (replicas), not both',
    'quantlens.endpoints[5] ("ftp"): "ftp://h/v1" must start with http:// or https://',
    'quantlens.endpoints[6] ("creds"): "http://h:1/v1" carries credentials; remove them and store the API key with QuantLens: Add Endpoint (SecretStorage) or name its environment variable in "apiKeyEnv"',
    'quantlens.endpoints[7] ("nov1"): "http://h:8000" must end with /v1 (the OpenAI-compatible API root), e.g. http://h:8000/v1',
    'quantlens.endpoints[8] ("query"): "http://h:1/v1?x=1" must not have a query or fragment',
    'quantlens.endpoints[9] ("key"): "apiKeyEnv" "sk-abc" must be the name of an environment variable (letters, digits, "_"); the key itself belongs in SecretStorage (QuantLens: Add Endpoint), never in settings',
    'quantlens.endpoints[10] ("nofolder"): needs a "modelFolder": the workspace-relative model folder whose baseline it is compared with',
    'quantlens.endpoints[11] ("typo"): unknown key "baseURL" (expected name, baseUrl, baseUrls, model, apiKeyEnv, modelFolder)',
    'quantlens.endpoints[11] ("typo"): needs a "baseUrl", e.g. "http://127.0.0.1:8000/v1"',
    'quantlens.endpoints[12] ("ok"): name "ok" is already used by quantlens.endpoints[0] for the same model folder',
    'quantlens.endpoints[13] ("empty"): "baseUrls" must be a non-empty list of URLs',
  ]);
  // A password in a URL is never repeated in a message.
  assert.ok(!problems.join('\n').includes('hunter2'));
  assert.deepEqual(resolveEndpointSettings({ name: 'x' }), { ok: false, endpoints: [], problems: ['quantlens.endpoints must be a list of endpoints, each { "name", "baseUrl", "modelFolder" }'] });
  assert.deepEqual(checkBaseUrl('http://[::1]:8000/v1'), 'http://[::1]:8000/v1');
  assert.deepEqual(checkBaseUrl('not a url'), { problem: '"not a url" is not a URL; write it as http://HOST:PORT/v1' });
});

test('an endpoint belongs to the model folder its modelFolder names (workspace-relative or absolute); a name taken by a local variant is refused; orphans are found', () => {
  const roots = ['/w', '/other'];
  assert.ok(belongsTo({ modelFolder: 'models/tiny' }, '/w/models/tiny', roots));
  assert.ok(belongsTo({ modelFolder: 'models/tiny/' }, '/w/models/tiny', roots));
  assert.ok(belongsTo({ modelFolder: '/w/models/tiny' }, '/w/models/tiny', roots));
  assert.ok(!belongsTo({ modelFolder: 'models' }, '/w/models/tiny', roots));
  const all = [endpoint(), endpoint({ index: 1, name: 'q4' }), endpoint({ index: 2, name: 'far', modelFolder: 'nowhere' })];
  const own = endpointsOfModel(all, model, roots);
  assert.deepEqual(own.endpoints.map((e) => e.name), ['q4s']);
  assert.deepEqual(own.problems, ['quantlens.endpoints[1] ("q4"): name "q4" is also a variant of /w/models/tiny; give the endpoint another name']);
  assert.deepEqual(orphanEndpoints(all, [model.path], roots).map((e) => e.name), ['far']);
});

test('package.json: the setting’s schema lists the resolver’s keys, it is restricted in untrusted workspaces, the commands and menu are contributed', () => {
  const setting = manifest.contributes.configuration.properties['quantlens.endpoints'];
  assert.equal(setting.type, 'array');
  assert.deepEqual(setting.default, []);
  assert.deepEqual(Object.keys(setting.items.properties).sort(), [...ENDPOINT_ENTRY_KEYS].sort());
  assert.equal(setting.items.additionalProperties, false);
  assert.match(setting.markdownDescription, /never put a key here/);
  // A workspace the user has not trusted must not point endpoints (and the user's key variables) anywhere.
  assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('quantlens.endpoints'));
  const ids = manifest.contributes.commands.map((c: { command: string }) => c.command);
  assert.ok(ids.includes(CommandId.addEndpoint) && ids.includes(CommandId.removeEndpoint));
  const menu = manifest.contributes.menus['view/item/context'].find((m: { command: string }) => m.command === CommandId.removeEndpoint);
  assert.equal(menu.when, 'view == quantlens.models && viewItem == quantlens.endpoint');
  assert.ok(manifest.contributes.menus['view/title'].some((m: { command: string }) => m.command === CommandId.addEndpoint));
});

/** Answers the prompts in order and records what each validator said. */
function scriptedUi(answers: { url: string; model?: string; name?: string; served?: string; key?: string }, said: Record<string, Array<string | undefined>>): AddEndpointUi {
  return {
    askBaseUrl: async (validate) => {
      said.url = ['ftp://x/v1', 'http://h:8000', answers.url].map(validate);
      return answers.url;
    },
    pickModel: async (models) => models.find((m) => m.name === answers.model),
    askName: async (suggestion, validate) => {
      said.suggestion = [suggestion];
      said.name = ['q4', 'bad name', 'taken', answers.name ?? suggestion].map(validate);
      return answers.name ?? suggestion;
    },
    askServedModel: async () => answers.served ?? '',
    askApiKey: async () => answers.key ?? '',
  };
}

const choices: ModelChoice[] = [
  { path: '/w/models/tiny', name: 'tiny', relativePath: 'models/tiny', variantIds: ['fp32', 'q4'] },
  { path: '/w/models/other', name: 'other', relativePath: 'models/other', variantIds: ['fp32'] },
];

test('Add Endpoint writes one entry to the workspace setting and the key to SecretStorage only; the URL and name are validated', async () => {
  const secrets = new FakeSecrets();
  const kept = { name: 'taken', baseUrl: 'http://h:1/v1', modelFolder: './models/tiny/' };
  const garbage = { note: 'someone else’s half-typed entry, kept as is' };
  const settings = new FakeSettings([kept, garbage]);
  const said: Record<string, Array<string | undefined>> = {};
  const entry = await addEndpoint({ models: choices, settings, secrets, ui: scriptedUi({ url: 'http://127.0.0.1:8000/v1/', model: 'tiny', name: 'q4s', served: 'tiny-q4', key: `  ${KEY}  ` }, said) });

  assert.deepEqual(entry, { name: 'q4s', baseUrl: 'http://127.0.0.1:8000/v1', model: 'tiny-q4', modelFolder: 'models/tiny' });
  assert.deepEqual(settings.workspace, [kept, garbage, entry]);
  assert.equal(settings.writes, 1);
  assert.ok(!JSON.stringify(settings.workspace).includes(KEY), 'the key never reaches settings.json');
  assert.deepEqual([...secrets.map], [[secretKeyOf({ name: 'q4s', baseUrls: ['http://127.0.0.1:8000/v1'] }), KEY]]);
  assert.equal(secretKeyOf({ name: 'q4s', baseUrls: ['http://127.0.0.1:8000/v1'] }), 'quantlens.endpoint.apiKey/q4s/http://127.0.0.1:8000');

  assert.deepEqual(said.url, ['"ftp://x/v1" must start with http:// or https://', '"http://h:8000" must end with /v1 (the OpenAI-compatible API root), e.g. http://h:8000/v1', undefined]);
  assert.deepEqual(said.suggestion, ['tiny-8000']);
  assert.deepEqual(said.name, [
    '"q4" is a local variant of tiny; pick another name.',
    'Letters, digits, ".", "_" and "-" only (at most 64), starting with a letter or digit.',
    'An endpoint named "taken" already exists for tiny; remove it first or pick another name.',
    undefined,
  ]);
  // The written entry resolves cleanly.
  assert.equal(resolveEndpointSettings(settings.workspace).ok, false, 'the garbage entry is the user’s to fix');
  assert.deepEqual(resolveEndpointSettings([entry]).endpoints.map((e) => e.baseUrls), [['http://127.0.0.1:8000/v1']]);
});

test('Add Endpoint without a key leaves no key stored (an old one under that name and host is deleted); dismissing a step writes nothing', async () => {
  const secrets = new FakeSecrets();
  const stale = secretKeyOf({ name: 'other-9000', baseUrls: ['http://h:9000/v1'] });
  secrets.map.set(stale, 'old-key');
  const settings = new FakeSettings(undefined);
  const entry = await addEndpoint({ models: choices, settings, secrets, ui: scriptedUi({ url: 'http://h:9000/v1', model: 'other' }, {}) });
  assert.deepEqual(entry, { name: 'other-9000', baseUrl: 'http://h:9000/v1', modelFolder: 'models/other' });
  assert.deepEqual(settings.workspace, [entry]);
  assert.equal(secrets.map.size, 0);

  const untouched = new FakeSettings([]);
  const dismissed = await addEndpoint({ models: choices, settings: untouched, secrets, ui: { ...scriptedUi({ url: 'http://h:9000/v1', model: 'tiny' }, {}), askApiKey: async () => undefined } });
  assert.equal(dismissed, undefined);
  assert.equal(untouched.writes, 0);
  await assert.rejects(addEndpoint({ models: [], settings: untouched, secrets, ui: scriptedUi({ url: 'http://h/v1' }, {}) }), /No model folder found in this workspace/);
});

test('Remove Endpoint drops the entry and its stored key; an entry from the user settings is left alone, key included', async () => {
  const secrets = new FakeSecrets();
  const e = endpoint();
  secrets.map.set(secretKeyOf(e), KEY);
  const other = { name: 'keep', baseUrl: 'http://h:1/v1', modelFolder: 'models/tiny' };
  const settings = new FakeSettings([{ name: 'q4s', baseUrl: 'http://127.0.0.1:8000/v1', modelFolder: 'models/tiny' }, other]);
  assert.equal(await removeEndpoint(e, settings, secrets), true);
  assert.deepEqual(settings.workspace, [other]);
  assert.equal(secrets.map.size, 0);

  secrets.map.set(secretKeyOf(e), KEY);
  const userOnly = new FakeSettings([other], [{ name: 'q4s', baseUrl: 'http://127.0.0.1:8000/v1', modelFolder: 'models/tiny' }]);
  assert.equal(await removeEndpoint(e, userOnly, secrets), false);
  assert.equal(userOnly.writes, 0);
  assert.equal(secrets.map.size, 1);
});

test('the run request carries the picked endpoints and the name of the key variable, never the key; the worker env maps that name to the key', async () => {
  const secrets = new FakeSecrets();
  const stored = endpoint();
  const own = endpoint({ index: 1, name: 'own-env', apiKeyEnv: 'MY_VLLM_KEY', baseUrls: ['https://gpu:8443/v1', 'https://gpu2:8443/v1'], model: 'm' });
  const open = endpoint({ index: 2, name: 'open', baseUrls: ['http://h:7/v1'] });
  secrets.map.set(secretKeyOf(stored), KEY);
  // A key stored for the user's own-variable endpoint is not used: the setting said where its key is.
  secrets.map.set(secretKeyOf(own), 'unused');

  const specs = await specsWithKeys([stored, own, open], secrets);
  const generated = generatedKeyEnv(stored);
  assert.match(generated, /^QUANTLENS_ENDPOINT_KEY_Q4S_[0-9A-F]{8}$/);
  assert.ok(generated.startsWith(GENERATED_KEY_ENV_PREFIX));
  assert.deepEqual(specs, [
    { name: 'q4s', baseUrls: ['http://127.0.0.1:8000/v1'], apiKeyEnv: generated },
    { name: 'own-env', baseUrls: ['https://gpu:8443/v1', 'https://gpu2:8443/v1'], model: 'm', apiKeyEnv: 'MY_VLLM_KEY' },
    { name: 'open', baseUrls: ['http://h:7/v1'] },
  ]);

  const request = buildRunRequest('/w/models/tiny', 'fp32', { variants: ['q4'], endpoints: ['q4s', 'own-env', 'open'], measure: 'fidelity', corpusFile: '/c.txt', promptsFile: '/p.txt' }, {}, 4, specs);
  assert.deepEqual(request.variants, ['fp32', 'q4'], 'served variants are not folder variants: runSetup would refuse an unknown id');
  assert.deepEqual(request.endpoints, specs);
  assert.ok(!JSON.stringify(request).includes(KEY));
  assert.equal(buildRunRequest('/m', 'fp32', { variants: [], measure: 'fidelity' }, {}, 4).endpoints, undefined, 'no endpoints, no field');

  assert.deepEqual(await workerEnvFor(request.endpoints, secrets), { [generated]: KEY });
  assert.deepEqual(await workerEnvFor(undefined, secrets), {});
  // The same name on another host has another key and variable: a workspace cannot borrow the key typed for a different server.
  const elsewhere = { name: 'q4s', baseUrls: ['http://attacker.example:8000/v1'] };
  assert.notEqual(secretKeyOf(elsewhere), secretKeyOf(stored));
  assert.notEqual(generatedKeyEnv(elsewhere), generated);
  assert.deepEqual(await workerEnvFor([{ ...elsewhere, apiKeyEnv: generated }], secrets), {}, 'a variable that is not this endpoint’s is not filled');

  secrets.map.clear();
  await assert.rejects(workerEnvFor(request.endpoints, secrets), (error: unknown) => {
    assert.ok(isInputError(error));
    assert.match((error as Error).message, /^quantlens\.endpoints: The API key stored for endpoint "q4s" \(http:\/\/127\.0\.0\.1:8000\/v1\) is no longer in VS Code's SecretStorage\. Run "QuantLens: Add Endpoint" again/);
    return true;
  });
});

test('a real forked worker gets the key in its environment and nowhere else (not in the start message)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ql-endpoint-env-'));
  try {
    const script = join(dir, 'worker.cjs');
    // Reports what it was started with: the env variable's value and the start message's text.
    writeFileSync(script, `process.on('message', (m) => { process.send({ type: 'log', level: 'info', message: JSON.stringify({ key: process.env.${generatedKeyEnv(endpoint())} ?? null, start: JSON.stringify(m) }) }, () => process.exit(0)); });\n`);
    const secrets = new FakeSecrets();
    secrets.map.set(secretKeyOf(endpoint()), KEY);
    const endpoints = await specsWithKeys([endpoint()], secrets);
    const start: StartRunMessage = { type: 'start-run', request: buildRunRequest(model.path, 'fp32', { variants: [], endpoints: ['q4s'], measure: 'fidelity', corpusFile: '/c.txt' }, {}, 1, endpoints), model, outputFolder: dir, resume: false };
    const messages: string[] = [];
    const client = new WorkerClient(start, { workerScript: script, execPath: process.execPath, env: await workerEnvFor(start.request.endpoints, secrets), onMessage: (m) => m.type === 'log' && messages.push(m.message) });
    const outcome = await client.outcome;
    assert.equal(outcome.exitCode, 0);
    const seen = JSON.parse(messages[0]!) as { key: string | null; start: string };
    assert.equal(seen.key, KEY);
    assert.ok(!seen.start.includes(KEY));
    assert.ok(seen.start.includes(generatedKeyEnv(endpoint())));
    assert.equal(process.env[generatedKeyEnv(endpoint())], undefined, 'the host’s own environment is untouched');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Models view: served variants sit under their model folder beside the local ones, as "served · host:port · model"', () => {
  const listings = [
    { endpoint: endpoint({ model: 'tiny-q4' }), storedKey: true },
    { endpoint: endpoint({ index: 1, name: 'replicas', baseUrls: ['http://a:8000/v1', 'http://b:8000/v1', 'http://c:8000/v1'], apiKeyEnv: 'VLLM_KEY' }), storedKey: false },
  ];
  const root = modelNode(model, [], false, listings);
  assert.equal(root.description, '2 variants · 2 served');
  const children = childrenOf(root);
  assert.deepEqual(children.map((c) => [c.kind, c.label, c.description, c.contextValue]), [
    ['variant', 'fp32 (baseline)', 'fp32 · 2.0 KiB', 'quantlens.variant'],
    ['variant', 'q4', 'q4 · 512 B', 'quantlens.variant'],
    ['endpoint', 'q4s', 'served · 127.0.0.1:8000 · tiny-q4', 'quantlens.endpoint'],
    ['endpoint', 'replicas', "served · a:8000 +2 replicas · the server's model", 'quantlens.endpoint'],
  ]);
  assert.equal(children[2]!.tooltip, 'Served variant (quantlens.endpoints[0]), compared with fp32\nhttp://127.0.0.1:8000/v1\nmodel: tiny-q4\nAPI key in VS Code SecretStorage');
  assert.match(children[3]!.tooltip, /API key from \$VLLM_KEY$/);
  assert.equal(new Set(children.map((c) => c.id)).size, 4);
  assert.equal(modelNode(model, [], false).description, '2 variants', 'no endpoints: as before');
});

test('Evaluate’s variant pick lists served variants after the local ones, ticked unless unticked last time', () => {
  const endpoints = [endpoint({ model: 'tiny-q4' }), endpoint({ index: 1, name: 'new', baseUrls: ['http://h:9/v1'] })];
  const first = variantPickItems(model, endpoints, undefined);
  assert.deepEqual(first.map((i) => [i.label, i.description, i.picked, i.endpoint ?? false]), [
    ['fp32 (baseline)', 'fp32', true, false],
    ['q4', 'q4', true, false],
    ['q4s', 'served · 127.0.0.1:8000 · tiny-q4', true, true],
    ['new', "served · h:9 · the server's model", true, true],
  ]);
  const picks = splitPicks([first[0]!, first[3]!], first);
  assert.deepEqual(picks, { variants: ['fp32'], endpoints: ['new'], skippedEndpoints: ['q4s'] });
  const again = variantPickItems(model, [...endpoints, endpoint({ index: 2, name: 'newer' })], { ...picks, measure: 'both' });
  assert.deepEqual(again.map((i) => [i.id, i.picked]), [['fp32', true], ['q4', false], ['q4s', false], ['new', true], ['newer', true]]);
});

test('Rerun / Resume: the endpoints come back from the run card’s served variants (their files are the base URLs), the user’s key variable from the matching setting entry', async () => {
  // As helper D's openRun writes a served variant's card (schema 1.2): files one per base URL, served = dialect, hosts, model.
  const card = {
    variants: [
      { id: 'fp32', dtype: 'fp32', files: [{ path: '/w/models/tiny/onnx/model.onnx', bytes: 2048, sha256: 'a' }], sizeBytes: 2048 },
      { id: 'q4s', dtype: 'unknown', files: [{ path: 'http://127.0.0.1:8000/v1', bytes: 0, sha256: 'b' }], sizeBytes: 0, executionProvider: 'served', served: { dialect: 'quantlens', hosts: ['127.0.0.1:8000'], model: 'tiny-q4', baseUrls: 1 } },
      { id: 'own-env', dtype: 'unknown', files: [{ path: 'https://gpu:8443/v1', bytes: 0, sha256: 'c' }, { path: 'https://gpu2:8443/v1', bytes: 0, sha256: 'c' }], sizeBytes: 0, served: { dialect: 'vllm', hosts: ['gpu:8443', 'gpu2:8443'], model: 'm', baseUrls: 2 } },
    ],
  } as unknown as Pick<RunCard, 'variants'>;
  const configured = [endpoint({ index: 4, name: 'own-env', apiKeyEnv: 'MY_VLLM_KEY', baseUrls: ['https://gpu2:8443/v1', 'https://gpu:8443/v1'] }), endpoint({ index: 5, name: 'q4s', apiKeyEnv: 'NOT_THIS_ONE', baseUrls: ['http://elsewhere:8000/v1'] })];
  const served = endpointsOfRun(card, configured);
  assert.deepEqual(served.map((e) => [e.name, e.baseUrls, e.model, e.apiKeyEnv]), [
    ['q4s', ['http://127.0.0.1:8000/v1'], 'tiny-q4', undefined],
    ['own-env', ['https://gpu:8443/v1', 'https://gpu2:8443/v1'], 'm', 'MY_VLLM_KEY'],
  ]);
  const secrets = new FakeSecrets();
  secrets.map.set(secretKeyOf(endpoint()), KEY);
  const specs = await specsWithKeys(served, secrets);
  assert.equal(specs[0]!.apiKeyEnv, generatedKeyEnv(endpoint()), 'the key stored for q4s at 127.0.0.1:8000 is found again');
  assert.deepEqual(await workerEnvFor(specs, secrets), { [generatedKeyEnv(endpoint())]: KEY });
  assert.deepEqual(endpointsOfRun({ variants: card.variants.slice(0, 1) }, configured), []);
});

test('over a real socket: the key stored by Add Endpoint reaches the server as a Bearer token through the variable the request names', async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? 'no auth'}`);
    if (req.headers.authorization !== `Bearer ${KEY}`) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"bad key"}}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'tiny-q4', object: 'model', owned_by: 'vllm', max_model_len: 2048 }] }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const secrets = new FakeSecrets();
    const settings = new FakeSettings(undefined);
    await addEndpoint({ models: choices.slice(0, 1), settings, secrets, ui: scriptedUi({ url: baseUrl, name: 'q4s', key: KEY }, {}) });
    const configured = resolveEndpointSettings(settings.workspace).endpoints;
    const [spec] = await specsWithKeys(configured, secrets);
    const env = await workerEnvFor([spec!], secrets);
    const variant = await discoverEndpoint(spec!, { ...process.env, ...env });
    assert.equal(variant.id, 'q4s');
    assert.deepEqual({ model: variant.served?.model, dialect: variant.served?.dialect, hosts: variant.served?.hosts }, { model: 'tiny-q4', dialect: 'vllm', hosts: [baseUrl.slice('http://'.length, -'/v1'.length)] });
    assert.deepEqual(seen, [`GET /v1/models Bearer ${KEY}`]);
    assert.ok(!JSON.stringify(spec).includes(KEY) && !JSON.stringify(variant).includes(KEY), 'neither the spec nor the discovered variant holds the key');
    // Without the worker's environment the variable is unset and discovery says so, naming it (no request goes out unauthenticated).
    await assert.rejects(discoverEndpoint(spec!, process.env), new RegExp(`API key variable ${spec!.apiKeyEnv} is not set`));
    assert.equal(seen.length, 1);
  } finally {
    server.close();
  }
});
