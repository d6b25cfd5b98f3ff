import type { QuantSignature } from '../modelTypes';
import type { RunCard } from '../report/schema';
import { summarizeSignature } from '../signatureSummary';
import type { CardDifference } from './types';

/**
 * Fields that identify a run rather than describe how it was measured: they always differ. The
 * methods sentences restate the spec, so their differences show up in the spec already.
 */
const IDENTITY_FIELDS = new Set(['runId', 'createdAt', 'specHash', 'methods']);
/** Readings of the moment, not settings: they differ between any two runs. */
const MOMENTARY_FIELDS = new Set(['environment.loadAverage']);

/**
 * Every leaf of run.json that differs between two runs, walked generically so that fields added to
 * the card later (content hashes of tokenizer files, chat templates) appear without a change here.
 * Arrays of objects are keyed by their `id`, `path` or `name`, so a variant or file added in the
 * middle does not make every later entry "differ".
 */
export function diffRunCards(a: RunCard, b: RunCard): CardDifference[] {
  // File paths are keyed relative to each card's model folder, so two copies of a model compare by file.
  const modelFolders: [string, string] = [a.spec.modelFolder, b.spec.modelFolder];
  const leavesA = flatten(a, '', modelFolders);
  const leavesB = flatten(b, '', modelFolders);
  const paths = [...new Set([...leavesA.keys(), ...leavesB.keys()])];
  return paths
    .filter((p) => !IDENTITY_FIELDS.has(p.split(/[.[]/)[0]!) && !MOMENTARY_FIELDS.has(p.split('[')[0]!) && leavesA.get(p) !== leavesB.get(p))
    .map((path) => ({ group: groupOf(path), path, a: leavesA.get(path) ?? null, b: leavesB.get(path) ?? null }));
}

function flatten(value: unknown, path: string, modelFolders: [string, string], out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    const keys = value.map(keyOf);
    const keyed = keys.every((k) => k !== undefined) && new Set(keys).size === keys.length;
    value.forEach((item, index) => flatten(item, `${path}[${keyed ? relativeTo(keys[index]!, modelFolders) : index}]`, modelFolders, out));
    if (value.length === 0) out.set(path, '[]');
  } else if (path.endsWith('.signature') && value !== null && typeof value === 'object') {
    // A quantization signature follows from the file (whose hash is listed): one readable line, not a leaf per node.
    out.set(path, JSON.stringify(summarizeSignature(value as QuantSignature)));
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    for (const [key, item] of entries) flatten(item, path ? `${path}.${key}` : key, modelFolders, out);
    if (entries.length === 0) out.set(path, '{}');
  } else {
    out.set(path, JSON.stringify(value));
  }
  return out;
}

function keyOf(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const record = item as Record<string, unknown>;
  for (const field of ['id', 'path', 'name']) if (typeof record[field] === 'string') return record[field] as string;
  return undefined;
}

function relativeTo(key: string, modelFolders: [string, string]): string {
  for (const folder of modelFolders) if (key.startsWith(folder + '/')) return key.slice(folder.length + 1);
  return key;
}

function groupOf(path: string): CardDifference['group'] {
  if (/^(variants|spec\.(corpus|prompts|taskFiles|taskDatasets))\b/.test(path) || /sha256$/.test(path)) return 'files';
  if (/^environment\.(node|onnxruntimeNode|transformersJs|quantlens)$/.test(path)) return 'software';
  if (/^executionProviders\b|^spec\.executionProvider$/.test(path)) return 'execution-provider';
  if (/^spec\.threads\b/.test(path)) return 'threads';
  if (/^environment\./.test(path)) return 'machine';
  if (/^spec\./.test(path)) return 'settings';
  return 'other';
}
