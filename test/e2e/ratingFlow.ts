import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe } from 'node:test';
import { listRunFolders, readRun, readSamples } from '../../src/node/runFolder/reader';
import { raterFile } from '../../src/node/rating/ratingStore';
import { buildRatingSet, DEFAULT_RATING_PAIRS, defaultRatingSeed } from '../../src/shared/rating/ratingSet';
import { winRate } from '../../src/shared/rating/mergeRatings';
import type { RatingPair } from '../../src/shared/rating/types';
import { env, norm, sequentialSteps, waitFor, Workbench } from './workbench';

/**
 * Blind side-by-side rating in VS Code: open a finished run's results, "Rate outputs blind…", judge
 * ten pairs with the keyboard (1/2/3 and arrows) and the buttons, half of them before a window
 * reload and half after (the judgements are on disk, so the set resumes at pair 6), with no variant
 * name anywhere in the rating tab until the last pair; then the names are revealed, and after
 * another reload the results panel shows each variant's win rate with its Wilson 95% interval.
 *
 * The test knows the set (the same seeded function the host uses) and so which side is the
 * baseline's: it prefers q8's output every time, the baseline over q4's, and calls fp16 a tie, so
 * the panel must show q8 at 1.000, q4 at 0.000 and fp16 at 0.500, each with winRate()'s interval.
 */
const SOURCE_MODEL = 'quantlens-tiny-llama';
const MODEL = 'rating-model';
const VARIANT_NAMES = /\b(fp32|fp16|q8|q4|baseline)\b/;

