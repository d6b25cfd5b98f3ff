import { isAbsolute, resolve } from 'node:path';

/**
 * The `quantlens.endpoints` setting: served variants (vLLM, SGLang, TGI, llama.cpp server,
 * `quantlens serve`), each compared with the local baseline of one model folder. Resolved like the
 * run settings (`resolveRunSettings`): every problem at once, each naming the setting, the entry and
 * the value, so settings.json can be fixed in one pass. Plain logic (no vscode) so it is tested directly.
 */

export const ENDPOINTS_SETTING = 'quantlens.endpoints';

/** One entry as settings.json holds it; exactly one of baseUrl / baseUrls. */
export interface EndpointSettingEntry {
  name: string;
  baseUrl?: string;
  baseUrls?: string[];
  model?: string;
  apiKeyEnv?: string;
  /** Workspace-relative (or absolute) path of the model folder whose baseline this variant is compared with. */
  modelFolder: string;
}

/** The keys an entry may have; package.json's schema for the setting lists the same (a test checks). */
export const ENDPOINT_ENTRY_KEYS = ['name', 'baseUrl', 'baseUrls', 'model', 'apiKeyEnv', 'modelFolder'] as const;

/** A checked entry: the spec the worker gets (without any key), and where it belongs. */
export interface ConfiguredEndpoint {
  /** Position in the setting, for messages. */
  index: number;
  name: string;
  baseUrls: string[];
  model?: string;
  /** The user's own environment variable (passed through as is); absent: SecretStorage may hold a key. */
  apiKeyEnv?: string;
  /** As written in the setting. */
  modelFolder: string;
}

export type EndpointsResolution = { ok: true; endpoints: ConfiguredEndpoint[] } | { ok: false; endpoints: ConfiguredEndpoint[]; problems: string[] };

/** A variant id: it names the variant in the report, the tree and the secret's key. */
export const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Every entry checked; the good ones are returned even when others are bad (the Models view shows
 * them), but a run refuses to start while any problem stands, as it does for any bad `quantlens.*` setting.
 */
export function resolveEndpointSettings(raw: unknown): EndpointsResolution {
  if (raw === undefined || raw === null) return { ok: true, endpoints: [] };
  if (!Array.isArray(raw)) return { ok: false, endpoints: [], problems: [`${ENDPOINTS_SETTING} must be a list of endpoints, each { "name", "baseUrl", "modelFolder" }`] };
  const problems: string[] = [];
  const endpoints: ConfiguredEndpoint[] = [];
  const seen = new Map<string, number>();
  raw.forEach((entry: unknown, index) => {
    const where = entryLabel(index, entry);
    const before = problems.length;
    const complain = (problem: string): void => void problems.push(`${where}: ${problem}`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return complain('must be an object { "name", "baseUrl", "modelFolder" }');
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!(ENDPOINT_ENTRY_KEYS as readonly string[]).includes(key)) complain(`unknown key "${key}" (expected ${ENDPOINT_ENTRY_KEYS.join(', ')})`);

    const name = typeof e.name === 'string' ? e.name.trim() : undefined;
    if (!name) complain('needs a "name" (the variant id in the report, e.g. "q4-vllm")');
    else if (!ENDPOINT_NAME.test(name)) complain(`name "${name}" may hold only letters, digits, ".", "_" and "-" (at most 64, starting with a letter or digit)`);

    let baseUrls: string[] = [];
    if (e.baseUrl !== undefined && e.baseUrls !== undefined) complain('give "baseUrl" or "baseUrls" (replicas), not both');
    else if (e.baseUrl === undefined && e.baseUrls === undefined) complain('needs a "baseUrl", e.g. "http://127.0.0.1:8000/v1"');
    else {
      const given = e.baseUrls !== undefined ? e.baseUrls : [e.baseUrl];
      if (!Array.isArray(given) || given.length === 0) complain('"baseUrls" must be a non-empty list of URLs');
      else {
        for (const url of given) {
          const checked = checkBaseUrl(url);
          if (typeof checked === 'string') baseUrls.push(checked);
          else complain(checked.problem);
        }
        const dupes = baseUrls.filter((u, i) => baseUrls.indexOf(u) !== i);
        if (dupes.length) complain(`"baseUrls" lists ${dupes[0]} twice`);
        baseUrls = [...new Set(baseUrls)];
      }
    }

    if (e.model !== undefined && (typeof e.model !== 'string' || !e.model.trim())) complain('"model" must be the served model id (a non-empty string), or left out to use the only one the server lists');
    if (e.apiKeyEnv !== undefined && (typeof e.apiKeyEnv !== 'string' || !ENV_NAME.test(e.apiKeyEnv))) {
      complain(`"apiKeyEnv" ${JSON.stringify(e.apiKeyEnv)} must be the name of an environment variable (letters, digits, "_"); the key itself belongs in SecretStorage (QuantLens: Add Endpoint), never in settings`);
    }
    const modelFolder = typeof e.modelFolder === 'string' ? e.modelFolder.trim() : '';
    if (!modelFolder) complain('needs a "modelFolder": the workspace-relative model folder whose baseline it is compared with');

    if (name && modelFolder) {
      const key = `${normalizeFolder(modelFolder)}\n${name}`;
      if (seen.has(key)) complain(`name "${name}" is already used by ${ENDPOINTS_SETTING}[${seen.get(key)}] for the same model folder`);
      else seen.set(key, index);
    }
    if (problems.length > before) return;
    endpoints.push({
      index,
      name: name!,
      baseUrls,
      ...(typeof e.model === 'string' ? { model: e.model.trim() } : {}),
      ...(typeof e.apiKeyEnv === 'string' ? { apiKeyEnv: e.apiKeyEnv } : {}),
      modelFolder,
    });
  });
  return problems.length ? { ok: false, endpoints, problems } : { ok: true, endpoints };
}

