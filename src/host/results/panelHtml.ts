import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/**
 * The panel page: static markup only (no data is ever interpolated), scripts allowed by nonce
 * alone. plotly needs inline styles, hence style-src 'unsafe-inline'; scripts stay nonce-only.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...path: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `font-src ${webview.cspSource}`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('media', 'panel.css')}">
<title>QuantLens results</title>
</head>
<body>
<header id="header"><p class="empty">Loading the run…</p></header>
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
<script nonce="${nonce}" src="${asset('dist', 'webview', 'plotly.min.js')}"></script>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'main.js')}"></script>
</body>
</html>`;
}
