import { readFileSync } from 'node:fs';
import { inspectModelFolder } from '../../src/node/discovery';
import { OnnxDecoderBackend } from '../../src/worker/backend/onnxBackend';
import { loadTokenizer } from '../../src/worker/backend/tokenizer';
import type { TextTokenizer } from '../../src/worker/backend/modelBackend';

/** POST a JSON body; the status and the parsed answer (or the raw text when it is not JSON). */
export function post(url: string, body: unknown): Promise<{ status: number; json: any; text: string }> {
  return answerOf(fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }));
}

export function get(url: string): Promise<{ status: number; json: any; text: string }> {
  return answerOf(fetch(url));
}

async function answerOf(response: Promise<Response>): Promise<{ status: number; json: any; text: string }> {
  const res = await response;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // stays null: the caller asserts on text
  }
  return { status: res.status, json, text };
}

/** The model folder's tokenizer and one variant's in-process backend, as a run loads them. */
export async function inProcess(modelFolder: string, variantId: string): Promise<{ tokenizer: TextTokenizer; backend: OnnxDecoderBackend }> {
  const folder = await inspectModelFolder(modelFolder);
  const tokenizer = await loadTokenizer(folder.path, folder.config.eos_token_id);
  const backend = await OnnxDecoderBackend.load({
    modelFolder: folder.path,
    variant: folder.variants.find((v) => v.id === variantId)!,
    executionProvider: 'cpu',
    threads: { intraOp: 1, interOp: 1 },
    eosTokenIds: tokenizer.eosTokenIds,
  });
  return { tokenizer, backend };
}

/** The first `count` tokens of the demo corpus (corpus-like text). */
export function corpusTokens(tokenizer: TextTokenizer, count: number): number[] {
  const text = readFileSync('examples/demo/corpus.txt', 'utf8');
  return tokenizer.encode(text, true).slice(0, count);
}

/** Server-sent events of a streamed response: each `data:` payload, in order. */
export async function sseEvents(res: Response): Promise<string[]> {
  const text = await res.text();
  assertFraming(text);
  return text.split('\n\n').filter((block) => block !== '').map((block) => block.slice('data: '.length));
}

function assertFraming(text: string): void {
  if (!text.endsWith('data: [DONE]\n\n')) throw new Error(`the stream does not end with data: [DONE]: ${JSON.stringify(text.slice(-200))}`);
  for (const block of text.split('\n\n').filter((b) => b !== '')) {
    if (!block.startsWith('data: ') || block.includes('\n')) throw new Error(`malformed SSE block: ${JSON.stringify(block.slice(0, 200))}`);
  }
}
