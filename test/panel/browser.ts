import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { RunData } from '../../src/shared/panelProtocol';
import { recordedChromium } from '../helpers/testTools';
import { CHROMIUM_ARGS, showRun } from './harness';

/**
 * playwright-core is loaded from node_modules at run time: bundled by esbuild it looks for its own
 * package.json beside the bundle and fails. createRequire keeps esbuild from following it.
 */
export function playwright(): typeof import('playwright-core') {
  return createRequire(resolve('package.json'))('playwright-core') as typeof import('playwright-core');
}

export function launchChromium(): Promise<Browser> {
  return playwright().chromium.launch({ executablePath: recordedChromium(), headless: true, args: CHROMIUM_ARGS });
}

export interface PanelPage {
  page: Page;
  problems: PageProblems;
}

/**
 * A fresh page on the harness, watched for problems; `initialState` seeds getState() as VS Code
 * does after a window reload. With `data`, the run is posted and the plot awaited.
 */
export async function openPanel(browser: Browser, harnessFile: string, options: { data?: RunData; initialState?: unknown } = {}): Promise<PanelPage> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems = watchPage(page);
  if (options.initialState !== undefined) await page.addInitScript((state) => ((globalThis as unknown as { __initialState: unknown }).__initialState = state), options.initialState);
  await page.goto(`file://${harnessFile}`);
  if (options.data) {
    await showRun(page, options.data);
    await settled(page);
  }
  return { page, problems };
}

/** Everything a page reports that a clean panel never should: console errors, uncaught errors, dialogs. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
}

export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning' && /Content Security Policy/i.test(m.text())) problems.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => problems.pageErrors.push(String(e.stack ?? e.message)));
  page.on('dialog', (d) => {
    problems.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return problems;
}

/** CSP violations the page itself saw (the harness listens for securitypolicyviolation). */
/** The page's own globals the harness defines, for page.evaluate callbacks (tests compile without the DOM lib). */
interface HarnessWindow {
  __cspViolations: string[];
  __posted: unknown[];
  __state: Record<string, unknown> | undefined;
  __pwnedCalls: number[];
  requestAnimationFrame(callback: () => void): number;
}

/** CSP violations the page itself saw (the harness listens for securitypolicyviolation). */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as HarnessWindow).__cspViolations);
}

export function posted<T = { type: string }>(page: Page): Promise<T[]> {
  return page.evaluate(() => (globalThis as unknown as HarnessWindow).__posted) as Promise<T[]>;
}

export function savedState(page: Page): Promise<Record<string, unknown> | undefined> {
  return page.evaluate(() => (globalThis as unknown as HarnessWindow).__state);
}

export function pwnedCalls(page: Page): Promise<number[]> {
  return page.evaluate(() => (globalThis as unknown as HarnessWindow).__pwnedCalls);
}

/** Resolves after the next two animation frames, i.e. after the page has painted. */
export function nextPaint(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((r) => (globalThis as unknown as HarnessWindow).requestAnimationFrame(() => (globalThis as unknown as HarnessWindow).requestAnimationFrame(() => r()))));
}

/** Waits until plotly has drawn (its main svg is in the plot) and the page has painted. */
export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('#tradeoff-plot svg.main-svg', { state: 'attached' });
  await nextPaint(page);
}

/**
 * What an injection would leave behind, found by walking the whole document including the shadow
 * roots of the vscode-elements: event-handler attributes, script-bearing URLs, elements no panel
 * code creates (in the panel's own light DOM), scripts other than the page's three, and a hidden
 * body. Returns one line per finding; empty means clean. (Page source as a string: the tests
 * compile without the DOM lib.)
 */
export function injectionFindings(page: Page): Promise<string[]> {
  return page.evaluate(INJECTION_AUDIT) as Promise<string[]>;
}

const INJECTION_AUDIT = String.raw`(() => {
  const findings = [];
  const describe = (el) => '<' + el.tagName.toLowerCase() + Array.from(el.attributes).map((a) => ' ' + a.name + '="' + a.value.slice(0, 60) + '"').join('') + '>';
  const urlAttributes = ['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'poster', 'background', 'srcset'];
  const walk = (root) => {
    for (const el of Array.from(root.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        if (name.startsWith('on')) findings.push('event-handler attribute ' + describe(el));
        if (name === 'srcdoc') findings.push('srcdoc ' + describe(el));
        if (urlAttributes.includes(name) && /^\s*(javascript|vbscript|data\s*:\s*text\/html)/i.test(attr.value.replace(/[\u0000-\u001f]/g, ''))) findings.push('script URL ' + describe(el));
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  const scripts = Array.from(document.scripts);
  if (scripts.length !== 3 || scripts.some((s) => s.parentElement !== document.body || s.getAttribute('nonce') !== 'harnessnonce123')) findings.push('scripts: ' + scripts.map(describe).join(' '));
  // Tags the panel never creates in its own (light) DOM. plotly draws svg, g, path, text, rect,
  // clipPath… in the plot and keeps its <style> in <head>.
  const forbidden = 'script, iframe, frame, frameset, object, embed, img, image, base, meta, link, form, button, input, textarea, select, details, math, mglyph, mtext, style, template, noscript, video, audio, source, marquee, foreignObject, a[href], use, animate, set, x, portal, sub, b';
  for (const id of ['header', 'notice', 'table', 'plot', 'samples']) if (!document.getElementById(id)) findings.push('#' + id + ' is gone');
  // Every section of the panel (table, plot, failures, samples… as the page grows), header and notice.
  for (const section of Array.from(document.querySelectorAll('body > header, body > section, #notice'))) {
    const id = section.id || section.tagName.toLowerCase();
    for (const el of Array.from(section.querySelectorAll(forbidden))) {
      if (el.matches('.modebar .modebar-btn')) continue; // plotly's own toolbar (any plot of the panel)
      findings.push('unexpected element in #' + id + ': ' + describe(el));
    }
  }
  for (const el of Array.from(document.querySelectorAll('body style, body link, body meta, body base, head base, head meta[http-equiv="refresh" i]'))) findings.push('document-level ' + describe(el));
  // plotly 4's "Share chart..." uploads the chart to Plotly Cloud: no plot of the panel may offer it.
  for (const el of Array.from(document.querySelectorAll('.modebar-btn[data-title^="Share"]'))) findings.push('plotly cloud upload button ' + describe(el));
  const body = getComputedStyle(document.body);
  if (body.display === 'none' || body.visibility === 'hidden') findings.push('body is hidden');
  return findings;
})()`;
