import type * as vscode from 'vscode';
import { webviewPage } from '../results/panelHtml';

/** The blind rating tab's page: static markup, nonce-only scripts, no inline styles (no plotly here). */
export function ratingHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewPage(webview, extensionUri, {
    title: 'QuantLens blind rating',
    inlineStyles: false,
    body: `<div id="notice" class="notice" role="status"></div>
<section id="rating" tabindex="0"><p class="empty">Loading the set…</p></section>`,
    scripts: [['dist', 'webview', 'rating.js']],
  });
}
