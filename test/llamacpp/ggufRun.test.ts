import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { discoverForRun } from '../../src/node/discovery';
import { readRun } from '../../src/node/runFolder/reader';
import type { ModelFolder } from '../../src/shared/modelTypes';
import type { LockstepUnitResult, PerplexityUnitResult, RunReport } from '../../src/shared/report/schema';
import { planWindows } from '../../src/shared/windows';
import { LlamaCppBackend } from '../../src/worker/backend/llamaCppBackend';
import { loadTokenizer } from '../../src/worker/backend/tokenizer';
import { copyModel, runWorker, testRequest, withTempDir } from '../helpers/engineRun';
import { logitsOf } from '../helpers/forward';
import { validateRunFolder } from '../helpers/validateReport';
import { fixtureGguf, GGUF_EDGE, GGUF_MODELS, ggufVariant, logSoftmax } from './ggufFixtures';

const [TINY_LLAMA] = GGUF_MODELS as [string, string];

const FAMILY = 'quantlens-tiny-llama';

/** The folder's own discovery without any GGUF it found, plus exactly these GGUF variants. */
async function withGgufs(request: ReturnType<typeof testRequest>, files: Array<{ id: string; file: string }>): Promise<ModelFolder> {
  const discovered = await discoverForRun(request);
  return { ...discovered, variants: [...discovered.variants.filter((v) => !v.gguf), ...files.map((f) => ggufVariant(f.file, f.id))] };
}

test('a run with ONNX and GGUF variants: F32 GGUF PPL = ONNX fp32 PPL, exact lockstep KLD for Q8_0 and Q4_0, the binary on the run card', async () => {
  await withTempDir('ql-gguf-run-', async (dir) => {
    const folder = copyModel(TINY_LLAMA, dir, 'model');
    const request = testRequest(folder, { variants: ['gguf-f32', 'gguf-q8_0', 'gguf-q4_0'], contextLength: 96, stride: 48 });
    const model = await withGgufs(request, ['F32', 'Q8_0', 'Q4_0'].map((type) => ({ id: `gguf-${type.toLowerCase()}`, file: fixtureGguf(folder, type, FAMILY) })));
    const run = await runWorker(request, join(dir, 'out'), { model, timeoutMs: 180_000 });
    assert.equal(run.outcome.done?.status, 'completed', JSON.stringify(run.messages.filter((m) => m.type === 'error' || m.type === 'warning')));
    assert.deepEqual(validateRunFolder(run.outcome.runFolder!), []);
    const { card, results } = readRun(run.outcome.runFolder!);
    const base = results.find((r): r is PerplexityUnitResult => r.kind === 'perplexity' && r.variantId === 'fp32')!;
    const lockstep = (id: string) => results.find((r): r is LockstepUnitResult => r.kind === 'lockstep' && r.variantId === id)!;

    const f32 = lockstep('gguf-f32');
    const rel = Math.abs(f32.perplexity.tokenPerplexity.value - base.perplexity.tokenPerplexity.value) / base.perplexity.tokenPerplexity.value;
    assert.ok(rel <= 1e-5, `F32 GGUF PPL ${f32.perplexity.tokenPerplexity.value} vs ONNX fp32 ${base.perplexity.tokenPerplexity.value} (rel ${rel})`);
    assert.ok(f32.kld.kld.mean < 1e-8, `F32 GGUF KLD ${f32.kld.kld.mean}`);
    assert.equal(f32.executionProvider, 'llama.cpp-cpu');

    // The KLD the run reports is the exact one: recomputed here over the same windows from the two
    // stacks' full distributions (plain onnxruntime for the baseline, the GGUF backend for the variant).
    const tokenizer = await loadTokenizer(folder, undefined);
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
    const tokens = tokenizer.encode(readFileSync(request.corpusFile!, 'utf8'), true);
    const windows = planWindows(tokens.length, { kind: 'sliding', contextLength: 96, stride: 48 });
    const session = await ort.InferenceSession.create(join(folder, 'onnx', 'model.onnx'), { intraOpNumThreads: 2 });
    for (const type of ['Q8_0', 'Q4_0']) {
      const id = `gguf-${type.toLowerCase()}`;
      const result = lockstep(id);
      assert.equal(result.kld.bound, undefined, `${id}: exact, not a top-k bound`);
      const backend = await LlamaCppBackend.load({ variant: ggufVariant(fixtureGguf(folder, type, FAMILY)), executionProvider: 'cpu', threads: 2, tokenizer, agreementTexts: [], warn: () => undefined });
      const V = config.vocab_size;
      // The first windows, each against the run's own per-window KLD sum (windowTotals.kld).
      for (const [index, w] of windows.slice(0, 6).entries()) {
        let sum = 0;
        let count = 0;
        const slice = tokens.slice(w.start, w.end);
        const { logits } = await logitsOf(session, config, slice);
        const q = await backend.forward(slice);
        for (let i = w.scoreFrom; i < w.end; i++) {
          const row = i - 1 - w.start;
          const p = logSoftmax(logits.subarray(row * V, (row + 1) * V));
          let kld = 0;
          for (let v = 0; v < V; v++) kld += Math.exp(p[v]!) * (p[v]! - q[row * V + v]!);
          sum += kld;
          count++;
        }
        assert.equal(result.windowTotals!.tokens[index], count);
        const reported = result.windowTotals!.kld![index]!;
        assert.ok(sum > 1e-6, `${id}: a quantized GGUF differs from fp32 (window ${index} KLD sum ${sum})`);
        // Two ONNX sessions (transformers.js's in the run, plain onnxruntime here) and two llama.cpp
        // contexts agree to ~1e-5 in log-probability, so per token the KLDs agree to that too.
        assert.ok(Math.abs(reported - sum) <= 2e-5 * count, `${id}: window ${index}: run KLD sum ${reported} vs recomputed ${sum} over ${count} tokens`);
      }
      await backend.dispose();
      assert.equal(result.kld.tokens, windows.reduce((n, w) => n + w.end - w.scoreFrom, 0));
      console.log(`${id}: mean KLD ${result.kld.kld.mean.toExponential(4)}, PPL ratio ${result.kld.pplRatio.value.toFixed(5)}`);
    }
    await session.release();
    assert.ok(lockstep('gguf-q4_0').kld.kld.mean > lockstep('gguf-q8_0').kld.kld.mean, 'Q4_0 drifts further than Q8_0');

    const entry = card.variants.find((v) => v.id === 'gguf-q4_0')!;
    assert.ok(entry.llamaCpp, 'the run card records how llama.cpp ran the GGUF');
    assert.equal(entry.llamaCpp.gpu, false);
    assert.equal(entry.llamaCpp.buildType, 'prebuilt');
    assert.equal(entry.llamaCpp.prebuiltPackage, `@node-llama-cpp/${process.platform}-${process.arch}`);
    assert.equal(entry.llamaCpp.gpuLayers, 0);
    assert.equal(entry.llamaCpp.threads, 2);
    assert.ok(entry.llamaCpp.contextSize >= 96);
    assert.equal(entry.llamaCpp.requestedGpu, false, '--provider cpu asks for the CPU build');
    assert.equal(entry.llamaCpp.fallback, undefined);
    assert.ok(entry.llamaCpp.tokenizer.agrees && entry.llamaCpp.tokenizer.texts > 0, 'the tokenizer was checked on the run texts');
  });
});

