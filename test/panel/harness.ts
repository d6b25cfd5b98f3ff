import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { RunData } from '../../src/shared/panelProtocol';

/**
 * A page that hosts the built webview bundle exactly as the extension does (same markup, same
 * CSP with a nonce, plotly from dist), with acquireVsCodeApi replaced by a recorder. Tests post
 * `show-run` into it and read what the webview posts back.
 */
export function writeHarness(folder: string): string {
  mkdirSync(folder, { recursive: true });
  const dist = resolve('dist/webview');
  const media = resolve('media');
  const nonce = 'harnessnonce123';
  const csp = `default-src 'none'; img-src file: data: blob:; font-src file:; style-src file: 'unsafe-inline'; script-src 'nonce-${nonce}'`;
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="file://${media}/panel.css">
<style>:root{--vscode-font-family:sans-serif;--vscode-foreground:#ccc;--vscode-editor-background:#1e1e1e}</style>
</head><body class="vscode-dark">
<header id="header"></header><div id="notice" class="notice" role="status"></div>
<h2>Comparison</h2><section id="table"></section>
<h2>Trade-off</h2><section id="plot"></section>
<h2>Performance</h2><section id="performance"></section>
<h2>Failures</h2><section id="failures"></section>
<h2>Samples</h2><section id="samples"></section>
<h2>Human rating</h2><section id="human-rating"></section>
<section id="code-samples"></section>
<script nonce="${nonce}">
  window.__posted = [];
  // A test may seed the persisted state (page.addInitScript) to check a restore after reload.
  window.__state = window.__initialState;
  // Hostile payloads call __pwned(n): if any of them ever runs, the call is recorded here.
  window.__pwnedCalls = [];
  window.__pwned = (n) => { window.__pwnedCalls.push(n); };
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
</script>
<script nonce="${nonce}" src="file://${dist}/plotly.min.js"></script>
<script nonce="${nonce}" src="file://${dist}/main.js"></script>
</body></html>`;
  const file = join(folder, 'harness.html');
  writeFileSync(file, html);
  return file;
}

/** Posts a run into the page as the host would, after the webview said ready. */
export async function showRun(page: Page, data: RunData): Promise<void> {
  // Page-side callbacks reach the page's globals through globalThis: tests compile without the DOM lib.
  await page.waitForFunction(() => (globalThis as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
  await page.evaluate((d) => (globalThis as unknown as { postMessage(message: unknown, target: string): void }).postMessage({ type: 'show-run', data: d }, '*'), data);
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--allow-file-access-from-files'];
