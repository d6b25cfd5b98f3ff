/**
 * bench/serve-overhead: is the load generator the bottleneck? Starts `quantlens serve` on the
 * fixture model, drives concurrency 1, 4 and 16 through the endpoint backend (real HTTP/SSE over
 * loopback) with the served-performance sweep, and sets the client-measured TTFT against the
 * server's own (GET /quantlens/requests: headers parsed → first token chunk handed to the socket).
 * Goal: client TTFT ÷ server TTFT ≤ 1.05 at concurrency 16. Prints the vLLM-style table too.
 * The server runs in its own process (`quantlens serve`, dist/cli.js) unless --in-process: in one
 * process the server's HTTP parsing, tokenizing and SSE writing share the client's event loop, and
 * every chunk the client reads waits behind them — that would charge the server's work to the client.
 *   node dist/bench/serve-overhead.js [model-folder] [--variant ID] [--slo ttft:500,tpot:50] [--requests N] [--rounds N] [--input N --output N] [--in-process]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import trainingText from '../src/modelmaker/data/train.txt';
import { FIXTURE_FAMILIES } from '../src/modelmaker/familySpec';
import { makeFixtureModel } from '../src/modelmaker/makeFixtureModel';
import { inspectModelFolder } from '../src/node/discovery';
import { discoverEndpoint } from '../src/node/endpoint/discover';
import { startServe } from '../src/serve/startServe';
import { EndpointBackend } from '../src/worker/backend/endpointBackend';
import { loadTokenizer } from '../src/worker/backend/tokenizer';
import { promptSource } from '../src/worker/inputs/exactLengthPrompts';
import { promptSlices } from '../src/worker/load/loadSweep';
import { runServedPerformance } from '../src/worker/load/servedPerformance';
import { formatSlos, parseSlos } from '../src/worker/load/slo';
import type { PerformanceCell } from '../src/shared/report/schema';
import { summarizeDistribution } from '../src/shared/stats/summary';

const CONCURRENCY = [1, 4, 16];
/**
 * The workload (--input / --output): 512 prompt and 128 output tokens by default (vLLM's bench
 * serve defaults to 1024 / 128; the fixture's context is 1024). The client–server gap is a few ms
 * whatever the prompt, so the ratio depends on the server's TTFT: at 32 / 32 the tiny fixture
 * answers in ~15 ms at concurrency 16 and even the bare node:http client measures ~1.3× the server.
 */
let INPUT_TOKENS = 512;
let OUTPUT_TOKENS = 128;
const GOAL = 1.05;

/** One entry of GET /quantlens/requests (src/serve/requestLog.ts). */
interface ServerTiming {
  endpoint: string;
  stream: boolean;
  arrivalMs: number;
  firstTokenWrittenMs: number | null;
  status: string;
}

async function serverTimings(baseUrl: string, limit: number): Promise<ServerTiming[]> {
  const url = new URL('/quantlens/requests', baseUrl);
  url.searchParams.set('limit', String(limit));
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} — this bench needs quantlens serve's request log`);
  return ((await response.json()) as { requests: ServerTiming[] }).requests;
}

/**
 * The floor any Node client pays on this machine: node:http with a keep-alive agent, the same body,
 * TTFT from just before the body is written to the first data event holding a "text" field. No
 * SSE parsing, no JSON, no retries: what is left of QuantLens's overhead is set against this.
 */
async function bareCell(baseUrl: string, model: string, prompts: number[][], concurrency: number): Promise<number[]> {
  const url = new URL(`${baseUrl.replace(/\/$/, '')}/completions`);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const one = (prompt: number[]): Promise<number> => new Promise((resolve, reject) => {
    const body = JSON.stringify({ model, prompt, max_tokens: OUTPUT_TOKENS, temperature: 0, stream: true, ignore_eos: true, min_tokens: OUTPUT_TOKENS });
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let first = NaN;
      res.on('data', (chunk: Buffer) => {
        if (Number.isNaN(first) && chunk.includes('"text"')) first = performance.now();
      });
      res.on('end', () => resolve(first - sent));
      res.on('error', reject);
    });
    req.on('error', reject);
    const sent = performance.now();
    req.end(body);
  });
  for (let i = 0; i < concurrency; i++) await one(prompts[i % prompts.length]!); // warm the sockets
  const ttft: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < prompts.length) ttft.push(await one(prompts[next++]!));
  }));
  agent.destroy();
  return ttft;
}

/** Server-side TTFT (headers parsed → first token chunk written) of the last `count` streamed completions. */
async function serverTtft(baseUrl: string, count: number): Promise<number[]> {
  const log = (await serverTimings(baseUrl, 10_000)).filter((t) => t.stream && t.endpoint.includes('completions'));
  return log.slice(-count).filter((t) => t.status === 'ok' && t.firstTokenWrittenMs !== null).map((t) => t.firstTokenWrittenMs! - t.arrivalMs);
}

