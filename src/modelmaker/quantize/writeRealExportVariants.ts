import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGraphParts, writeVariantModel } from './modelFile';
import { makeRealExportVariants, Q4F16_TRANSFORMERS_JS_CONFIG, REAL_EXPORT_VARIANT_FILES } from './realExportVariants';

/**
 * Adds model_int8, model_uint8, model_q4f16 and model_bnb4 beside a transformers.js model folder's
 * onnx/model.onnx, derived from that fp32 file alone, and records q4f16's float16 KV cache in
 * config.json's `transformers.js_config` so transformers.js feeds it float16 caches. Returns the
 * files written.
 */
export function writeRealExportVariants(modelFolder: string): string[] {
  const baseFile = join(modelFolder, 'onnx', 'model.onnx');
  const baseBytes = readFileSync(baseFile);
  const variants = makeRealExportVariants(readGraphParts(baseBytes, baseFile));
  const written = REAL_EXPORT_VARIANT_FILES.map((file) => {
    const path = join(modelFolder, 'onnx', file);
    writeFileSync(path, writeVariantModel(baseBytes, variants[file]));
    return path;
  });
  const configFile = join(modelFolder, 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  const jsConfig = config['transformers.js_config'] ?? {};
  config['transformers.js_config'] = { ...jsConfig, kv_cache_dtype: { ...jsConfig.kv_cache_dtype, ...Q4F16_TRANSFORMERS_JS_CONFIG.kv_cache_dtype } };
  writeFileSync(configFile, JSON.stringify(config, null, 2) + '\n');
  return written;
}
