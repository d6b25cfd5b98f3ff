import { errorMessage, InputError, isInputError } from '../shared/errors';
import type { EndpointSpec, ServedVariantInfo } from '../shared/endpoints';
import type { ModelFolder, ModelVariant } from '../shared/modelTypes';
import { hostOf } from './endpoint/discover';

/** Reads one endpoint's /v1/models and says what it serves (helper B's `discoverEndpoint`, src/node/endpoint/). */
export type DiscoverEndpoint = (spec: EndpointSpec, env: NodeJS.ProcessEnv) => Promise<ModelVariant>;

/** `host:port` of a base URL, without credentials or path (what the run card and messages show). */
export { hostOf };

/** What a user recognises an endpoint by in a message: its name and URLs. */
export function endpointLabel(spec: EndpointSpec): string {
  return `${spec.name ? `${spec.name}=` : ''}${spec.baseUrls.join(', ')}`;
}

/** A variant id for an endpoint that could not tell us its model: the name, else one made from the host. */
function fallbackId(spec: EndpointSpec): string {
  return spec.name ?? `served-${hostOf(spec.baseUrls[0]!).replace(/[^A-Za-z0-9]+/g, '-')}`;
}

/**
 * The endpoint variant that stands for an endpoint discovery could not reach: it stays in the run
 * and its units fail with the reason (as a broken ONNX file does), so the other variants are not lost.
 */
function unreachableVariant(spec: EndpointSpec, reason: string): ModelVariant {
  const served: ServedVariantInfo = {
    baseUrls: [...spec.baseUrls],
    model: spec.model ?? '',
    dialect: 'openai-compatible',
    hosts: spec.baseUrls.map(hostOf),
    ...(spec.apiKeyEnv ? { apiKeyEnv: spec.apiKeyEnv } : {}),
  };
  return {
    id: fallbackId(spec),
    dtype: 'unknown',
    file: spec.baseUrls[0]!,
    externalDataFiles: [],
    sizeBytes: 0,
    error: {
      file: spec.baseUrls[0]!,
      problem: `(endpoint ${endpointLabel(spec)}) could not be discovered: ${reason}`,
      remedy: 'Start the server (or check the URL, ending in /v1), then run again; the other variants are evaluated meanwhile.',
    },
    served,
  };
}

/**
 * The folder's discovery with every endpoint's variant appended, in the order given. An endpoint
 * whose API key variable is unset or that cannot be reached becomes a variant with `error`; an id
 * that clashes with a local variant or another endpoint is an InputError (the user must name it).
 */
export async function withEndpointVariants(folder: ModelFolder, endpoints: readonly EndpointSpec[], env: NodeJS.ProcessEnv, discover: DiscoverEndpoint): Promise<ModelFolder> {
  if (endpoints.length === 0) return folder;
  const variants = [...folder.variants];
  for (const spec of endpoints) {
    let variant: ModelVariant;
    if (spec.apiKeyEnv && !env[spec.apiKeyEnv]) {
      variant = unreachableVariant(spec, `its API key variable ${spec.apiKeyEnv} is not set in the environment`);
      variant.error!.remedy = `Export ${spec.apiKeyEnv} with the key (or drop --endpoint-key-env), then run again.`;
    } else {
      try {
        variant = await discover(spec, env);
      } catch (error) {
        // A wrong answer (several models and no --endpoint-model, a model that is not served) is the user's to fix now.
        if (isInputError(error)) throw error;
        variant = unreachableVariant(spec, errorMessage(error));
      }
    }
    const clash = variants.find((v) => v.id === variant.id);
    if (clash) {
      const other = clash.served ? `the endpoint ${clash.served.baseUrls.join(', ')}` : `the local variant ${clash.file}`;
      throw new InputError(
        spec.baseUrls[0]!,
        `(endpoint ${endpointLabel(spec)}) would be the variant "${variant.id}", which is already ${other}.`,
        `Name it: --endpoint NAME=${spec.baseUrls[0]} with a NAME no other variant has (e.g. ${variant.id}-served).`,
      );
    }
    variants.push(variant);
  }
  return { ...folder, variants };
}
