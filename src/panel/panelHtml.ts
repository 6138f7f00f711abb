// The inspector webview's HTML document. Kept free of `vscode` so the browser tests load exactly the
// document (and the Content-Security-Policy) that VS Code shows.

/** Where the page's resources are and the nonce that lets its script and styles run. */
export interface PanelHtmlOptions {
  /** The webview's `cspSource` (origin of its resources). */
  readonly cspSource: string;
  /** Fresh random nonce, base64 or hex; one per document. */
  readonly nonce: string;
  /** URI of dist/webview.js as the webview sees it. */
  readonly scriptUri: string;
  /** URI of dist/codicon.css as the webview sees it. */
  readonly codiconUri: string;
  /** VS Code's translations for the display language (`vscode.l10n.bundle`); undefined in English. */
  readonly l10nBundle?: Readonly<Record<string, string>> | undefined;
  /** The display language (`vscode.env.language`, a BCP 47 tag) for `<html lang>`, so screen readers pronounce it right. */
  readonly language?: string;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Content-Security-Policy of the panel: only our nonce'd script and styles, fonts and images from our origin. */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

/** Renders the panel document; nothing from the connection is ever part of it. */
export function renderPanelHtml(options: PanelHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(options.nonce)) throw new Error('The panel nonce must be 16+ base64/hex characters');
  const nonce = options.nonce;
  const csp = escapeAttribute(panelCsp(options.cspSource, nonce));
  // The webview's t() reads this (webview/l10n.ts): data, not script, so the CSP need not allow it.
  const lang = options.language && /^[A-Za-z0-9-]{1,35}$/.test(options.language) ? options.language : 'en';
  const l10n = options.l10nBundle ? ` data-l10n="${escapeAttribute(JSON.stringify(options.l10nBundle))}"` : '';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link id="vscode-codicon-stylesheet" rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(options.codiconUri)}">
<title>Socket Inspector</title>
</head>
<body>
<div id="app" class="app" data-testid="app"${l10n}></div>
<script nonce="${nonce}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>
`;
}
