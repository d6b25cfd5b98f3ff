import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isInputError } from '../shared/errors';
import type { InputProblem, ModelConfigSummary } from '../shared/modelTypes';
import { isFileSystemError, problemOf, readErrorAsInputError } from './fileReadErrors';
import { parseJsonOf } from './jsonFile';

/** Keys without which QuantLens cannot size the model's vocabulary, layers or heads. */
const REQUIRED_KEYS = ['model_type', 'vocab_size', 'hidden_size', 'num_hidden_layers', 'num_attention_heads'] as const;
const SIZE_KEYS = ['vocab_size', 'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads'] as const;
/** Sizes a run uses when config.json has them (the run reads them from here, not from config.json again); null is absent. */
const OPTIONAL_SIZE_KEYS = ['head_dim', 'max_position_embeddings'] as const;

const CONFIG_REMEDY = "Fix the JSON syntax there (or copy config.json from the model's source again, or re-export the model).";

export interface ModelConfigReading {
  config: ModelConfigSummary;
  problems: InputProblem[];
}

/** Reads a model folder's config.json; every fault becomes a problem naming the file (and line), never a throw. */
export async function readModelConfig(folder: string): Promise<ModelConfigReading> {
  const file = join(folder, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!isFileSystemError(error)) throw error;
    const problem = error.code === 'ENOENT'
      ? { file, problem: 'is missing.', remedy: "Copy config.json from the model's source; it states the model's type and sizes." }
      : problemOf(readErrorAsInputError(file, error));
    return { config: {}, problems: [problem] };
  }
  let parsed: unknown;
  try {
    parsed = parseJsonOf(file, text, CONFIG_REMEDY);
  } catch (error) {
    if (!isInputError(error)) throw error;
    return { config: {}, problems: [problemOf(error)] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      config: {},
      problems: [{ file, problem: 'is not a JSON object.', remedy: "Replace it with the model's config.json." }],
    };
  }
  return summarise(file, parsed as Record<string, unknown>);
}

function summarise(file: string, raw: Record<string, unknown>): ModelConfigReading {
  const config: ModelConfigSummary = {};
  const unusable: string[] = [];
  if (typeof raw.model_type === 'string' && raw.model_type !== '') config.model_type = raw.model_type;
  else if (raw.model_type !== undefined) unusable.push(`model_type (${JSON.stringify(raw.model_type)}, expected a name)`);
  for (const key of [...SIZE_KEYS, ...OPTIONAL_SIZE_KEYS]) {
    const value = raw[key];
    const absent = value === undefined || (value === null && (OPTIONAL_SIZE_KEYS as readonly string[]).includes(key));
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) config[key] = value;
    else if (!absent) unusable.push(`${key} (${JSON.stringify(value)}, expected a positive integer)`);
  }
  if (typeof raw.tie_word_embeddings === 'boolean') config.tie_word_embeddings = raw.tie_word_embeddings;
  const eos = raw.eos_token_id;
  if (isTokenId(eos) || (Array.isArray(eos) && eos.length > 0 && eos.every(isTokenId))) config.eos_token_id = eos as number | number[];
  else if (eos !== undefined && eos !== null) unusable.push(`eos_token_id (${JSON.stringify(eos)}, expected a token id or a list of them)`);
  if (raw.num_key_value_heads === undefined && config.num_attention_heads !== undefined) {
    config.num_key_value_heads = config.num_attention_heads;
  }
  const problems: InputProblem[] = [];
  const missing = REQUIRED_KEYS.filter((key) => raw[key] === undefined);
  if (missing.length > 0) {
    problems.push({
      file,
      problem: `lacks required keys: ${missing.join(', ')}.`,
      remedy: "Add them from the model's original config.json.",
    });
  }
  if (unusable.length > 0) {
    problems.push({
      file,
      problem: `has unusable values: ${unusable.join('; ')}.`,
      remedy: "Correct them from the model's original config.json.",
    });
  }
  return { config, problems };
}

function isTokenId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
