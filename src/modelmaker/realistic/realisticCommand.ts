import { resolve } from 'node:path';
import { onnxVariants } from '../quantize/variantRegistry';
import { ExternalDataPolicy, makeRealisticModel } from './makeRealisticModel';
import { realisticShape, reducedShape, REALISTIC_SHAPES } from './realisticShapes';

export const REALISTIC_USAGE = `make-fixtures --realistic <${REALISTIC_SHAPES.map((s) => s.name).join('|')}> --out DIR [--variants fp32,fp16,q8,q4] [--external-data auto|always|never] [--layers N --bpe-vocab N]`;

/**
 * \`make-fixtures --realistic …\`: writes one realistic-shape model folder under --out and prints
 * each variant's time and sizes, and the peak RSS of the run.
 */
export function runRealisticCommand(args: readonly string[]): void {
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i]!;
    const value = args[i + 1];
    if (!['--realistic', '--out', '--variants', '--external-data', '--layers', '--bpe-vocab'].includes(flag) || value === undefined || value.startsWith('--')) {
      throw new Error(`make-fixtures: bad argument "${flag}"${value === undefined ? ' (no value)' : ''}; usage: ${REALISTIC_USAGE}`);
    }
    options.set(flag, value);
  }
  const full = realisticShape(options.get('--realistic')!);
  // --layers / --bpe-vocab: the same conventions at a fraction of the size, for quick checks.
  const layers = positiveInt(options.get('--layers') ?? String(full.layers), '--layers');
  const bpeVocab = positiveInt(options.get('--bpe-vocab') ?? String(full.bpeVocabSize), '--bpe-vocab');
  const shape = layers === full.layers && bpeVocab === full.bpeVocabSize ? full : reducedShape(full, layers, bpeVocab);
  const out = options.get('--out');
  if (!out) throw new Error(`make-fixtures: --out DIR is required with --realistic; usage: ${REALISTIC_USAGE}`);
  const policy = (options.get('--external-data') ?? 'auto') as ExternalDataPolicy;
  if (!['auto', 'always', 'never'].includes(policy)) throw new Error(`make-fixtures: --external-data must be auto, always or never, not "${policy}"`);
  const variants = onnxVariants(options.get('--variants')?.split(',').map((v) => v.trim()).filter(Boolean));

  const started = Date.now();
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const { folder } = makeRealisticModel(shape, resolve(out), variants, policy, (w) => {
    const data = w.externalDataBytes ? ` + ${w.file}_data ${mib(w.externalDataBytes)}` : '';
    console.log(`  ${w.dtype.padEnd(5)} onnx/${w.file} ${mib(w.modelBytes)}${data} (${(w.milliseconds / 1000).toFixed(1)} s)`);
  });
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(`realistic ${shape.name} → ${folder} (${((Date.now() - started) / 1000).toFixed(1)} s, peak RSS ${mib(peakRss)})`);
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`make-fixtures: ${flag} must be a positive integer, not "${value}"`);
  return n;
}
