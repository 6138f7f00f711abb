import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { panelCsp, renderPanelHtml } from '../../src/panel/panelHtml';
import { formatMessage, parseL10nBundle, t, tParts } from '../../webview/l10n';

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

describe('panel HTML translations', () => {
  it('carries the bundle as data the webview parses back exactly, escaped against markup', () => {
    const bundle = { Connect: 'Verbinden', 'Save "{0}"': '«{0}» speichern </div><script>alert(1)</script> & more' };
    const html = renderPanelHtml({ ...options, l10nBundle: bundle, language: 'de' });
    assert.match(html, /<html lang="de">/);
    assert.doesNotMatch(html, /<\/div><script>alert/);
    const attribute = /data-l10n="([^"]*)"/.exec(html)?.[1];
    assert.ok(attribute, 'no data-l10n attribute');
    const decoded = attribute.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    assert.deepEqual(parseL10nBundle(decoded), new Map(Object.entries(bundle)));
  });

  it('has no bundle in English and refuses a language tag that is not one', () => {
    const html = renderPanelHtml(options);
    assert.doesNotMatch(html, /data-l10n/);
    assert.match(html, /<html lang="en">/);
    assert.match(renderPanelHtml({ ...options, language: 'en"><script>' }), /<html lang="en">/);
  });
});

describe('webview t()', () => {
  it('fills {n} placeholders as vscode.l10n.t does and leaves one without an argument', () => {
    assert.equal(formatMessage('{0} of {1} entries', [3, '1,000']), '3 of 1,000 entries');
    assert.equal(formatMessage('{0} and {1}', ['a']), 'a and {1}');
    assert.equal(formatMessage('no {0} args', []), 'no {0} args');
    assert.equal(t('Reconnect {0}', 'now'), 'Reconnect now');
  });

  it('reads only string translations from a bundle and falls back to English on anything else', () => {
    assert.deepEqual(parseL10nBundle('{"a":"b","n":1,"o":{}}'), new Map([['a', 'b']]));
    assert.equal(parseL10nBundle('not json').size, 0);
    assert.equal(parseL10nBundle('["a"]').size, 0);
    assert.equal(parseL10nBundle(undefined).size, 0);
  });
});

describe('webview tParts()', () => {
  it('cuts the message at its placeholders and puts each argument, of any kind, in its place', () => {
    const link = { seq: 5 };
    assert.deepEqual(tParts('Answered by {0} after {1}', link, '3 ms'), ['Answered by ', link, ' after ', '3 ms']);
    assert.deepEqual(tParts('{1} then {0}', 'a', 2), ['2', ' then ', 'a']);
    assert.deepEqual(tParts('no args {0}'), ['no args {0}']);
  });
});