describe('QuantLens in VS Code: blind side-by-side human rating', () => {
  let wb: Workbench;
  let runFolder = '';
  let set: RatingPair[] = [];
  const step = sequentialSteps(() => wb, 'rating-fail-');

  /** The side to pick for a pair: q8's output, the baseline's against q4, a tie for the others. */
  const intended = (p: RatingPair): 'A' | 'B' | 'tie' => {
    const variantSide = p.baselineSide === 'A' ? 'B' : 'A';
    return p.variantId === 'q8' ? variantSide : p.variantId === 'q4' ? p.baselineSide : 'tie';
  };
  const KEYS = { A: ['1', 'ArrowLeft'], B: ['2', 'ArrowRight'], tie: ['3', 'ArrowDown'] } as const;

  const progress = async (): Promise<string> => norm(await wb.webview().locator('#rating-progress').innerText());

  /** Judges pairs [from, to) of the set, checking the tab names no variant before each pick. */
  async function judge(from: number, to: number): Promise<void> {
    const view = wb.webview();
    for (let i = from; i < to; i++) {
      const pair = set[i]!;
      await waitFor(`pair ${i + 1} shown`, async () => (await progress()).startsWith(`${i} / ${set.length} judged`) && norm(await view.locator('#rating-title').innerText()) === `Pair ${i + 1} of ${set.length}`, 30_000);
      // The tab shows this pair's prompt and outputs as text, and no variant name at all.
      assert.equal(await view.locator('#rating-prompt').innerText(), pair.prompt);
      assert.equal(await view.locator('#rating-a').innerText(), pair.A);
      const text = norm(await view.locator('#rating').innerText());
      const withoutOutputs = [pair.prompt, pair.A, pair.B].reduce((t, s) => t.split(s).join(''), text);
      assert.doesNotMatch(withoutOutputs, VARIANT_NAMES, `pair ${i + 1}: the rating tab names no variant before the set is done`);
      const choice = intended(pair);
      if (i % 3 === 2) {
        // Every third pick by button, with a per-criterion pick (fluency) sent along.
        await view.locator(`[data-criterion="fluency"] [data-choice="${choice}"]`).click();
        await view.locator(`#pick-${choice.toLowerCase()}`).click();
      } else {
        await view.locator('#rating-prompt').click();
        await wb.page.keyboard.press(KEYS[choice][i % 2]);
      }
      await waitFor(`judgement ${i + 1} saved`, async () => (await progress()).startsWith(`${i + 1} / ${set.length} judged`), 30_000);
    }
  }

  async function openResults(): Promise<void> {
    await wb.runCommand('QuantLens: Open Results');
    await wb.acceptQuickPick('which run?', runFolder.split(/[\\/]/).pop()!);
    await wb.webview().locator('#human-rating #rate-blind').waitFor({ timeout: 60_000 });
  }

  before(async () => {
    assert.ok(env.url && env.workspace, 'E2E_URL and E2E_WORKSPACE must be set (run via npm run test:e2e)');
    const model = join(env.workspace, MODEL);
    rmSync(model, { recursive: true, force: true });
    cpSync(join(env.workspace, SOURCE_MODEL), model, { recursive: true, filter: (src) => !src.includes('.quantlens') });
    // A finished run with generations only, made headless (the main flow already drives Evaluate in the UI).
    const earlier = new Set(listRunFolders(env.workspace));
    execFileSync(process.execPath, [resolve('dist/cli.js'), 'eval', model, '--measure', 'generation', '--prompts', join(env.workspace, 'prompts.txt'), '--max-new-tokens', '16', '--out', env.workspace], { stdio: ['ignore', 'ignore', 'pipe'] });
    runFolder = listRunFolders(env.workspace).find((f) => !earlier.has(f))!;
    assert.ok(runFolder, 'the CLI wrote a run folder');
    const run = readRun(runFolder);
    assert.equal(run.status, 'completed');
    set = buildRatingSet(readSamples(runFolder), run.card.spec.baselineId, defaultRatingSeed(run.card.runId), DEFAULT_RATING_PAIRS);
    assert.equal(set.length, 10);
    assert.deepEqual([...new Set(set.map((p) => p.variantId))].sort(), ['fp16', 'q4', 'q8']);
    wb = await Workbench.open();
    await wb.runCommand('View: Close All Editors');
  });
  after(async () => wb?.close());

  step('1. Open Results → Rate outputs blind…: the rating tab shows pair 1 of 10, no variant names; five pairs judged by keys and buttons', async () => {
    await openResults();
    await wb.webview().locator('#rate-blind').click();
    await wb.tab(/rate .* blind/).waitFor({ timeout: 30_000 });
    await wb.webview().locator('#rating-progress').waitFor({ timeout: 60_000 });
    await wb.shot('rating-01-first-pair');
    await judge(0, 5);
    const saved = JSON.parse(readFileSync(raterFile(runFolder, userInfo().username), 'utf8')) as { judgements: Array<{ pairId: string; criteria?: object }> };
    assert.equal(saved.judgements.length, 5, 'each judgement is on disk at once');
    assert.ok(saved.judgements.find((j) => j.pairId === set[2]!.pairId)?.criteria, 'the per-criterion pick is saved with it');
  });

  step('2. reload the window mid-set: the set resumes at pair 6; the last five judged; then the names are revealed', async () => {
    await wb.runCommand('View: Close Editor'); // the rating tab (it is not restored; the results panel is)
    await wb.reload();
    await wb.webview().locator('#human-rating #rate-blind').waitFor({ timeout: 90_000 });
    await wb.webview().locator('#rate-blind').click();
    await waitFor('the resumed set', async () => (await progress().catch(() => '')).startsWith('5 / 10 judged'), 60_000);
    await judge(5, 10);
    const reveal = wb.webview().locator('#rating-reveal');
    await reveal.waitFor({ timeout: 30_000 });
    const revealed = norm(await reveal.innerText());
    for (const name of ['q8', 'q4', 'fp16', 'baseline']) assert.match(revealed, new RegExp(`\\b${name}\\b`), `the reveal names ${name}`);
    await wb.shot('rating-02-revealed');
  });

  step('3. reload again: the results panel shows each variant’s win rate vs the baseline with its Wilson 95% CI', async () => {
    await wb.runCommand('View: Close Editor');
    await wb.reload();
    const table = wb.webview().locator('#human-rating-table');
    await table.waitFor({ timeout: 90_000 });
    const counts = (v: string): number => set.filter((p) => p.variantId === v).length;
    const expected = { q8: winRate(counts('q8'), 0, 0), q4: winRate(0, 0, counts('q4')), fp16: winRate(0, counts('fp16'), 0) };
    for (const [variant, r] of Object.entries(expected)) {
      const row = table.locator(`tr[data-variant="${variant}"]`);
      assert.equal(norm(await row.locator('td[data-column="win rate"]').innerText()), r.winRate.toFixed(3), `${variant} win rate`);
      assert.equal(norm(await row.locator('td[data-column="95% CI (Wilson)"]').innerText()), `[${r.ci95[0].toFixed(3)}, ${r.ci95[1].toFixed(3)}]`, `${variant} CI`);
      assert.equal(norm(await row.locator('td[data-column="judgements"]').innerText()), String(counts(variant)));
    }
    assert.match(norm(await wb.webview().locator('#human-rating').innerText()), /a tie counts half a win/);
    // The same numbers are a column of the comparison table (and a trade-off plot axis).
    await wb.webview().locator('#comparison-table th[data-column="human_win_rate"]').waitFor({ timeout: 30_000 });
    assert.ok(existsSync(raterFile(runFolder, userInfo().username)));
    await wb.shot('rating-03-results');
  });
});