/** `quantlens serve` in a child process; resolves with its base URL (the first line it prints). */
async function serveInChild(modelFolder: string, variantId: string): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const cli = resolve(__dirname, '..', 'cli.js');
  const child = spawn(process.execPath, [cli, 'serve', modelFolder, '--variant', variantId, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const baseUrl = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => done(line.trim()));
    child.once('exit', (code) => fail(new Error(`quantlens serve (${cli}) exited with code ${code} before printing its URL`)));
  });
  return { baseUrl, close: async () => { child.kill('SIGTERM'); await exited; } };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { variant: { type: 'string' }, slo: { type: 'string' }, requests: { type: 'string' }, rounds: { type: 'string' }, input: { type: 'string' }, output: { type: 'string' }, 'in-process': { type: 'boolean' } } });
  INPUT_TOKENS = Number(values.input ?? INPUT_TOKENS);
  OUTPUT_TOKENS = Number(values.output ?? OUTPUT_TOKENS);
  if (!(Number.isInteger(INPUT_TOKENS) && INPUT_TOKENS > 0 && Number.isInteger(OUTPUT_TOKENS) && OUTPUT_TOKENS > 1)) throw new Error('--input N (≥ 1) and --output N (≥ 2) take whole numbers of tokens');
  const fixture = resolve('fixtures/models', FIXTURE_FAMILIES[0]!.name);
  let modelFolder = positionals[0] ? resolve(positionals[0]) : fixture;
  if (!positionals[0] && !existsSync(join(fixture, 'onnx', 'model.onnx'))) {
    makeFixtureModel(FIXTURE_FAMILIES[0]!, resolve('demo'));
    modelFolder = resolve('demo', FIXTURE_FAMILIES[0]!.name);
  }
  const folder = await inspectModelFolder(modelFolder);
  const variantId = values.variant ?? folder.variants.find((v) => v.dtype === 'q4')?.id ?? folder.baselineId ?? folder.variants[0]!.id;
  const slos = parseSlos(values.slo ?? 'ttft:500,tpot:50', '--slo');
  const timed = Number(values.requests ?? 64);
  const serve = values['in-process'] ? await startServe({ modelFolder, variantId }) : await serveInChild(modelFolder, variantId);
  try {
    const tokenizer = await loadTokenizer(modelFolder, folder.config.eos_token_id);
    const variant = await discoverEndpoint({ name: `${variantId}-served`, baseUrls: [serve.baseUrl] }, process.env);
    const backend = await EndpointBackend.load({ variant, tokenizer, eosTokenIds: tokenizer.eosTokenIds, agreementTexts: [trainingText.slice(0, 400)], warn: (m) => console.warn(`warning: ${m}`), env: process.env });
    const source = promptSource(tokenizer, trainingText, INPUT_TOKENS);
    console.log(`quantlens serve ${folder.name} · ${variantId} at ${serve.baseUrl} (${values['in-process'] ? 'in this process' : 'its own process'}); ${timed} timed requests per concurrency, ${INPUT_TOKENS} in / ${OUTPUT_TOKENS} out tokens, SLOs ${formatSlos(slos)}\n`);
    // Rounds alternate the bare client and QuantLens at each concurrency, so a burst of load from
    // elsewhere on the machine hits both alike; the verdict is the median over rounds.
    const rounds = Math.max(1, Number(values.rounds ?? 5));
    const perRound = new Map<number, { ql: number[]; bare: number[]; qlBare: number[]; qlBareMedian: number[]; qlMedian: number[]; excess: number[] }>();
    const rows: string[][] = [];
    const overhead: string[][] = [];
    const bare: string[][] = [];
    const barePrompts = promptSlices(source, INPUT_TOKENS, 100_000, timed).prompts;
    for (let round = 1; round <= rounds; round++) {
      for (const concurrency of CONCURRENCY) {
        const bareClient = await bareCell(serve.baseUrl, variant.served!.model, barePrompts, concurrency);
        const bareServer = summarizeDistribution(await serverTtft(serve.baseUrl, bareClient.length));
        const b = summarizeDistribution(bareClient);
        const result = await runServedPerformance(backend, {
          variantId,
          sweep: { inputLengths: [INPUT_TOKENS], outputLengths: [OUTPUT_TOKENS], concurrency: [concurrency], rounds: 1, load: { requestRates: ['inf'], burstiness: 1, requestsPerCell: timed, warmupRequests: concurrency, passes: 1, seed: 1, fixedLength: true, slos } },
          warmups: concurrency,
          seed: 1,
        }, source, () => {}, () => false);
        const cell = result!.cells![0]!;
        // The timed requests are the last ones the server logged (warmups came before them).
        const s = summarizeDistribution(await serverTtft(serve.baseUrl, cell.served!.requests));
        const r = perRound.get(concurrency) ?? { ql: [], bare: [], qlBare: [], qlBareMedian: [], qlMedian: [], excess: [] };
        perRound.set(concurrency, r);
        r.ql.push(cell.ttftMs.mean / s.mean);
        r.qlMedian.push(cell.ttftMs.median / s.median);
        r.bare.push(b.mean / bareServer.mean);
        r.qlBare.push(cell.ttftMs.mean / b.mean);
        r.qlBareMedian.push(cell.ttftMs.median / b.median);
        // Each client against the server TTFT of its own requests: the two loads differ a little.
        r.excess.push(cell.ttftMs.mean / s.mean / (b.mean / bareServer.mean));
        if (round === rounds) {
          rows.push(tableRow(cell));
          overhead.push([String(concurrency), ms(cell.ttftMs.mean), ms(s.mean), ms(cell.ttftMs.median), ms(s.median), ms(cell.ttftMs.mean - s.mean), ms(b.mean), ms(bareServer.mean)]);
        }
      }
    }
    const spread = (xs: number[]): string => `${median(xs).toFixed(3)} [${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}]`;
    for (const concurrency of CONCURRENCY) {
      const r = perRound.get(concurrency)!;
      bare.push([String(concurrency), spread(r.ql), spread(r.qlMedian), spread(r.bare), spread(r.qlBare), spread(r.qlBareMedian), spread(r.excess)]);
    }
    const at16 = median(perRound.get(16)!.ql);
    print(['conc', 'n', 'failed', 'TTFT mean', 'TTFT p99', 'TPOT mean', 'TPOT p99', 'ITL mean', 'ITL p99', 'E2E mean', 'E2E p99', 'req/s', 'out tok/s', 'goodput req/s', 'good', 'length'], rows);
    console.log(`\nlast round's TTFTs (ms). Client TTFT: just before the request body is handed to the socket → the socket 'data' event holding the first token chunk. Server TTFT (quantlens serve's log): the request's headers parsed → the first token chunk handed to its socket. The difference holds loopback transit both ways and every wait for an event loop (the server's HTTP thread behind other streams' writes, the client's behind other streams' reads) — not only the client's own work.`);
    print(['conc', 'client mean', 'server mean', 'client median', 'server median', 'client − server', 'bare mean', 'bare\'s server mean'], overhead);
    console.log(`\nratios over ${rounds} rounds: median [min–max]. "bare" is a node:http client with a keep-alive agent and no SSE/JSON parsing, timed the same way on the same server, alternating with QuantLens: the floor any Node client pays on this machine.`);
    print(['conc', 'QuantLens ÷ server (means)', 'QuantLens ÷ server (medians)', 'bare ÷ server (means)', 'QuantLens ÷ bare (means)', 'QuantLens ÷ bare (medians)', '(QL ÷ server) ÷ (bare ÷ server)'], bare);
    const verdict = at16 <= GOAL ? 'met' : 'NOT met';
    console.log(`\ngoal: QuantLens ÷ server TTFT (means, median over rounds) ≤ ${GOAL} at concurrency 16 — ${verdict} (${at16.toFixed(3)}; the bare client: ${median(perRound.get(16)!.bare).toFixed(3)}; QuantLens's own share, (QL ÷ server) ÷ (bare ÷ server): ${median(perRound.get(16)!.excess).toFixed(3)}); load average now ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores (a busy machine delays every wake-up of client and server alike)`);
    console.log('definitions (vLLM benchmarks/serve.py): TTFT sent → first token chunk; ITL every gap between token chunks; TPOT (E2E − TTFT)/(tokens − 1); E2E sent → last token chunk; goodput = requests meeting every SLO / duration');
    process.exitCode = at16 <= GOAL ? 0 : 1;
  } finally {
    await serve.close();
  }
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '—');

function tableRow(c: PerformanceCell): string[] {
  const s = c.served!;
  return [
    String(c.concurrency), String(s.completed), String(s.failed),
    ms(c.ttftMs.mean), ms(c.ttftMs.p99), ms(c.tpotMs?.mean ?? NaN), ms(c.tpotMs?.p99 ?? NaN), ms(c.itlMs?.mean ?? NaN), ms(c.itlMs?.p99 ?? NaN), ms(c.e2eMs.mean), ms(c.e2eMs.p99),
    s.requestThroughput.toFixed(2), s.outputThroughput.toFixed(1), s.goodput ? s.goodput.requestGoodput.toFixed(2) : '—', s.goodput ? `${(s.goodput.goodShare * 100).toFixed(0)}%` : '—',
    s.fixedLength.honoured ? 'fixed' : 'NOT honoured',
  ];
}

function print(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

main().catch((error) => {
  console.error(`serve-overhead: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
