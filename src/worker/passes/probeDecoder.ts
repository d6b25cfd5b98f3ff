import type { ModelVariant } from '../../shared/modelTypes';
import type { ExecutionProviderChoice } from '../../shared/report/schema';
import { LLAMA_KV_CACHE_TYPE, LlamaCppBackend } from '../backend/llamaCppBackend';
import type { BatchGreedyResult, GreedyOptions } from '../backend/modelBackend';
import { OnnxDecoderBackend } from '../backend/onnxBackend';

/**
 * What the performance probe times: greedy decoding of a batch of equal-length prompts. The
 * in-process ONNX backend decodes a batch natively; a GGUF is one llama.cpp sequence, so it is
 * timed at batch 1 and one request in flight (`limits`), and a cell asking more is refused with
 * that reason instead of being timed as something it is not.
 */
export interface ProbeDecoder {
  readonly executionProvider: string;
  /** Bytes per KV-cache element, for the cache size the run card reports. */
  readonly kvElementBytes: number;
  readonly limits?: { maxBatchSize: number; maxConcurrency: number; why: string };
  generateGreedyBatch(promptRows: ReadonlyArray<readonly number[]>, options: GreedyOptions): Promise<BatchGreedyResult>;
  dispose(): Promise<void>;
}

export interface ProbeDecoderOptions {
  modelFolder: string;
  variant: ModelVariant;
  executionProvider: ExecutionProviderChoice;
  threads: { intraOp: number; interOp: number };
  onFallback: (provider: string, reason: string) => void;
}

/** The variant's decoder by kind, as loadBackend picks a backend (served variants are never probed). */
export async function loadProbeDecoder(options: ProbeDecoderOptions): Promise<ProbeDecoder> {
  if (options.variant.gguf) return llamaProbeDecoder(options);
  return OnnxDecoderBackend.load({ ...options, eosTokenIds: [] });
}

async function llamaProbeDecoder(options: ProbeDecoderOptions): Promise<ProbeDecoder> {
  const backend = await LlamaCppBackend.load({
    variant: options.variant,
    executionProvider: options.executionProvider,
    threads: options.threads.intraOp,
    // The probe feeds token ids cut from the baseline's tokenization; agreement is the fidelity pass's check.
    tokenizer: { encode: () => [], decode: () => '', eosTokenIds: [] },
    agreementTexts: [],
    warn: (message) => options.onFallback(`llama.cpp ${options.executionProvider}`, message),
  });
  return {
    executionProvider: backend.executionProvider,
    kvElementBytes: LLAMA_KV_CACHE_TYPE === 'F32' ? 4 : 2,
    limits: { maxBatchSize: 1, maxConcurrency: 1, why: 'a GGUF variant runs as one llama.cpp sequence' },
    async generateGreedyBatch(promptRows, greedy) {
      if (promptRows.length !== 1) throw new Error(`${options.variant.id}: a GGUF variant is timed one prompt at a time (got a batch of ${promptRows.length})`);
      const { tokens, ...rest } = await backend.generateGreedy(promptRows[0]!, greedy);
      return { rows: [tokens], ...rest };
    },
    dispose: () => backend.dispose(),
  };
}
