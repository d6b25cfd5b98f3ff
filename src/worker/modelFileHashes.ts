import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ServedVariantInfo } from '../shared/endpoints';
import type { ModelVariant } from '../shared/modelTypes';
import { canonicalJson } from './specIdentity';
import type { InputFileRef, ModelFileRefs } from '../shared/report/schema';
import { fileRef } from './fileHash';

/** An optional file of the model folder: hashed when it is there, null when it is not. */
function optionalRef(path: string): InputFileRef | null {
  return existsSync(path) && statSync(path).isFile() ? fileRef(path) : null;
}

/**
 * SHA-256 of every model folder file a number can depend on: config, tokenizer files and each
 * variant's weights. A variant discovery found unreadable gets no files: its path may not even be
 * a file (a folder named *.onnx), and its units only fail with the reason.
 */
export function hashModelFiles(folder: string, variants: readonly ModelVariant[]): ModelFileRefs {
  return {
    config: fileRef(join(folder, 'config.json')),
    tokenizer: fileRef(join(folder, 'tokenizer.json')),
    tokenizerConfig: optionalRef(join(folder, 'tokenizer_config.json')),
    chatTemplate: optionalRef(join(folder, 'chat_template.jinja')),
    generationConfig: optionalRef(join(folder, 'generation_config.json')),
    variants: Object.fromEntries(variants.map((v) => [v.id, v.served ? servedRefs(v.served) : v.error ? [] : [v.file, ...v.externalDataFiles].map(fileRef)])),
  };
}

/**
 * A served variant has no files to hash: it stands as one ref per base URL whose sha256 is that of
 * what discovery learned (the URLs, the served model id, the dialect, what /v1/models said such as
 * max_model_len and root), so a resume notices a server that now serves something else. The
 * weights behind it cannot be verified from here; the resume message says so. The API key's
 * variable name is left out: which key is used changes no number.
 */
function servedRefs(served: ServedVariantInfo): InputFileRef[] {
  const sha256 = servedIdentitySha256(served);
  // The endpoint client accepts user:password@ base URLs (Basic auth): the ref, which run.json and
  // events.jsonl carry, names the URL without them.
  return served.baseUrls.map((url) => ({ path: withoutCredentials(url), bytes: 0, sha256 }));
}

/** The hash a served variant's refs carry: also the identity part of its request journal's keys (requestKey.ts). */
export function servedIdentitySha256(served: ServedVariantInfo): string {
  const { apiKeyEnv: _key, hosts: _hosts, ...identity } = served;
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}

/** A URL as the run folder and the logs may show it: no user:password@. */
export function withoutCredentials(url: string): string {
  return url.replace(/^(https?:\/\/)[^@/]*@/, '$1');
}

/** Whether an input ref stands for a served variant (its path is a base URL, not a file). */
export function isServedRef(path: string): boolean {
  return path.startsWith('http://') || path.startsWith('https://');
}
