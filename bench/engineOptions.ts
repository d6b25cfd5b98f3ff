/**
 * bench:engine's command line: `[model-folder] [--shape LABEL] [--rounds N] [--steps N]
 * [--windows N] [--context N]`. The folder defaults to the tiny fixture (made when missing); the
 * shape label names the model's shape in the output so results of several fixtures (the tiny one, a
 * Qwen2.5-0.5B-shaped one) can sit side by side; --windows caps the fidelity pass for models whose
 * forward takes seconds.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface EngineBenchOptions {
  /** Absolute model folder, or undefined for the tiny fixture. */
  modelFolder: string | undefined;
  shape: string | undefined;
  rounds: number;
  decodeSteps: number;
  /** Fidelity-pass windows at most (the corpus gives ~50 at the defaults). */
  windows: number;
  contextLength: number;
}

const USAGE = 'usage: node dist/bench/engine.js [model-folder] [--shape LABEL] [--rounds N] [--steps N] [--windows N] [--context N]';

export function parseEngineBenchArgs(argv: readonly string[]): EngineBenchOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new Error(`one model folder at most (got ${positionals.join(', ')})\n${USAGE}`);
  const folder = positionals[0] === undefined ? undefined : resolve(positionals[0]);
  if (folder && !existsSync(folder)) throw new Error(`${folder}: no such model folder. Give a folder with onnx/model*.onnx and tokenizer.json, or none for the tiny fixture.\n${USAGE}`);
  if (folder && !existsSync(join(folder, 'onnx'))) throw new Error(`${folder}: no onnx/ folder in it. Give a model folder with onnx/model*.onnx (a baseline and a q4 or other variant).\n${USAGE}`);
  return {
    modelFolder: folder,
    shape: values.shape,
    rounds: positiveInteger('--rounds', values.rounds, 7),
    decodeSteps: positiveInteger('--steps', values.steps, 200, 2),
    windows: positiveInteger('--windows', values.windows, Number.MAX_SAFE_INTEGER),
    contextLength: positiveInteger('--context', values.context, 256),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { shape: { type: 'string' }, rounds: { type: 'string' }, steps: { type: 'string' }, windows: { type: 'string' }, context: { type: 'string' } },
  });
}

function positiveInteger(flag: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} takes a whole number ≥ ${min} (got ${JSON.stringify(value)})\n${USAGE}`);
  return n;
}
