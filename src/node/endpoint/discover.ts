import type { EndpointSpec, ServedVariantInfo, ServerDialect } from '../../shared/endpoints';
import type { ModelVariant } from '../../shared/modelTypes';
import { dialectFromOwnedBy, dialectFromServerHeader } from './dialect';
import { EndpointClient } from './httpClient';
import { DEFAULT_POLICY, RequestPolicy } from './requestPolicy';

/**
 * `[name=]URL[,URL…]` as the CLI's `--endpoint` takes it: several URLs are replicas of one variant.
 * Throws with what is wrong and an example when a URL is not http(s) or does not end in /v1.
 */
export function parseEndpointArgument(text: string): EndpointSpec {
  const trimmed = text.trim();
  const eq = trimmed.indexOf('=');
  const hasName = eq >= 0 && !trimmed.slice(0, eq).includes('://');
  const name = hasName ? trimmed.slice(0, eq).trim() : undefined;
  const urls = (hasName ? trimmed.slice(eq + 1) : trimmed).split(',').map((u) => u.trim()).filter(Boolean);
  if (hasName && !name) throw new Error(`--endpoint ${text}: the name before "=" is empty. Write NAME=http://HOST:PORT/v1, or leave out "NAME=".`);
  if (!urls.length) throw new Error(`--endpoint ${text}: no URL. Write [NAME=]http://HOST:PORT/v1.`);
  return { ...(name ? { name } : {}), baseUrls: urls.map((u) => normaliseBaseUrl(u, `--endpoint ${text}`)) };
}

/** `http://host:port/v1` without a trailing slash; throws naming `where` when it is not one. */
export function normaliseBaseUrl(url: string, where: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${where}: "${url}" is not a URL. Write http://HOST:PORT/v1.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${where}: "${url}" must start with http:// or https://.`);
  const path = parsed.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/v1')) throw new Error(`${where}: "${url}" must end in /v1, the base OpenAI-compatible clients use (e.g. http://${parsed.host}/v1).`);
  if (parsed.search || parsed.hash) throw new Error(`${where}: "${url}" must not have a query or fragment.`);
  return `${parsed.protocol}//${parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : ''}${parsed.host}${path}`;
}

/** host:port of a base URL, for the run card (no credentials, no path). */
export function hostOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  // URL.host is hostname:port without credentials (IPv6 stays bracketed).
  return url.host;
}

/** The API key named by the spec, or undefined; a named variable that is unset is an error. */
export function apiKeyFor(spec: { apiKeyEnv?: string }, env: NodeJS.ProcessEnv): string | undefined {
  if (!spec.apiKeyEnv) return undefined;
  const key = env[spec.apiKeyEnv];
  if (!key) throw new Error(`The endpoint's API key variable ${spec.apiKeyEnv} is not set (or empty). Set it in the environment QuantLens runs in, or drop --endpoint-key-env.`);
  return key;
}

export interface DiscoverOptions {
  policy?: RequestPolicy;
}

/**
 * Asks each base URL which models it serves (GET /v1/models) and what server it is, and returns
 * the variant the report will carry. Every replica must serve the chosen model.
 */
export async function discoverEndpoint(spec: EndpointSpec, env: NodeJS.ProcessEnv, options: DiscoverOptions = {}): Promise<ModelVariant> {
  if (!spec.baseUrls.length) throw new Error(`Endpoint ${spec.name ?? ''}: no base URL given.`.replace('  ', ' '));
  const apiKey = apiKeyFor(spec, env);
  const policy = options.policy ?? { ...DEFAULT_POLICY, maxAttempts: 3, timeoutMs: 30_000 };
  const baseUrls = spec.baseUrls.map((u) => normaliseBaseUrl(u, 'endpoint'));
  let model: string | undefined = spec.model;
  let dialect: ServerDialect = 'openai-compatible';
  let maxModelLength: number | undefined;
  for (const [index, baseUrl] of baseUrls.entries()) {
    const client = new EndpointClient({ baseUrl, apiKey, policy });
    const { body, headers } = await client.getJson('/models');
    const models = modelList(body);
    if (!models) throw client.error(`GET /models did not answer an OpenAI model list ({"data": [{"id": …}]}); is this an OpenAI-compatible server's /v1 base URL?`);
    const ids = models.map((m) => m.id);
    if (index === 0) {
      if (model === undefined) {
        if (ids.length !== 1) throw client.error(ids.length ? `serves ${ids.length} models (${ids.join(', ')}); pick one with --endpoint-model ID.` : 'serves no model (GET /models listed none).');
        model = ids[0]!;
      }
    }
    const entry = models.find((m) => m.id === model);
    if (!entry) throw client.error(`does not serve model "${model}" (it serves: ${ids.join(', ') || 'none'}).${index > 0 ? ' Replicas of one variant must serve the same model.' : ' Pick one with --endpoint-model ID.'}`);
    if (index === 0) {
      dialect = dialectFromOwnedBy(entry.owned_by) ?? dialectFromServerHeader(headers.get('server')) ?? (await probeDialect(client));
      const length = entry.max_model_len ?? entry.context_length;
      if (typeof length === 'number' && Number.isFinite(length) && length > 0) maxModelLength = length;
    }
  }
  const served: ServedVariantInfo = {
    baseUrls,
    model: model!,
    dialect,
    hosts: baseUrls.map(hostOf),
    ...(maxModelLength !== undefined ? { maxModelLength } : {}),
    ...(spec.apiKeyEnv ? { apiKeyEnv: spec.apiKeyEnv } : {}),
  };
  return { id: spec.name ?? model!, dtype: 'unknown', file: baseUrls[0]!, externalDataFiles: [], sizeBytes: 0, served };
}

interface ModelEntry {
  id: string;
  owned_by?: unknown;
  max_model_len?: unknown;
  context_length?: unknown;
}

function modelList(body: unknown): ModelEntry[] | undefined {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return undefined;
  if (!data.every((m) => m && typeof m === 'object' && typeof (m as { id?: unknown }).id === 'string')) return undefined;
  return data as ModelEntry[];
}

/**
 * Servers whose `owned_by` says nothing: ask their own info routes, once each, briefly. A route
 * that is missing or fails is simply not that server.
 */
async function probeDialect(client: EndpointClient): Promise<ServerDialect> {
  const probe = async (path: string) => {
    try {
      return (await client.getJson(path, { root: true, maxAttempts: 1, timeoutMs: 5_000 })).body as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const info = await probe('/info');
  if (info && typeof info === 'object' && ('max_top_n_tokens' in info || 'router' in info || 'max_input_tokens' in info)) return 'tgi';
  const props = await probe('/props');
  if (props && typeof props === 'object' && 'default_generation_settings' in props) return 'llama.cpp';
  const ollama = await probe('/api/version');
  if (ollama && typeof ollama === 'object' && typeof ollama.version === 'string') return 'ollama';
  const sglang = await probe('/get_model_info');
  if (sglang && typeof sglang === 'object' && 'model_path' in sglang) return 'sglang';
  return 'openai-compatible';
}
