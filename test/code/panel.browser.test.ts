/**
 * The panel's code view in a real Chromium on the built webview: baseline and variant side by
 * side, highlighted, the failing assertion, the "passed on baseline, fails on variant" filter, and
 * hostile completions (markup, script) staying text under the strict CSP; pass@1's flips vs the
 * baseline in the comparison table.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TaskSummary, TaskUnitResult } from '../../src/shared/report/schema';
import type { CodeSampleResult } from '../../src/shared/code/types';
import { codeTaskViews, filterProblems } from '../../src/shared/code/panelData';
import { tokenizeCode } from '../../src/shared/code/highlight';
import { cspViolations, launchChromium, nextPaint, openPanel, pwnedCalls } from '../panel/browser';
import { writeHarness } from '../panel/harness';
import { syntheticRun, SYNTHETIC_VARIANTS } from '../panel/synthetic';

const HOSTILE = '    return "<img src=x onerror=__pwned(1)>" </pre><script>__pwned(2)</script>\n';

function unit(variantId: string, statuses: Array<CodeSampleResult['status']>): TaskUnitResult {
  return {
    kind: 'task', variantId, task: 'code-python', taskType: 'code', taskFile: '/t/code.quantlens.yaml', executionProvider: 'cpu',
    itemKeys: statuses.map((_, i) => `k${i}`),
    codeSamples: statuses.map((status, i) => [{ completion: i === 2 ? HOSTILE : `    return a + ${variantId === SYNTHETIC_VARIANTS[0]!.id ? 'b' : 'a'}  # ${i}\n`, status, ...(status === 'failed' ? { detail: 'assert candidate(2, 3) == 5', line: 9 } : {}), seed: null, durationMs: 5 }]),
    codeProblems: statuses.map((_, i) => ({ taskId: `QuantLens/py/${i}`, language: 'python' as const, prompt: 'def add(a, b):\n    """Sum."""\n' })),
    metrics: [],
  };
}

test('the tokenizer finds keywords, strings, comments and numbers and keeps every character', () => {
  const code = 'def f(x):\n    """doc"""\n    return x + 10  # ten\ns = \'unterminated\n';
  const tokens = tokenizeCode(code, 'python');
  assert.equal(tokens.map((t) => t.text).join(''), code);
  assert.deepEqual(tokens.filter((t) => t.kind !== 'plain').map((t) => `${t.kind}:${t.text}`), ['keyword:def', 'string:"""doc"""', 'keyword:return', 'number:10', 'comment:# ten', "string:'unterminated"]);
  const js = tokenizeCode('const s = `a\nb`; // c\n/* d */ let n = 0x1f;', 'javascript');
  assert.deepEqual(js.filter((t) => t.kind !== 'plain').map((t) => t.text), ['const', '`a\nb`', '// c', '/* d */', 'let', '0x1f']);
});

test('problems passed on the baseline and failed on the variant', () => {
  const [base, variant] = [SYNTHETIC_VARIANTS[0]!.id, SYNTHETIC_VARIANTS[1]!.id];
  const views = codeTaskViews([unit(base, ['passed', 'passed', 'failed']), unit(variant, ['failed', 'passed', 'passed'])]);
  assert.deepEqual(filterProblems(views[0]!.problems, base, variant, 'regressed').map((p) => p.taskId), ['QuantLens/py/0']);
});

