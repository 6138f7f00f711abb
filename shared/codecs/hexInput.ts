// Hex typed or pasted by a person, in the shapes people actually paste: `48 65 6c`, `0x48,0x65`,
// `48656c`, `48:65:6c`, `\x48\x65`, spread over lines.
import { inputError } from './inputError';

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Characters that only separate byte groups: whitespace (incl. NBSP), `,` `:` `;` `-`. */
function isSeparator(c: number): boolean {
  return (
    c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x0b || c === 0xa0 ||
    c === 0x2c || c === 0x3a || c === 0x3b || c === 0x2d
  );
}

const MAX_RUN_IN_MESSAGE = 24;

/**
 * Parses hex digits into bytes. Groups may be separated by whitespace, `,` `:` `;` `-`, and may start
 * with `0x` or `\x`; each group needs an even number of digits.
 * Throws SocketInspectorError('INVALID_HEX') naming the bad character and its line and column.
 */
export function parseHex(text: string): Uint8Array {
  function fail(offset: number, reason: string): never {
    throw inputError('INVALID_HEX', 'Invalid hex', text, offset, reason);
  }
  const out = new Uint8Array(Math.ceil(text.length / 2));
  let o = 0;
  let runStart = -1; // offset of the first digit of the current group, -1 between groups
  let high = -1; // pending high nibble
  const endRun = (end: number): void => {
    if (runStart < 0) return;
    if (high >= 0) {
      let run = text.slice(runStart, end);
      if (run.length > MAX_RUN_IN_MESSAGE) run = run.slice(0, MAX_RUN_IN_MESSAGE) + '…';
      fail(end - 1, `odd number of hex digits in '${run}'; each byte needs two`);
    }
    runStart = -1;
  };
  /** A prefix at `at` of length 2 must be followed directly by a digit. */
  const afterPrefix = (at: number, prefix: string): number => {
    const next = at + 2;
    if (next >= text.length || hexValue(text.charCodeAt(next)) < 0) {
      fail(next < text.length ? next : at + 1, `${prefix} must be followed by hex digits`);
    }
    return next;
  };
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const v = hexValue(c);
    if (v >= 0) {
      if (runStart < 0) {
        const next = text.charCodeAt(i + 1);
        if (c === 0x30 && (next === 0x78 || next === 0x58)) i = afterPrefix(i, '0x');
        runStart = i;
        continue;
      }
      if (high < 0) high = v;
      else {
        out[o++] = (high << 4) | v;
        high = -1;
      }
      i++;
    } else if (isSeparator(c)) {
      endRun(i);
      i++;
    } else if (c === 0x5c) {
      endRun(i);
      const next = text.charCodeAt(i + 1);
      if (next !== 0x78 && next !== 0x58) fail(i, "a backslash must start '\\x'");
      i = afterPrefix(i, '\\x');
      runStart = i;
    } else {
      fail(i, 'not a hex digit');
    }
  }
  endRun(text.length);
  return out.slice(0, o);
}
