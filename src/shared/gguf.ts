/**
 * What discovery learned from a GGUF file's header (issue 15), without reading its tensors. Pure
 * data, so the host, worker, CLI and report can all carry it. A GGUF variant is a ModelVariant with
 * `gguf` set: `file` is its first part, `externalDataFiles` the other parts of a split model, and
 * `sizeBytes` the sum of every part.
 */
export interface GgufVariantInfo {
  /** Every file of the model, first part first (`model-00001-of-00003.gguf`, …); one entry when not split. */
  parts: string[];
  /** `general.architecture` ("llama", "qwen2", …). */
  architecture: string;
  /** `general.file_type` as llama.cpp names it ("Q4_K_M", "Q8_0", "F32"), when the header has it. */
  fileType?: string;
  /** `<arch>.context_length`. */
  contextLength?: number;
  /** `tokenizer.ggml.model` ("llama", "gpt2", …) and `tokenizer.ggml.pre` when present. */
  tokenizerModel?: string;
  tokenizerPre?: string;
  /** Per ggml tensor type ("Q4_K", "F32", …): how many tensors and how many bytes of data. */
  tensorTypes: Array<{ type: string; count: number; bytes: number }>;
  /** Total elements over every tensor (the parameter count as llama.cpp prints it). */
  parameterCount: number;
}