/** A base URL as the endpoint client wants it (http(s), ending in /v1, no trailing slash), or why not. */
export function checkBaseUrl(value: unknown): string | { problem: string } {
  if (typeof value !== 'string' || !value.trim()) return { problem: 'a base URL must be a string such as "http://127.0.0.1:8000/v1"' };
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { problem: `"${value}" is not a URL; write it as http://HOST:PORT/v1` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: `"${value}" must start with http:// or https://` };
  // A key in the URL would be written wherever the URL is (settings, run card, logs).
  if (url.username || url.password) return { problem: `"${redactUserInfo(url)}" carries credentials; remove them and store the API key with QuantLens: Add Endpoint (SecretStorage) or name its environment variable in "apiKeyEnv"` };
  if (url.search || url.hash) return { problem: `"${value}" must not have a query or fragment` };
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/v1')) return { problem: `"${value}" must end with /v1 (the OpenAI-compatible API root), e.g. ${url.origin}${path}/v1` };
  return `${url.origin}${path}`;
}

/** host:port of a base URL (URL.host: the port left out where it is the scheme's default, as the run card's `served.hosts` has it); no path, no credentials. */
export function hostOf(baseUrl: string): string {
  return new URL(baseUrl).host;
}

/**
 * Whether an entry belongs to the model folder at `modelPath`: its modelFolder, resolved against
 * each workspace root (or taken as is when absolute), is that folder.
 */
export function belongsTo(endpoint: Pick<ConfiguredEndpoint, 'modelFolder'>, modelPath: string, workspaceRoots: readonly string[]): boolean {
  const target = normalizeFolder(modelPath);
  if (isAbsolute(endpoint.modelFolder)) return normalizeFolder(endpoint.modelFolder) === target;
  return workspaceRoots.some((root) => normalizeFolder(resolve(root, endpoint.modelFolder)) === target);
}

/** The entries of one model folder; an entry whose name is a local variant's id is a problem (one id, one variant). */
export function endpointsOfModel(all: readonly ConfiguredEndpoint[], model: { path: string; variants: ReadonlyArray<{ id: string }> }, workspaceRoots: readonly string[]): { endpoints: ConfiguredEndpoint[]; problems: string[] } {
  const endpoints: ConfiguredEndpoint[] = [];
  const problems: string[] = [];
  for (const e of all.filter((x) => belongsTo(x, model.path, workspaceRoots))) {
    if (model.variants.some((v) => v.id === e.name)) problems.push(`${entryLabel(e.index, e)}: name "${e.name}" is also a variant of ${model.path}; give the endpoint another name`);
    else endpoints.push(e);
  }
  return { endpoints, problems };
}

/** Entries whose model folder is none of the discovered ones: said once in the output, since no tree node can show them. */
export function orphanEndpoints(all: readonly ConfiguredEndpoint[], modelPaths: readonly string[], workspaceRoots: readonly string[]): ConfiguredEndpoint[] {
  return all.filter((e) => !modelPaths.some((p) => belongsTo(e, p, workspaceRoots)));
}

export function entryLabel(index: number, entry: unknown): string {
  const name = typeof entry === 'object' && entry !== null && typeof (entry as { name?: unknown }).name === 'string' ? ` ("${(entry as { name: string }).name}")` : '';
  return `${ENDPOINTS_SETTING}[${index}]${name}`;
}

/** The entry Add Endpoint writes: one base URL, no key, no key variable (a stored key is found by name and hosts). */
export function settingEntry(endpoint: { name: string; baseUrl: string; model?: string; modelFolder: string }): EndpointSettingEntry {
  return { name: endpoint.name, baseUrl: endpoint.baseUrl, ...(endpoint.model ? { model: endpoint.model } : {}), modelFolder: endpoint.modelFolder };
}

function normalizeFolder(path: string): string {
  return resolve(path).replace(/[\\/]+$/, '');
}

function redactUserInfo(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}
