// JSON text as a tree that remembers where each value starts, so a mistake in the composer's text can be
// named by line and column, and numbers keep their spelling (64-bit integers beyond double precision).
// Syntax errors are found first by the shared scanner (jsonError), which words them for a person.
import { inputError } from '../../../../shared/codecs/inputError';
import { jsonError } from '../../../../shared/codecs/jsonFormat';

export type JsonValue =
  | { readonly kind: 'object'; readonly offset: number; readonly members: readonly JsonMember[] }
  | { readonly kind: 'array'; readonly offset: number; readonly items: readonly JsonValue[] }
  | { readonly kind: 'string'; readonly offset: number; readonly value: string }
  /** `text` as written: `12345678901234567890`, `1e3`, `-0.5`. */
  | { readonly kind: 'number'; readonly offset: number; readonly text: string }
  | { readonly kind: 'bool'; readonly offset: number; readonly value: boolean }
  | { readonly kind: 'null'; readonly offset: number };

export interface JsonMember {
  readonly key: string;
  readonly keyOffset: number;
  readonly value: JsonValue;
}

/** Deepest nesting accepted; a Protobuf message cannot be deeper than 100 anyway. */
const MAX_DEPTH = 200;

/** Parses JSON text; throws the INVALID_JSON SocketInspectorError (line, column) when it is not JSON. */
export function parseJsonTree(text: string): JsonValue {
  const syntax = jsonError(text);
  if (syntax) throw syntax;
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) throw inputError('INVALID_JSON', 'Invalid JSON', text, i, `nested deeper than ${MAX_DEPTH} levels`);
    ws();
    const offset = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const members: JsonMember[] = [];
      ws();
      if (text[i] === '}') i++;
      else {
        for (;;) {
          ws();
          const keyOffset = i;
          const key = str();
          ws();
          i++; // ':'
          members.push({ key, keyOffset, value: value(depth + 1) });
          ws();
          if (text[i++] === '}') break;
        }
      }
      return { kind: 'object', offset, members };
    }
    if (c === '[') {
      i++;
      const items: JsonValue[] = [];
      ws();
      if (text[i] === ']') i++;
      else {
        for (;;) {
          items.push(value(depth + 1));
          ws();
          if (text[i++] === ']') break;
        }
      }
      return { kind: 'array', offset, items };
    }
    if (c === '"') return { kind: 'string', offset, value: str() };
    if (c === 't' || c === 'f') {
      i += c === 't' ? 4 : 5;
      return { kind: 'bool', offset, value: c === 't' };
    }
    if (c === 'n') {
      i += 4;
      return { kind: 'null', offset };
    }
    while (i < text.length && /[-+.eE0-9]/.test(text[i]!)) i++;
    return { kind: 'number', offset, text: text.slice(offset, i) };
  };
  return value(0);
}
