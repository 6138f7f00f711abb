// One-line fields from the network (header names and values, status lines, certificate names, close
// reasons, URLs) are shown so they cannot break a line or read backwards.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { visibleText } from '../../shared/codecs/utf8Decode';

describe('visibleText', () => {
  it('spells out bidi overrides, isolates, zero-width characters, separators and BOMs', () => {
    assert.equal(visibleText('invoice\u202Egpj.exe'), 'invoice\\u202Egpj.exe');
    assert.equal(visibleText('a\u2066b\u2069c\u200Bd\u2028e\uFEFF'), 'a\\u2066b\\u2069c\\u200Bd\\u2028e\\uFEFF');
  });

  it('spells control characters as the escapes log rows and the Text tab show, NUL included (no control pictures)', () => {
    assert.equal(visibleText('evil\r\nX-Injected: 1\u0000'), 'evil\\r\\nX-Injected: 1\\0');
    assert.equal(visibleText('\u0085\u009f\u007f\u001b'), '\\u0085\\u009F\\x7F\\x1B');
  });

  it('leaves everything else exactly as it is, markup and astral characters included', () => {
    const text = '<img src=x onerror="alert(1)"> ${x} «ünï» 😀 مرحبا';
    assert.equal(visibleText(text), text);
    assert.equal(visibleText(''), '');
  });
});
