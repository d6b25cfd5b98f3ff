// Temporary model folders laid out as transformers.js expects, for the discovery tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';

/** A fresh temporary folder, removed when the test ends. */
export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'quantlens-discovery-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const TINY_CONFIG = {
  model_type: 'llama',
  vocab_size: 100,
  hidden_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
};

export interface FolderSpec {
  /** config.json: an object is written as JSON, a string as is, null leaves the file out. */
  config?: object | string | null;
  /** Whether to write tokenizer.json (default true). */
  tokenizer?: boolean;
  /** Files by path relative to the folder, e.g. 'onnx/model.onnx'. */
  files?: Record<string, Uint8Array | string>;
}

export function writeModelFolder(folder: string, spec: FolderSpec = {}): string {
  mkdirSync(folder, { recursive: true });
  const config = spec.config === undefined ? TINY_CONFIG : spec.config;
  if (config !== null) {
    writeFileSync(join(folder, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  }
  if (spec.tokenizer ?? true) writeFileSync(join(folder, 'tokenizer.json'), '{"model": {"type": "BPE"}}');
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
  return folder;
}
