// The one table of control and invisible characters that log rows, the Text tab and one-line fields
// spell as escapes, and the capped split a log row draws from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTROL_RUN, escapedWidth, hasControls, isControlCode, splitControls } from '../../shared/codecs/controlEscapes';

describe('the control character table', () => {
  it('is the same set whether asked one code at a time, of a string, or as runs', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const ch = String.fromCharCode(code);
      CONTROL_RUN.lastIndex = 0;
      const inRun = CONTROL_RUN.test(ch);
      assert.equal(isControlCode(code), inRun, `U+${code.toString(16)}`);
      assert.equal(hasControls(`a${ch}b`), inRun, `U+${code.toString(16)} in a string`);
    }
    assert.equal(isControlCode(0x1f600), false, 'astral characters are shown as they are');
  });

  it('knows an escape is as wide as its text', () => {
    for (const [code, escape] of [[0x0a, '\\n'], [0x00, '\\0'], [0x1b, '\\x1B'], [0x7f, '\\x7F'], [0x85, '\\u0085'], [0x202e, '\\u202E']] as const) {
      assert.equal(escapedWidth(code), escape.length);
      assert.deepEqual(splitControls(String.fromCharCode(code)), [{ text: escape, control: true }]);
    }
  });
});

describe('splitControls with a cap on runs', () => {
  it('escapes up to the cap as runs, then the rest as one plain piece spelled the same', () => {
    assert.deepEqual(splitControls('a\nb\r\nc\0d\te', 2), [
      { text: 'a', control: false },
      { text: '\\n', control: true },
      { text: 'b', control: false },
      { text: '\\r\\n', control: true },
      { text: 'c\\0d\\te', control: false },
    ]);
    assert.deepEqual(splitControls('\n\n', 0), [{ text: '\\n\\n', control: false }]);
  });

  it('shows the same text whatever the cap', () => {
    const text = 'x\u0001y\u202ez\r\n';
    for (let cap = 0; cap < 4; cap++) {
      const shown = splitControls(text, cap).map((p) => p.text).join('');
      assert.equal(shown, 'x\\x01y\\u202Ez\\r\\n', `cap ${cap}: the same text shown`);
    }
  });
});
