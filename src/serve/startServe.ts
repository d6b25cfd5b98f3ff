import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { InputError } from '../shared/errors';
import { inspectModelFolder } from '../node/discovery';
import { loadTokenizer } from '../worker/backend/tokenizer';
import { ModelClient } from './modelClient';
import { RequestLog } from './requestLog';
import { handle } from './router';
import { ServeContext, tokenNames } from './serveContext';

export interface ServeOptions {
  modelFolder: string;
  variantId: string;
  /** Default 127.0.0.1: loopback only; another address exposes the model to the network. */
  host?: string;
  /** 0 (the default) takes any free port. */
  port?: number;
  /** vLLM's --max-logprobs: the most logprobs/prompt_logprobs a request may ask; −1 (default) = the whole vocabulary. */
  maxLogprobs?: number;
  /** onnxruntime intra-op threads; 0 or absent = every core. */
  threads?: number;
  /** The id /v1/models lists and requests name (default `<model folder name>-<variant>`). */
  servedModelName?: string;
}

export interface ServeHandle {
  /** http://HOST:PORT/v1 */
  baseUrl: string;
  close(): Promise<void>;
}

/** Used when config.json states no max_position_embeddings. */
const DEFAULT_MAX_MODEL_LEN = 2048;

/**
 * Starts an OpenAI-compatible server (vLLM's dialect) over one ONNX variant of a model folder. The
 * model runs on its own worker thread; this thread only parses, tokenizes and writes.
 * @throws InputError for a folder, variant or option that cannot be served.
 */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const folder = await inspectModelFolder(options.modelFolder);
  const variant = folder.variants.find((v) => v.id === options.variantId);
  if (!variant) throw new InputError(folder.path, `has no variant named ${JSON.stringify(options.variantId)}.`, `Variants here: ${folder.variants.map((v) => v.id).join(', ')} (quantlens discover ${folder.path}).`);
  if (variant.error) throw new InputError(variant.error.file, variant.error.problem, variant.error.remedy, variant.error.line);
  const maxLogprobs = options.maxLogprobs ?? -1;
  if (!Number.isInteger(maxLogprobs) || maxLogprobs < -1) throw new InputError(folder.path, `--max-logprobs must be −1 (the whole vocabulary) or a count ≥ 0 (got ${maxLogprobs}).`, 'Pass --max-logprobs -1 or, like vLLM\'s default, 20.');
  const tokenizer = await loadTokenizer(folder.path, folder.config.eos_token_id);
  const client = await ModelClient.start({
    modelFolder: folder.path,
    variant,
    eosTokenIds: tokenizer.eosTokenIds,
    threads: { intraOp: options.threads ?? 0, interOp: 1 },
  });
  const ctx: ServeContext = {
    modelName: options.servedModelName ?? `${folder.name}-${variant.id}`,
    variantId: variant.id,
    maxModelLen: folder.config.max_position_embeddings ?? DEFAULT_MAX_MODEL_LEN,
    vocabSize: client.vocabSize,
    maxLogprobs,
    tokenizer,
    client,
    log: new RequestLog(),
    created: Math.floor(Date.now() / 1000),
    names: tokenNames(tokenizer),
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handle(ctx, req, res));
  server.on('connection', (socket) => {
    // Every SSE chunk leaves at once: no Nagle delay between a token and the client.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await client.close();
    throw new InputError(`${host}:${options.port ?? 0}`, `quantlens serve could not listen there (${(error as Error).message}).`, 'Choose another --port (0 takes any free one) or --host.');
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    baseUrl: `http://${shownHost}:${port}/v1`,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
        await client.close();
      })()),
  };
}
