import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { panelCsp, renderPanelHtml } from '../../src/panel/panelHtml';

const options = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'q1w2e3r4t5y6u7i8o9p0aa==',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  codiconUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicon.css',
};

describe('panel HTML', () => {
  it('has a strict CSP: nonce scripts only, styles and fonts from the webview origin', () => {
    assert.equal(
      panelCsp(options.cspSource, options.nonce),
      "default-src 'none'; script-src 'nonce-q1w2e3r4t5y6u7i8o9p0aa=='; style-src https://file+.vscode-resource.vscode-cdn.net 'nonce-q1w2e3r4t5y6u7i8o9p0aa=='; font-src https://file+.vscode-resource.vscode-cdn.net; img-src https://file+.vscode-resource.vscode-cdn.net data:",
    );
    const html = renderPanelHtml(options);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  });

  it('loads exactly one script, with the nonce, and the codicon stylesheet the icon component looks for', () => {
    const html = renderPanelHtml(options);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(html, /<script nonce="q1w2e3r4t5y6u7i8o9p0aa==" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"><\/script>/);
    assert.match(html, /<link id="vscode-codicon-stylesheet" rel="stylesheet" nonce="q1w2e3r4t5y6u7i8o9p0aa==" href="[^"]+codicon\.css">/);
  });

  it('escapes URIs and refuses weak nonces', () => {
    const html = renderPanelHtml({ ...options, scriptUri: 'https://x/"><script>alert(1)</script>' });
    assert.doesNotMatch(html, /"><script>alert/);
    assert.throws(() => renderPanelHtml({ ...options, nonce: 'short' }), /nonce/);
    assert.throws(() => renderPanelHtml({ ...options, nonce: `abc'; script-src *; x='0123456789` }), /nonce/);
  });
});
