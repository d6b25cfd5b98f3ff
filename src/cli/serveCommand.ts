import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startServe } from '../serve/startServe';
import { parseCommandLine, UsageError } from './usage';

/**
 * `quantlens serve <model-folder> --variant ID`: an OpenAI-compatible server (vLLM's dialect) over
 * one ONNX variant, on loopback unless --host says otherwise. Prints the base URL (…/v1) on stdout
 * once it listens, so a script can read it; runs until SIGINT/SIGTERM.
 */
export async function runServe(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('serve', () =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        variant: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'max-logprobs': { type: 'string' },
        'served-model-name': { type: 'string' },
        threads: { type: 'string' },
      },
    }),
  );
  if (positionals.length !== 1) throw new UsageError('serve takes one model folder', 'serve');
  if (!values.variant) throw new UsageError('serve needs --variant ID (quantlens discover <folder> lists them)', 'serve');
  const handle = await startServe({
    modelFolder: resolve(positionals[0]!),
    variantId: values.variant,
    ...(values.host !== undefined ? { host: values.host } : {}),
    port: integerOption('--port', values.port, 0, 0, 65535),
    maxLogprobs: integerOption('--max-logprobs', values['max-logprobs'], -1, -1, Number.MAX_SAFE_INTEGER),
    threads: integerOption('--threads', values.threads, 0, 0, 4096),
    ...(values['served-model-name'] !== undefined ? { servedModelName: values['served-model-name'] } : {}),
  });
  process.stdout.write(`${handle.baseUrl}\n`);
  console.error(`quantlens serve: ${values.variant} of ${resolve(positionals[0]!)} at ${handle.baseUrl} (Ctrl-C stops it)`);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void handle.close().then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

function integerOption(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max} (got "${value}")`, 'serve');
  return n;
}
