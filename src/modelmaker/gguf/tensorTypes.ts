import { BLOCK, GgmlTypeName } from './ggmlTypes';
import { FloatTensor } from './llamaTensors';
import { encodeF16, encodeF32, quantizeQ4_0, quantizeQ5_0, quantizeQ8_0 } from './quantBasic';
import { quantizeQ4_K, quantizeQ6_K } from './quantK';

type FileType = 'F32' | 'F16' | 'Q8_0' | 'Q4_0' | 'Q4_K' | 'Q6_K';

/**
 * Which ggml type one tensor gets in a file of `fileType`, following llama-quantize's
 * llama_tensor_get_type for the cases these models meet:
 * - norms (1-D) stay F32 in every file type;
 * - the output matrix gets Q6_K in the 4- and 6-bit file types (Q8_0 and F16 keep their own type);
 * - Q4_K (llama.cpp's Q4_K_M) gives attn_v and ffn_down Q6_K in the layers use_more_bits picks;
 * - a matrix whose row (ne[0]) is not a whole number of blocks falls back as llama.cpp does for
 *   K-quants: Q4_K → Q5_0, Q6_K → Q8_0 (the fixture models' rows, 64…192, are all shorter than 256).
 */
export function tensorTypeFor(fileType: FileType, tensor: FloatTensor, layers: number): GgmlTypeName {
  if (tensor.kind === 'norm' || fileType === 'F32') return 'F32';
  let wanted: GgmlTypeName = fileType;
  if (tensor.name === 'output.weight' && (fileType === 'Q4_0' || fileType === 'Q4_K' || fileType === 'Q6_K')) wanted = 'Q6_K';
  const layer = /^blk\.(\d+)\.(attn_v|ffn_down)\.weight$/.exec(tensor.name);
  if (fileType === 'Q4_K' && layer && useMoreBits(Number(layer[1]), layers)) wanted = 'Q6_K';
  const rowLength = tensor.dims[0]!;
  if (rowLength % BLOCK[wanted].elements === 0) return wanted;
  const fallback: Partial<Record<GgmlTypeName, GgmlTypeName>> = { Q4_K: 'Q5_0', Q6_K: 'Q8_0' };
  const chosen = fallback[wanted];
  if (!chosen || rowLength % BLOCK[chosen].elements) throw new Error(`${tensor.name}: rows of ${rowLength} elements cannot be ${wanted}`);
  return chosen;
}

/** llama.cpp's use_more_bits(i_layer, n_layers): the first and last eighth, and every third between. */
function useMoreBits(layer: number, layers: number): boolean {
  return layer < Math.trunc(layers / 8) || layer >= Math.trunc((7 * layers) / 8) || (layer - Math.trunc(layers / 8)) % 3 === 2;
}

export function encodeTensor(type: GgmlTypeName, values: Float32Array): Uint8Array {
  switch (type) {
    case 'F32': return encodeF32(values);
    case 'F16': return encodeF16(values);
    case 'Q8_0': return quantizeQ8_0(values);
    case 'Q4_0': return quantizeQ4_0(values);
    case 'Q5_0': return quantizeQ5_0(values);
    case 'Q4_K': return quantizeQ4_K(values);
    case 'Q6_K': return quantizeQ6_K(values);
  }
}
