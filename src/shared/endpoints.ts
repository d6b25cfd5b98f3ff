/**
 * A variant served behind an OpenAI-compatible endpoint (vLLM, SGLang, TGI, llama.cpp server,
 * `quantlens serve`): what the user names (CLI `--endpoint`, the `quantlens.endpoints` setting) and
 * what discovery found out about it. Pure data: the host, the worker, the CLI and the report carry it.
 * API keys never appear here: only the name of the environment variable that holds one.
 */

/** What the user asked for. */
export interface EndpointSpec {
  /** Variant id in the report; absent: the served model id (from `/v1/models`). */
  name?: string;
  /** Base URLs ending in `/v1`; several are replicas of one variant that share the load. */
  baseUrls: string[];
  /** The served model id to use when the server lists several (`--endpoint-model`). */
  model?: string;
  /** Name of the environment variable that holds the API key (sent as `Authorization: Bearer`). */
  apiKeyEnv?: string;
}

/** Which server answers, as far as QuantLens can tell (from `/v1/models`' `owned_by`, `/version`, headers). */
export type ServerDialect = 'vllm' | 'sglang' | 'tgi' | 'llama.cpp' | 'ollama' | 'quantlens' | 'openai-compatible';

/** What discovery learned about one endpoint variant; goes on ModelVariant.served and the run card. */
export interface ServedVariantInfo {
  baseUrls: string[];
  /** The served model id requests name. */
  model: string;
  dialect: ServerDialect;
  /** Host:port of each base URL, for the run card and panel (no credentials, no path). */
  hosts: string[];
  /** Context length the server reports (vLLM `max_model_len`), when it does. */
  maxModelLength?: number;
  apiKeyEnv?: string;
}
