/**
 * What the run card says of a GGUF variant run by llama.cpp through node-llama-cpp (issue 15):
 * which binary loaded, how much of the model is on the GPU, and the settings the numbers were
 * computed with. Filled in when the variant loads (the binary is only known then), the way an ONNX
 * unit records the execution provider it actually got.
 */
export interface LlamaCppVariantCard {
  /** node-llama-cpp's version (the package that chose and loaded the binary). */
  nodeLlamaCpp: string;
  /** The GPU backend asked for ('auto', 'cuda', 'vulkan', 'metal', or false for the CPU), from --provider. */
  requestedGpu: string | false;
  /** The backend of the binary that loaded (node-llama-cpp `llama.gpu`): false is the CPU build. */
  gpu: string | false;
  /** `llama.buildType`: 'prebuilt' (an @node-llama-cpp/* package) or 'localBuild' (compiled on this machine). */
  buildType: string;
  /** The prebuilt package the binary came from (e.g. "@node-llama-cpp/linux-x64"); null for a local build. */
  prebuiltPackage: string | null;
  /** The llama.cpp release node-llama-cpp was built against. */
  llamaCppRelease: string;
  /** Why the requested GPU backend did not load and what loaded instead; absent when it loaded as asked. */
  fallback?: string;
  /** Layers offloaded to the GPU (0 on the CPU build) out of the model's block count + 1 (the output layer). */
  gpuLayers: number;
  totalLayers: number | null;
  /** llama.cpp threads (the run's intra-op threads) and the context's batch size (tokens per decode call). */
  threads: number;
  batchSize: number;
  /** Largest context the variant's sequences ran in. */
  contextSize: number;
  /** K and V cache element type: F32 (llama.cpp defaults to F16, whose rounding alone shifts logits by ~1e-3). */
  kvCacheType: string;
  /** llama.cpp's flash attention: off (on the CPU it computes in f16, ~1e-3 off the f32 logits). */
  flashAttention: boolean;
  /** Whether the GGUF's own tokenizer gave the baseline tokenizer's ids on the run's texts; the first mismatch when not. */
  tokenizer: { agrees: true; texts: number; tokens: number } | { agrees: false; mismatch: string };
}
