/**
 * The panel's code view in a real Chromium on the built webview: baseline and variant side by
 * side, highlighted, the failing assertion, the "passed on baseline, fails on variant" filter, and
 * hostile completions (markup, script) staying text under the strict CSP.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TaskUnitResult } from '../../src/shared/report/schema';
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
