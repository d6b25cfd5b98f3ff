import { createHash } from 'node:crypto';
import type { EndpointSpec } from '../../shared/endpoints';
import { InputError } from '../../shared/errors';
import { ConfiguredEndpoint, ENDPOINTS_SETTING } from './endpointSettings';

/**
 * API keys of endpoints, kept in VS Code's SecretStorage and handed to the worker only through its
 * environment: the run request names the variable (`apiKeyEnv`), never the key, so the key reaches
 * no setting, request, run card, log or export. Plain logic over a small store interface (vscode's
 * SecretStorage satisfies it), so it is tested with a fake.
 */

/** The part of vscode.SecretStorage used here. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** Prefix of the variables QuantLens generates; a request's apiKeyEnv with it is filled from SecretStorage. */
export const GENERATED_KEY_ENV_PREFIX = 'QUANTLENS_ENDPOINT_KEY_';

/**
 * Where an endpoint's key is stored: by its name and the hosts it goes to. The hosts are part of
 * the key so that a workspace whose settings point an endpoint of the same name elsewhere does not
 * get the key typed for another server (SecretStorage is shared by every workspace).
 */
export function secretKeyOf(endpoint: Pick<EndpointSpec, 'baseUrls'> & { name: string }): string {
  const origins = [...new Set(endpoint.baseUrls.map((u) => new URL(u).origin))].sort();
  return `quantlens.endpoint.apiKey/${endpoint.name}/${origins.join(',')}`;
}

/** The variable the worker reads the stored key from: derived from the secret's key, so Rerun and Resume find it again. */
export function generatedKeyEnv(endpoint: Pick<EndpointSpec, 'baseUrls'> & { name: string }): string {
  const stem = endpoint.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(secretKeyOf(endpoint)).digest('hex').slice(0, 8).toUpperCase();
  return `${GENERATED_KEY_ENV_PREFIX}${stem}_${hash}`;
}

/**
 * The specs a run request carries: the user's own apiKeyEnv as is; otherwise, where SecretStorage
 * holds a key for the endpoint, the generated variable's name. Never the key.
 */
export async function specsWithKeys(endpoints: readonly ConfiguredEndpoint[], secrets: SecretStore): Promise<EndpointSpec[]> {
  const specs: EndpointSpec[] = [];
  for (const e of endpoints) {
    const base: EndpointSpec = { name: e.name, baseUrls: [...e.baseUrls], ...(e.model ? { model: e.model } : {}) };
    if (e.apiKeyEnv) specs.push({ ...base, apiKeyEnv: e.apiKeyEnv });
    else if (await secrets.get(secretKeyOf(e))) specs.push({ ...base, apiKeyEnv: generatedKeyEnv(e) });
    else specs.push(base);
  }
  return specs;
}

/**
 * The environment the worker starts with: each generated variable a request names, set to the
 * stored key. A variable the user named is theirs and comes from the host's own environment.
 * @throws InputError when a stored key is gone (removed since the run was made): the run would fail at its first request.
 */
export async function workerEnvFor(endpoints: readonly EndpointSpec[] | undefined, secrets: SecretStore): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const e of endpoints ?? []) {
    if (!e.apiKeyEnv?.startsWith(GENERATED_KEY_ENV_PREFIX) || !e.name) continue;
    const named = { name: e.name, baseUrls: e.baseUrls };
    if (generatedKeyEnv(named) !== e.apiKeyEnv) continue;
    const key = await secrets.get(secretKeyOf(named));
    if (!key) throw new InputError(ENDPOINTS_SETTING, `The API key stored for endpoint "${e.name}" (${e.baseUrls.join(', ')}) is no longer in VS Code's SecretStorage.`, 'Run "QuantLens: Add Endpoint" again with the same name and URL to store it, or set "apiKeyEnv" in quantlens.endpoints.');
    env[e.apiKeyEnv] = key;
  }
  return env;
}
