import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AnnotationStore, modelFolderKey } from '../../src/node/annotations/annotationStore';
import { BaselineSamples } from '../../src/worker/report/baselineSamples';
import { readRun, readSamples } from '../../src/node/runFolder/reader';
import { anchorStatus, annotationFromFlag, annotationsForSample, computeFlags, createAnnotation, samplesWithAnnotations, summarizeAnnotations } from '../../src/shared/annotations';
import type { SampleRecord } from '../../src/shared/report/schema';
import { runCli } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';
import { validateRunFolder } from '../helpers/validateReport';

const temps: string[] = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** `quantlens eval` of the tiny fixture model with generations; the run folder. */
async function evalFixture(out: string): Promise<string> {
  const run = await runCli(['eval', TINY_LLAMA, '--context', '128', '--stride', '64', '--max-new-tokens', '16', '--measure', 'generation', '--threads', '2', '--out', out], undefined, 120_000);
  assert.equal(run.code, 0, run.stderr);
  const runs = join(out, '.quantlens', 'runs');
  const ids = readdirSync(runs);
  assert.equal(ids.length, 1);
  return join(runs, ids[0]!);
}

test('a real run writes flags and baselineNll on every generated sample; annotations made on it match a rerun\'s samples', async () => {
  const workspaceRoot = tempDir('ql-annotate-ws-');
  const runFolder = await evalFixture(join(workspaceRoot, 'first'));
  const card = readRun(runFolder).card;
  const baselineId = card.spec.baselineId;
  const samples = readSamples(runFolder);
  assert.ok(samples.length >= 4 * 2, `${samples.length} samples`);
  assert.deepEqual(validateRunFolder(runFolder), [], 'samples.jsonl still matches docs/schema');

  const baseline = new Map(samples.filter((s) => s.variantId === baselineId).map((s) => [s.sampleKey, s]));
  for (const s of samples) {
    const where = `${s.variantId}#${s.promptIndex}`;
    assert.ok(Array.isArray(s.flags), `${where}: flags`);
    assert.equal(s.baselineNll?.length, s.tokenIds.length, `${where}: one baseline NLL per generated token`);
    assert.ok(s.baselineNll!.every((v) => Number.isFinite(v) && v >= 0), `${where}: NLLs are finite and ≥ 0`);
    // The engine flagged against the baseline's sample of the same prompt (its own without comparison).
    assert.deepEqual(s.flags, computeFlags(s, s.variantId === baselineId ? undefined : baseline.get(s.sampleKey)), where);
    const divergence = s.flags!.find((f) => f.kind === 'divergence');
    assert.equal(divergence?.value ?? null, s.firstDivergence, `${where}: divergence flag at the first differing token`);
    const base = baseline.get(s.sampleKey)!;
    if (s.variantId !== baselineId && s.output === base.output) {
      // The same tokens scored under the same baseline: the same NLLs, whether from the baseline's
      // own teacher-forced forward or from the lockstep comparison.
      s.baselineNll!.forEach((v, i) => assert.ok(Math.abs(v - base.baselineNll![i]!) < 1e-9, `${where} token ${i}: ${v} vs ${base.baselineNll![i]}`));
    }
  }
  const diverging = samples.filter((s) => s.firstDivergence !== null);
  assert.ok(diverging.length > 0, 'some variant diverges, or the flags prove little');

  // Annotate: a human annotation on one diverging sample, an accepted flag on another, a dismissal.
  const store = new AnnotationStore(workspaceRoot);
  const modelFolder = modelFolderKey(workspaceRoot, card.spec.modelFolder);
  const [first, second] = [diverging[0]!, diverging[diverging.length - 1]!];
  const quote = first.tokenTexts.slice(first.firstDivergence!).join('');
  const start = first.output.length - quote.length;
  await store.apply([
    { type: 'add', annotation: createAnnotation({ id: 'h1', modelFolder, variantId: first.variantId, sampleKey: first.sampleKey, output: first.output, range: { start, end: first.output.length }, category: 'factual-error', note: 'lost the baker', author: 'tester', at: new Date().toISOString() }) },
    { type: 'add', annotation: annotationFromFlag(second, second.flags!.find((f) => f.kind === 'divergence')!, { id: 'f1', modelFolder, author: 'tester', at: new Date().toISOString() }) },
  ]);

  // A rerun: another run folder, another run id; the same prompts give the same sample keys.
  const rerunFolder = await evalFixture(join(workspaceRoot, 'second'));
  assert.notEqual(readRun(rerunFolder).card.runId, card.runId);
  const rerun = readSamples(rerunFolder);
  const loaded = store.load();
  assert.equal(loaded.state, 'ok');
  if (loaded.state !== 'ok') return;
  for (const [id, sample] of [['h1', first], ['f1', second]] as const) {
    const again = rerun.find((s) => s.variantId === sample.variantId && s.sampleKey === sample.sampleKey)!;
    const found = annotationsForSample(loaded.file, { modelFolder, variantId: again.variantId, sampleKey: again.sampleKey });
    assert.deepEqual(found.map((a) => a.id), [id], `${id} found on the rerun's sample`);
    assert.equal(anchorStatus(found[0]!, again.output).state, 'current', 'greedy outputs are deterministic: the anchor holds');
  }
  const summary = summarizeAnnotations(rerun, loaded.file, { modelFolder });
  const firstVariant = summary.find((v) => v.variantId === first.variantId)!;
  assert.equal(firstVariant.human.byCategory.find((c) => c.category === 'factual-error')!.samples, 1);
  assert.ok(firstVariant.automatic!.byKind.find((f) => f.kind === 'divergence')!.samples >= 1);
  const joined = samplesWithAnnotations(rerun, loaded.file.annotations, loaded.file.dismissedFlags, modelFolder);
  assert.equal(joined.reduce((n, s) => n + s.annotations.length, 0), 2);
});

test('BaselineSamples: on resume the baseline\'s samples are read back from samples.jsonl and flags compare against them', () => {
  const folder = tempDir('ql-baseline-samples-');
  const sample = (variantId: string, tokens: number[], stoppedBy: SampleRecord['stoppedBy']): SampleRecord => ({
    sampleKey: 'k1', promptIndex: 0, variantId, prompt: 'p', output: tokens.map((t) => ` w${t}`).join(''), tokenIds: tokens, tokenTexts: tokens.map((t) => ` w${t}`),
    kld: tokens.map(() => 0), deltaP: tokens.map(() => 0), firstDivergence: null, stoppedBy,
  });
  // The baseline's unit completed in an earlier session: its sample stopped at EOS after 5 tokens.
  writeFileSync(join(folder, 'samples.jsonl'), JSON.stringify(sample('fp32', [1, 2, 3, 4, 5, 2], 'eos')) + '\n');
  const resumed = new BaselineSamples(folder, 'fp32');
  const [variant] = resumed.flag([sample('q4', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 'max-new-tokens')]);
  assert.deepEqual(variant!.flags!.map((f) => f.kind), ['truncation', 'length-ratio'], 'compared with the baseline read from disk');
  // In one session the baseline's unit is remembered as it completes.
  const fresh = new BaselineSamples(tempDir('ql-baseline-samples-'), 'fp32');
  assert.deepEqual(fresh.flag([sample('fp32', [1, 2, 3, 4, 5, 2], 'eos')])[0]!.flags, []);
  assert.deepEqual(fresh.flag([sample('q4', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 'max-new-tokens')])[0]!.flags!.map((f) => f.kind), ['truncation', 'length-ratio']);
});
