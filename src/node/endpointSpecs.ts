import type { EndpointSpec } from '../shared/endpoints';

/**
 * Turns what the user typed (`--endpoint [name=]URL`, repeatable; `--endpoint-model`,
 * `--endpoint-key-env`, each either one value for every endpoint or `name=value` for one) into
 * EndpointSpecs. Node only for URL parsing, so the CLI and the extension host check the same way and say the same
 * sentence. Every problem throws an EndpointSpecError naming the flag and the value.
 */
export class EndpointSpecError extends Error {}

export interface EndpointFlags {
  endpoint?: readonly string[];
  endpointModel?: readonly string[];
  endpointKeyEnv?: readonly string[];
}

/** How the flags are called where the values came from (CLI flags, or the extension's setting keys). */
export interface EndpointFlagNames {
  endpoint: string;
  endpointModel: string;
  endpointKeyEnv: string;
}

export const CLI_ENDPOINT_FLAGS: EndpointFlagNames = { endpoint: '--endpoint', endpointModel: '--endpoint-model', endpointKeyEnv: '--endpoint-key-env' };

/** A variant id a report, a file name and a unit key can carry. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** POSIX environment variable names. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * An http(s) base URL ending in /v1, normalized (no trailing slash). Credentials, a query or a
 * fragment are refused: a key in a URL would reach the run card and the logs.
 */
export function normalizeBaseUrl(text: string, flag: string): string {
  const shown = `${flag} ${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EndpointSpecError(`${shown}: not a URL; give the server's OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EndpointSpecError(`${shown}: the URL must start with http:// or https://, e.g. http://127.0.0.1:8000/v1`);
  if (url.username || url.password) throw new EndpointSpecError(`${flag} ${url.protocol}//…@${url.host}${url.pathname}: credentials in the URL would be written to the run card; put the API key in an environment variable and name it with --endpoint-key-env VAR`);
  if (url.search || url.hash) throw new EndpointSpecError(`${shown}: a base URL has no query or fragment; give it as http://HOST:PORT/v1`);
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/v1')) throw new EndpointSpecError(`${shown}: the base URL must end in /v1 (the OpenAI-compatible API root), e.g. ${url.protocol}//${url.host}${path}/v1`);
  return `${url.protocol}//${url.host}${path}`;
}

/** `name=value` when the part before `=` is one of `names`; else the whole text applies to every endpoint. */
function splitNamed(text: string, names: ReadonlySet<string>): { name?: string; value: string } {
  const at = text.indexOf('=');
  if (at > 0 && names.has(text.slice(0, at))) return { name: text.slice(0, at), value: text.slice(at + 1) };
  return { value: text };
}

/**
 * The endpoints of `flags`, in the order first named. One name given several URLs is one variant
 * with replicas; an unnamed URL is its own variant (named later from /v1/models).
 */
export function parseEndpointFlags(flags: EndpointFlags, names: EndpointFlagNames = CLI_ENDPOINT_FLAGS): EndpointSpec[] {
  const specs: EndpointSpec[] = [];
  const byName = new Map<string, EndpointSpec>();
  const seenUrls = new Map<string, string>();
  for (const raw of flags.endpoint ?? []) {
    const text = raw.trim();
    // `name=` before a URL: the name has no ':' or '/', a URL always has both.
    const at = text.indexOf('=');
    const named = at > 0 && !/[:/]/.test(text.slice(0, at));
    const name = named ? text.slice(0, at) : undefined;
    const urlText = named ? text.slice(at + 1) : text;
    if (named && !NAME.test(name!)) throw new EndpointSpecError(`${names.endpoint} ${raw}: the name "${name}" must be letters, digits, '.', '_' or '-' (it becomes the variant id)`);
    if (!urlText) throw new EndpointSpecError(`${names.endpoint} ${raw}: no URL after the name; give ${names.endpoint} ${name ?? 'NAME'}=http://HOST:PORT/v1`);
    const baseUrl = normalizeBaseUrl(urlText, names.endpoint);
    const earlier = seenUrls.get(baseUrl);
    if (earlier !== undefined) throw new EndpointSpecError(`${names.endpoint} ${raw}: ${baseUrl} is already given${earlier ? ` (for ${earlier})` : ''}; a replica must be another server`);
    seenUrls.set(baseUrl, name ?? '');
    if (name === undefined) {
      specs.push({ baseUrls: [baseUrl] });
      continue;
    }
    const spec = byName.get(name);
    if (spec) spec.baseUrls.push(baseUrl);
    else {
      const created: EndpointSpec = { name, baseUrls: [baseUrl] };
      byName.set(name, created);
      specs.push(created);
    }
  }
  const known = new Set(byName.keys());
  if (specs.length === 0) {
    for (const [flag, values] of [[names.endpointModel, flags.endpointModel], [names.endpointKeyEnv, flags.endpointKeyEnv]] as const) {
      if (values?.length) throw new EndpointSpecError(`${flag} needs an endpoint: give ${names.endpoint} [name=]http://HOST:PORT/v1 too`);
    }
    return specs;
  }
  applyPerEndpoint(specs, byName, known, flags.endpointModel ?? [], names.endpointModel, 'model', (value, shown) => {
    if (!value.trim()) throw new EndpointSpecError(`${shown}: the served model id is empty`);
    return value.trim();
  });
  applyPerEndpoint(specs, byName, known, flags.endpointKeyEnv ?? [], names.endpointKeyEnv, 'apiKeyEnv', (value) => {
    // Never echo the value whole: a user who passes the key itself must not find it in a log.
    if (!ENV_NAME.test(value)) {
      throw new EndpointSpecError(`${names.endpointKeyEnv}: "${value.length > 4 ? `${value.slice(0, 2)}…` : value}" is not an environment variable name; ${names.endpointKeyEnv} names the variable that holds the API key (export QL_KEY=…; ${names.endpointKeyEnv} QL_KEY), never the key itself`);
    }
    return value;
  });
  return specs;
}

/** One value for every endpoint, or `name=value` per named endpoint; each endpoint gets at most one. */
function applyPerEndpoint(
  specs: EndpointSpec[],
  byName: ReadonlyMap<string, EndpointSpec>,
  known: ReadonlySet<string>,
  values: readonly string[],
  flag: string,
  field: 'model' | 'apiKeyEnv',
  check: (value: string, shown: string) => string,
): void {
  for (const raw of values) {
    const { name, value } = splitNamed(raw, known);
    const shown = field === 'apiKeyEnv' ? flag : `${flag} ${raw}`;
    const checked = check(value, shown);
    const targets = name !== undefined ? [byName.get(name)!] : specs;
    for (const spec of targets) {
      if (spec[field] !== undefined) {
        throw new EndpointSpecError(`${shown}: ${spec.name ?? spec.baseUrls[0]} already has ${flag} ${spec[field]}; give one value for every endpoint, or name=value once per endpoint`);
      }
      spec[field] = checked;
    }
  }
}
