import { quantizeBnb4 } from './bnb4';
import { quantizeDynamic } from './dynamicQuantizers';
import { convertGraphToFloat16 } from './float16Graph';
import { GraphParts } from './graphParts';
import { quantizeQ4MatMulNBits } from './quantizers';

/**
 * The further variants real onnx-community / optimum exports ship beside model.onnx, fp16, quantized
 * and q4, by transformers.js file name (dtypes int8, uint8, q4f16, bnb4). Kept out of
 * FIXTURE_VARIANT_FILES: many tests, the demo and the E2E flows count the tiny fixtures' four variants
 * and run each one, so these are made on request (see makeRealExportVariants) for realistic fixtures.
 */
export const REAL_EXPORT_VARIANT_FILES = ['model_int8.onnx', 'model_uint8.onnx', 'model_q4f16.onnx', 'model_bnb4.onnx'] as const;
export type RealExportVariantFile = (typeof REAL_EXPORT_VARIANT_FILES)[number];

/** Each further variant of an fp32 graph; `fp32` must carry its inputs and outputs (q4f16 retypes them). */
export function makeRealExportVariants(fp32: GraphParts): Record<RealExportVariantFile, GraphParts> {
  return {
    'model_int8.onnx': quantizeDynamic(fp32, 'int8'),
    'model_uint8.onnx': quantizeDynamic(fp32, 'uint8'),
    // As transformers.js makes q4f16: 4-bit MatMulNBits first, then the whole graph to float16.
    'model_q4f16.onnx': convertGraphToFloat16(quantizeQ4MatMulNBits(fp32)),
    'model_bnb4.onnx': quantizeBnb4(fp32),
  };
}

/**
 * config.json's `transformers.js_config` for a folder that ships model_q4f16.onnx, as real q4f16
 * exports carry it: its KV cache is float16. transformers.js 4.3.1 builds the first step's empty cache
 * from the session's input metadata and loads the variant with or without this entry (checked), so
 * it is there for fidelity and for older transformers.js 3 releases, which read it. Only q4f16 is
 * listed: the fixtures' model_fp16.onnx keeps float32 I/O (keep_io_types), unlike an fp16 export
 * whose entry would say float16.
 */
export const Q4F16_TRANSFORMERS_JS_CONFIG = { kv_cache_dtype: { q4f16: 'float16' } } as const;
