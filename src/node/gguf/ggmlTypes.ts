/**
 * ggml tensor types by id (ggml.h `enum ggml_type`) with their block geometry (ggml-common.h:
 * elements per block, sizeof(block)), so a tensor's bytes follow from its shape and type without
 * reading it. Ids ggml retired (4, 5, 31–33, 36–38) are absent and read as unknown.
 */
export const GGML_TYPES: Readonly<Record<number, { name: string; blockElements: number; blockBytes: number }>> = {
  0: { name: 'F32', blockElements: 1, blockBytes: 4 },
  1: { name: 'F16', blockElements: 1, blockBytes: 2 },
  2: { name: 'Q4_0', blockElements: 32, blockBytes: 18 },
  3: { name: 'Q4_1', blockElements: 32, blockBytes: 20 },
  6: { name: 'Q5_0', blockElements: 32, blockBytes: 22 },
  7: { name: 'Q5_1', blockElements: 32, blockBytes: 24 },
  8: { name: 'Q8_0', blockElements: 32, blockBytes: 34 },
  9: { name: 'Q8_1', blockElements: 32, blockBytes: 36 },
  10: { name: 'Q2_K', blockElements: 256, blockBytes: 84 },
  11: { name: 'Q3_K', blockElements: 256, blockBytes: 110 },
  12: { name: 'Q4_K', blockElements: 256, blockBytes: 144 },
  13: { name: 'Q5_K', blockElements: 256, blockBytes: 176 },
  14: { name: 'Q6_K', blockElements: 256, blockBytes: 210 },
  15: { name: 'Q8_K', blockElements: 256, blockBytes: 292 },
  16: { name: 'IQ2_XXS', blockElements: 256, blockBytes: 66 },
  17: { name: 'IQ2_XS', blockElements: 256, blockBytes: 74 },
  18: { name: 'IQ3_XXS', blockElements: 256, blockBytes: 98 },
  19: { name: 'IQ1_S', blockElements: 256, blockBytes: 50 },
  20: { name: 'IQ4_NL', blockElements: 32, blockBytes: 18 },
  21: { name: 'IQ3_S', blockElements: 256, blockBytes: 110 },
  22: { name: 'IQ2_S', blockElements: 256, blockBytes: 82 },
  23: { name: 'IQ4_XS', blockElements: 256, blockBytes: 136 },
  24: { name: 'I8', blockElements: 1, blockBytes: 1 },
  25: { name: 'I16', blockElements: 1, blockBytes: 2 },
  26: { name: 'I32', blockElements: 1, blockBytes: 4 },
  27: { name: 'I64', blockElements: 1, blockBytes: 8 },
  28: { name: 'F64', blockElements: 1, blockBytes: 8 },
  29: { name: 'IQ1_M', blockElements: 256, blockBytes: 56 },
  30: { name: 'BF16', blockElements: 1, blockBytes: 2 },
  34: { name: 'TQ1_0', blockElements: 256, blockBytes: 54 },
  35: { name: 'TQ2_0', blockElements: 256, blockBytes: 66 },
  39: { name: 'MXFP4', blockElements: 32, blockBytes: 17 },
};

/**
 * llama.cpp's LLAMA_FTYPE names (`general.file_type`), without the MOSTLY_ prefix, as
 * llama-quantize and model cards write them.
 */
export const LLAMA_FTYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1', 10: 'Q2_K', 11: 'Q3_K_S',
  12: 'Q3_K_M', 13: 'Q3_K_L', 14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S', 17: 'Q5_K_M', 18: 'Q6_K',
  19: 'IQ2_XXS', 20: 'IQ2_XS', 21: 'Q2_K_S', 22: 'IQ3_XS', 23: 'IQ3_XXS', 24: 'IQ1_S', 25: 'IQ4_NL',
  26: 'IQ3_S', 27: 'IQ3_M', 28: 'IQ2_S', 29: 'IQ2_M', 30: 'IQ4_XS', 31: 'IQ1_M', 32: 'BF16',
  36: 'TQ1_0', 37: 'TQ2_0', 38: 'MXFP4_MOE',
};