test('a GGUF whose tokenizer differs is refused PPL/KLD naming the file and the first mismatch; its word/byte perplexity is offered; the others finish', async () => {
  await withTempDir('ql-gguf-mismatch-', async (dir) => {
    const folder = copyModel(TINY_LLAMA, dir, 'model');
    // make-fixtures' "another family's tokenizer" edge file: its own tokenizer and vocabulary, dropped in this folder.
    const foreign = join(folder, 'gguf', 'foreign-Q8_0.gguf');
    mkdirSync(join(folder, 'gguf'), { recursive: true });
    copyFileSync(join(GGUF_EDGE, 'gguf', 'quantlens-tiny-gqa-Q8_0.gguf'), foreign);
    const request = testRequest(folder, { variants: ['gguf-foreign', 'gguf-q8_0'], measures: ['fidelity'] });
    const model = await withGgufs(request, [{ id: 'gguf-foreign', file: foreign }, { id: 'gguf-q8_0', file: fixtureGguf(folder, 'Q8_0', FAMILY) }]);
    const run = await runWorker(request, join(dir, 'out'), { model, timeoutMs: 180_000 });
    assert.equal(run.outcome.done?.status, 'completed', JSON.stringify(run.messages.filter((m) => m.type === 'error')));
    assert.deepEqual(validateRunFolder(run.outcome.runFolder!), []);
    const report = JSON.parse(readFileSync(join(run.outcome.runFolder!, 'report.json'), 'utf8')) as RunReport;
    const refused = report.unavailable?.find((u) => u.variantId === 'gguf-foreign' && u.kind === 'lockstep');
    assert.ok(refused, JSON.stringify(report.unavailable));
    assert.match(refused.reason, new RegExp(`^${foreign.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the GGUF's own tokenizer disagrees with the baseline's at text 1, token \\d+: the local tokenizer gives id \\d+, the GGUF gives id \\d+`));
    assert.match(refused.reason, /word-level perplexity \d+\.\d+, byte-level perplexity \d+\.\d+/);
    const own = refused.ownTokenizationPerplexity!;
    assert.ok(own.tokens > 100 && own.words > 0 && own.bytes > 0);
    assert.ok(Number.isFinite(own.wordPerplexity.value) && own.wordPerplexity.value > 1);
    const { results, card } = readRun(run.outcome.runFolder!);
    assert.ok(results.some((r) => r.kind === 'lockstep' && r.variantId === 'gguf-q8_0'), 'the other GGUF finished');
    const entry = card.variants.find((v) => v.id === 'gguf-foreign')!;
    assert.ok(entry.llamaCpp && !entry.llamaCpp.tokenizer.agrees);
  });
});
