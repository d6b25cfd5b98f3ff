/**
 * ggml tensor types and llama.cpp file types this writer produces, with their block geometry
 * (ggml/include/ggml.h `enum ggml_type`, ggml-common.h block structs, llama.h `enum llama_ftype`).
 */
export const GGML_TYPE = { F32: 0, F16: 1, Q4_0: 2, Q5_0: 6, Q8_0: 8, Q4_K: 12, Q6_K: 14 } as const;
export type GgmlTypeName = keyof typeof GGML_TYPE;

/** Elements per block and bytes per block (sizeof(block_*)). */
export const BLOCK: Record<GgmlTypeName, { elements: number; bytes: number }> = {
  F32: { elements: 1, bytes: 4 },
  F16: { elements: 1, bytes: 2 },
  Q4_0: { elements: 32, bytes: 2 + 16 },
  Q5_0: { elements: 32, bytes: 2 + 4 + 16 },
  Q8_0: { elements: 32, bytes: 2 + 32 },
  Q4_K: { elements: 256, bytes: 2 + 2 + 12 + 128 },
  Q6_K: { elements: 256, bytes: 128 + 64 + 16 + 2 },
};

/** `general.file_type` values (LLAMA_FTYPE_*) for the files this writer makes. */
export const LLAMA_FTYPE = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 7, Q4_K: 15, Q6_K: 18 } as const;

/** Bytes of one row of `rowLength` elements. */
export function rowBytes(type: GgmlTypeName, rowLength: number): number {
  const { elements, bytes } = BLOCK[type];
  if (rowLength % elements) throw new Error(`a ${type} row must be a multiple of ${elements} elements, not ${rowLength}`);
  return (rowLength / elements) * bytes;
}
