import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/**
 * The blind rating tab's page: static markup only (nothing about the run is interpolated), scripts
 * by nonce alone, the results panel's stylesheet, no inline styles needed (no plotly here).
 */
export function ratingHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...path: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = ["default-src 'none'", `font-src ${webview.cspSource}`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('media', 'panel.css')}">
<title>QuantLens blind rating</title>
</head>
<body>
<div id="notice" class="notice" role="status"></div>
<section id="rating" tabindex="0"><p class="empty">Loading the set…</p></section>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'rating.js')}"></script>
</body>
</html>`;
}
