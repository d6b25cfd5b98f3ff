import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/** A webview page of the extension: its title, static body markup, the scripts it loads (paths under the extension). */
export interface WebviewPage {
  title: string;
  /** plotly needs inline styles; a page without plotly does without. */
  inlineStyles: boolean;
  body: string;
  scripts: string[][];
}

/**
 * A webview page: static markup only (no data is ever interpolated), scripts allowed by nonce
 * alone, the panel stylesheet. Shared by the results panel and the blind rating tab.
 */
export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...path: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `font-src ${webview.cspSource}`,
    `style-src ${webview.cspSource}${page.inlineStyles ? " 'unsafe-inline'" : ''}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('media', 'panel.css')}">
<title>${page.title}</title>
</head>
<body>
${page.body}
${page.scripts.map((s) => `<script nonce="${nonce}" src="${asset(...s)}"></script>`).join('\n')}
</body>
</html>`;
}

/** The results panel page. plotly needs inline styles, hence style-src 'unsafe-inline'; scripts stay nonce-only. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewPage(webview, extensionUri, {
    title: 'QuantLens results',
    inlineStyles: true,
    body: `<header id="header"><p class="empty">Loading the run…</p></header>
<div id="notice" class="notice" role="status"></div>
<h2>Comparison</h2>
<section id="table"></section>
<h2>Trade-off</h2>
<section id="plot"></section>
<h2>Performance</h2>
<section id="performance"></section>
<h2>Failures</h2>
<section id="failures"></section>
<h2>Samples</h2>
<section id="samples"></section>
<h2>Human rating</h2>
<section id="human-rating"></section>
<section id="code-samples"></section>`,
    scripts: [['dist', 'webview', 'plotly.min.js'], ['dist', 'webview', 'main.js']],
  });
}
