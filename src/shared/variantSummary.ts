import type { GgufVariantInfo } from './gguf';
import type { ModelVariant } from './modelTypes';
import { summarizeSignature } from './signatureSummary';

/** One line saying how a variant is quantized: the ONNX graph's signature, or a GGUF header's equivalent. */
export function summarizeVariant(variant: Pick<ModelVariant, 'signature' | 'gguf'>): string {
  return variant.gguf ? summarizeGguf(variant.gguf) : summarizeSignature(variant.signature);
}

/** `GGUF llama Q4_K_M; tensors: Q5_0×12 0.05 MiB, …; 0.17M params; ctx 1024; tokenizer gpt2/gpt-2; 3 parts`. */
export function summarizeGguf(info: GgufVariantInfo): string {
  const parts = [`GGUF ${info.architecture || '?'} ${info.fileType ?? '(no file type)'}`];
  parts.push(`tensors: ${info.tensorTypes.map((t) => `${t.type}×${t.count} ${(t.bytes / 2 ** 20).toFixed(2)} MiB`).join(', ')}`);
  parts.push(`${(info.parameterCount / 1e6).toFixed(2)}M params`);
  if (info.contextLength !== undefined) parts.push(`ctx ${info.contextLength}`);
  if (info.tokenizerModel) parts.push(`tokenizer ${info.tokenizerModel}${info.tokenizerPre ? `/${info.tokenizerPre}` : ''}`);
  if (info.parts.length > 1) parts.push(`${info.parts.length} parts`);
  return parts.join('; ');
}
