import type { SampleRecord } from '../../src/shared/report/schema';

/** Ten prompts, the baseline and three variants; each output names its variant, so a leak shows. */
export function syntheticSamples(prompts = 10, variants = ['fp32', 'fp16', 'q8', 'q4']): SampleRecord[] {
  return variants.flatMap((variantId) => Array.from({ length: prompts }, (_, i): SampleRecord => ({
    sampleKey: `key${i}`, promptIndex: i, variantId, prompt: `prompt ${i}`, output: `output of ${variantId} for ${i}`,
    tokenIds: [], tokenTexts: [], kld: [], deltaP: [], firstDivergence: null, stoppedBy: 'eos',
  })));
}
