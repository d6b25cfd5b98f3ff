import { InputError } from '../shared/errors';
import type { ModelVariant, VariantDtype } from '../shared/modelTypes';
import { modelFolderOfVariantFile } from './variantNaming';

/** The most faithful variant present is the one the others are measured against. */
const BASELINE_PREFERENCE: readonly VariantDtype[] = ['fp32', 'fp16', 'bf16'];

/**
 * The variant to compare the others with: the one named by `overrideId`, else the first readable
 * fp32, fp16 or bf16 variant; undefined when there is none.
 * @throws InputError when `overrideId` names no variant, or one that cannot be read.
 */
export function chooseBaseline(variants: readonly ModelVariant[], overrideId?: string): ModelVariant | undefined {
  if (overrideId !== undefined) return requireVariant(variants, overrideId);
  for (const dtype of BASELINE_PREFERENCE) {
    const variant = variants.find((candidate) => candidate.dtype === dtype && !candidate.error);
    if (variant) return variant;
  }
  return undefined;
}

function requireVariant(variants: readonly ModelVariant[], id: string): ModelVariant {
  const variant = variants.find((candidate) => candidate.id === id);
  if (!variant) {
    const folder = variants.length > 0 ? modelFolderOfVariantFile(variants[0].file) : 'the model folder';
    const known = variants.map((candidate) => candidate.id).join(', ') || 'none';
    throw new InputError(
      folder,
      `has no variant "${id}" to use as the baseline (its variants: ${known}).`,
      'Name one of those variants as the baseline.',
    );
  }
  if (variant.error) {
    throw new InputError(
      variant.file,
      `cannot be the baseline: ${variant.error.file} ${variant.error.problem}`,
      variant.error.remedy,
    );
  }
  return variant;
}
