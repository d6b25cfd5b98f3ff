import type { ModelVariant } from '../../shared/modelTypes';
import type { ExecutionProviderChoice } from '../../shared/report/schema';
import type { ModelBackend, TextTokenizer } from './modelBackend';
import { EndpointBackend } from './endpointBackend';
import { LlamaCppBackend } from './llamaCppBackend';
import { OnnxDecoderBackend } from './onnxBackend';

/** What any backend may need to load, whichever kind the variant is. */
export interface BackendLoadContext {
  modelFolder: string;
  executionProvider: ExecutionProviderChoice;
  threads: { intraOp: number; interOp: number };
  tokenizer: TextTokenizer;
  /** Texts the run feeds the model (corpus, prompts), for a backend with its own tokenizer to check it agrees. */
  agreementTexts: readonly string[];
  /** A run warning about this variant (an execution provider fallback, a tokenizer that disagrees). */
  warn: (message: string) => void;
  /** Where API keys are read from (the variable a served variant names); the worker's own environment. */
  env: NodeJS.ProcessEnv;
  /** config.json's vocab_size: a served variant's row length where the server does not return the whole vocabulary. */
  vocabSize?: number;
}

/**
 * The one place a variant becomes a backend, keyed by its kind: a served variant (`variant.served`)
 * talks to its endpoint over HTTP; a GGUF variant (`variant.gguf`) runs in llama.cpp through
 * node-llama-cpp; everything else is an ONNX file run in-process.
 */
export function loadBackend(variant: ModelVariant, context: BackendLoadContext): Promise<ModelBackend> {
  if (variant.served) return loadServed(variant, context);
  if (variant.gguf) {
    return LlamaCppBackend.load({ variant, executionProvider: context.executionProvider, threads: context.threads.intraOp, tokenizer: context.tokenizer, agreementTexts: context.agreementTexts, warn: context.warn });
  }
  return OnnxDecoderBackend.load({
    modelFolder: context.modelFolder,
    variant,
    executionProvider: context.executionProvider,
    threads: context.threads,
    eosTokenIds: context.tokenizer.eosTokenIds,
    onFallback: (provider, reason) => context.warn(`${variant.id}: execution provider ${provider} unavailable (${reason}); fell back to the next choice`),
  });
}

function loadServed(variant: ModelVariant, context: BackendLoadContext): Promise<ModelBackend> {
  return EndpointBackend.load({
    variant,
    tokenizer: context.tokenizer,
    eosTokenIds: context.tokenizer.eosTokenIds,
    agreementTexts: [...context.agreementTexts],
    warn: context.warn,
    env: context.env,
    ...(context.vocabSize !== undefined ? { vocabSize: context.vocabSize } : {}),
  });
}
