// The page a session editor shows when its file cannot be opened (corrupt, unknown version, too large):
// the reason and a way to the text editor. Kept free of `vscode`; nothing but the escaped message varies.
import { panelCsp } from '../../panel/panelHtml';

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The error page; its button posts `{ type: 'reopenAsText' }`. */
export function renderSessionErrorHtml(options: { cspSource: string; nonce: string; message: string }): string {
  const { nonce } = options;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(panelCsp(options.cspSource, nonce))}">
<title>Socket Inspector session</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 1.5em; }
.error { color: var(--vscode-errorForeground); white-space: pre-wrap; margin: 1em 0; }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 6px 14px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
</style>
</head>
<body>
<h2>This session file cannot be opened</h2>
<p class="error" data-testid="session-error" role="alert">${escapeHtml(options.message)}</p>
<p>The file was not changed. Fix it in the text editor, or save the session under another name.</p>
<button type="button" data-testid="reopen-as-text" id="reopen">Reopen with Text Editor</button>
<script nonce="${nonce}">
const api = acquireVsCodeApi();
document.getElementById('reopen').addEventListener('click', () => api.postMessage({ type: 'reopenAsText' }));
</script>
</body>
</html>
`;
}
