// Locates the first JSON syntax error ourselves: engines word JSON.parse errors differently (V8
// "at position N", newer V8 "(line 1 column 5)", Firefox "at line 1 column 2", some no position at all),
// and a person needs line and column. The grammar is RFC 8259, exactly what JSON.parse accepts.

/** Where and why JSON text is invalid. `offset` is a UTF-16 index into the text (text.length = end). */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly reason: string;
}

const OBJECT = 1;
const ARRAY = 2;

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isJsonWhitespace(text.charCodeAt(i))) return false;
  return true;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

class JsonSyntaxFound {
  constructor(readonly error: JsonSyntaxError) {}
}

/**
 * Returns the first syntax error in `text` as JSON.parse would see it, or undefined when it parses.
 * Iterative, so deeply nested input cannot overflow the stack.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    scanJson(text);
    return undefined;
  } catch (e) {
    if (e instanceof JsonSyntaxFound) return e.error;
    throw e;
  }
}

function scanJson(text: string): void {
  const n = text.length;
  const stack: number[] = [];
  let i = 0;
  let afterComma = false; // the value being read follows a ',' in an array
  function fail(offset: number, reason: string): never {
    throw new JsonSyntaxFound({ offset, reason });
  }
  const skipWhitespace = (): void => {
    while (i < n && isJsonWhitespace(text.charCodeAt(i))) i++;
  };
  const scanString = (): void => {
    // text[i] is the opening quote.
    let j = i + 1;
    for (;;) {
      if (j >= n) fail(n, 'unterminated string');
      const c = text.charCodeAt(j);
      if (c === 0x22) break;
      if (c < 0x20) fail(j, 'control characters in strings must be escaped (\\n, \\t, \\u0000…)');
      if (c === 0x5c) {
        j++;
        if (j >= n) fail(n, 'unterminated string');
        const e = text.charCodeAt(j);
        if (e === 0x75) {
          for (let k = 1; k <= 4; k++) {
            if (j + k >= n || !isHex(text.charCodeAt(j + k))) fail(j + k, '\\u needs four hex digits');
          }
          j += 5;
          continue;
        }
        // " \ / b f n r t
        if (e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 &&
            e !== 0x74) {
          fail(j, 'invalid escape; JSON allows \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX');
        }
      }
      j++;
    }
    i = j + 1;
  };
  const scanNumber = (): void => {
    if (text.charCodeAt(i) === 0x2d) {
      i++;
      if (i >= n || !isDigit(text.charCodeAt(i))) fail(i, "expected a digit after '-'");
    }
    if (text.charCodeAt(i) === 0x30) {
      i++;
      if (i < n && isDigit(text.charCodeAt(i))) fail(i, 'numbers cannot have leading zeros');
    } else {
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (i >= n || !isDigit(text.charCodeAt(i))) fail(i, "expected a digit after '.'");
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (i >= n || !isDigit(text.charCodeAt(i))) fail(i, 'expected a digit in the exponent');
      while (i < n && isDigit(text.charCodeAt(i))) i++;
    }
  };
  const scanLiteral = (word: string): void => {
    for (let k = 0; k < word.length; k++) {
      if (text.charCodeAt(i + k) !== word.charCodeAt(k)) fail(i + k, `expected '${word}'`);
    }
    i += word.length;
  };
  const scanKey = (reason: string): void => {
    skipWhitespace();
    if (text.charCodeAt(i) !== 0x22) fail(i, reason);
    scanString();
    skipWhitespace();
    if (text.charCodeAt(i) !== 0x3a) fail(i, "expected ':' after the property name");
    i++;
  };

  // Alternates between expecting a value and what may follow one, with containers on an explicit stack.
  for (;;) {
    // A value.
    skipWhitespace();
    const c = text.charCodeAt(i);
    if (c === 0x7b) {
      i++;
      skipWhitespace();
      if (text.charCodeAt(i) === 0x7d) i++;
      else {
        stack.push(OBJECT);
        scanKey("expected a property name in double quotes or '}'");
        continue;
      }
    } else if (c === 0x5b) {
      i++;
      skipWhitespace();
      if (text.charCodeAt(i) === 0x5d) i++;
      else {
        stack.push(ARRAY);
        continue;
      }
    } else if (c === 0x22) scanString();
    else if (c === 0x2d || isDigit(c)) scanNumber();
    else if (c === 0x74) scanLiteral('true');
    else if (c === 0x66) scanLiteral('false');
    else if (c === 0x6e) scanLiteral('null');
    else if (c === 0x5d && afterComma) fail(i, "expected a value; a trailing ',' is not allowed");
    else fail(i, i >= n && isBlank(text) ? 'empty input; expected a JSON value' : 'expected a value');
    afterComma = false;

    // After a value: close containers until one wants another value.
    for (;;) {
      skipWhitespace();
      const top = stack[stack.length - 1];
      const d = text.charCodeAt(i);
      if (top === undefined) {
        if (i < n) fail(i, 'unexpected text after the JSON value');
        return;
      }
      if (d === 0x2c) {
        i++;
        if (top === OBJECT) {
          skipWhitespace();
          scanKey(
            text.charCodeAt(i) === 0x7d
              ? "expected a property name; a trailing ',' is not allowed"
              : 'expected a property name in double quotes',
          );
        } else afterComma = true;
        break;
      }
      if (top === ARRAY && d === 0x5d) {
        stack.pop();
        i++;
      } else if (top === OBJECT && d === 0x7d) {
        stack.pop();
        i++;
      } else {
        fail(i, top === ARRAY ? "expected ',' or ']' after an array element" : "expected ',' or '}' after a property value");
      }
    }
  }
}
