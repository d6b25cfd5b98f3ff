import { join, resolve } from 'node:path';

/** Where `npm test`'s pretest step writes the fixture models (node dist/make-fixtures.js). */
export const FIXTURE_ROOT = resolve('fixtures/models');
export const TINY_LLAMA = join(FIXTURE_ROOT, 'quantlens-tiny-llama');
export const TINY_GQA = join(FIXTURE_ROOT, 'quantlens-tiny-gqa');
export const FIXTURE_MODELS = [TINY_LLAMA, TINY_GQA];