let browser: Browser;
let dir: string;
before(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'ql-code-panel-'));
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('results panel: code samples side by side, filtered, hostile code stays text', async () => {
  const data = syntheticRun({ samples: 3 });
  const [base, variant] = [data.card.spec.baselineId, data.card.spec.variantIds.find((v) => v !== data.card.spec.baselineId)!];
  data.codeTasks = codeTaskViews([unit(base, ['passed', 'passed', 'failed']), unit(variant, ['failed', 'passed', 'passed'])]);
  const { page, problems } = await openPanel(browser, writeHarness(dir), { data });
  await page.selectOption('#code-variant', variant);
  await nextPaint(page);
  assert.equal(await page.locator('#code-list li').count(), 3);
  await page.selectOption('#code-filter', 'regressed');
  await nextPaint(page);
  assert.deepEqual(await page.locator('#code-list li').allTextContents(), [`QuantLens/py/0: baseline 1/1 passed, ${variant} 0/1`]);
  const columns = page.locator('.code-pair .code-column');
  assert.equal(await columns.count(), 2);
  assert.match((await columns.nth(1).locator('.code-result').textContent()) ?? '', /^failed — assert candidate\(2, 3\) == 5 \(line 9\)/);
  assert.equal(await columns.nth(0).locator('.tok-keyword').first().textContent(), 'def');
  assert.match((await columns.nth(1).locator('pre.code').textContent()) ?? '', /return a \+ a/);

  await page.selectOption('#code-filter', 'all');
  await nextPaint(page);
  await page.locator('#code-list li').nth(2).click();
  await nextPaint(page);
  assert.ok(((await columns.nth(0).locator('pre.code').textContent()) ?? '').includes('<script>__pwned(2)</script>'), 'the markup shows as text');
  assert.equal(await page.locator('.code-pair script, .code-pair img').count(), 0);
  assert.deepEqual(await pwnedCalls(page), []);
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.consoleErrors, []);
  assert.deepEqual(await cspViolations(page), []);
  await page.close();
});

/** pass@1 of a code task on one variant; the variant's side carries its comparison with the baseline. */
function passAt1(value: number, vsBaseline?: { correctToWrong: number; wrongToCorrect: number; mcnemarP: number }): TaskSummary {
  const metric = { metric: 'pass@1', title: 'pass@1', higherIsBetter: true, n: 5, value, se: 0.2, ci: { low: 0, high: 1, confidence: 0.95 } };
  return {
    task: 'code-python', type: 'code', file: '/t/code.quantlens.yaml', n: 5,
    metrics: [{
      ...metric,
      ...(vsBaseline ? { vsBaseline: {
        metric: 'pass@1', n: 5, baseline: 0.6, variant: value, delta: value - 0.6, ci: { low: -0.6, high: 0.2, confidence: 0.95 }, se: 0.2, pValue: 0.5,
        flips: { correctToWrong: vsBaseline.correctToWrong, wrongToCorrect: vsBaseline.wrongToCorrect, flipRate: (vsBaseline.correctToWrong + vsBaseline.wrongToCorrect) / 5 },
        mcnemar: { statistic: null, pValue: vsBaseline.mcnemarP, method: 'exact-binomial' },
      } } : {}),
    }],
  };
}

test('results panel: a code task\'s pass@1 cell shows the flips vs the baseline (right→wrong and wrong→right), the baseline\'s none', async () => {
  const data = syntheticRun({ samples: 0 });
  const [base, variant] = [data.card.spec.baselineId, data.card.spec.variantIds.find((v) => v !== data.card.spec.baselineId)!];
  for (const v of data.report!.variants) {
    if (v.id === base) v.tasks = [passAt1(0.6)];
    if (v.id === variant) v.tasks = [passAt1(0.4, { correctToWrong: 2, wrongToCorrect: 1, mcnemarP: 1 })];
  }
  const { page, problems } = await openPanel(browser, writeHarness(dir), { data });
  const cell = (id: string) => page.locator(`#comparison-table tr[data-variant="${id}"] td[data-metric="task:code-python:pass@1"]`);
  await cell(variant).waitFor();
  const flips = cell(variant).locator('.flips');
  assert.equal(await flips.textContent(), 'flips 2↓1↑');
  assert.equal(await flips.getAttribute('data-flips'), '2:1');
  assert.equal(await flips.getAttribute('title'), `2 right on the baseline and wrong on ${variant}; 1 the reverse (McNemar p=1.0)`);
  assert.equal(await cell(base).locator('.flips').count(), 0, 'the baseline has nothing to flip against');
  assert.match((await page.locator('#comparison-table + .legend, .legend').first().textContent()) ?? '', /"flips a↓b↑".*a items right on the baseline and wrong on the variant, b the reverse/);
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.consoleErrors, []);
  await page.close();
});
