// Parses JSON text into a light tree that keeps every scalar token as it was written, so
// 12345678901234567890 stays exact and 1.0 stays 1.0 (JSON.parse would round and normalize them).
// Iterative: deep nesting cannot overflow the stack.
import { t } from './l10n';

/** A parsed JSON value with scalars kept as their source text. */
export type JsonNode =
  | { readonly kind: 'object'; readonly entries: Array<[key: string, value: JsonNode]> }
  | { readonly kind: 'array'; readonly items: JsonNode[] }
  | { readonly kind: 'string' | 'number' | 'literal'; readonly raw: string };

const WS = /[ \t\r\n]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;

/** Parses JSON text (already known to be valid) without recursion; throws SyntaxError otherwise. */
export function parseJsonTree(text: string): JsonNode {
  let i = 0;
  const skip = (): void => {
    WS.lastIndex = i;
    WS.exec(text);
    i = WS.lastIndex;
  };
  const token = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return undefined;
    i = re.lastIndex;
    return m[0];
  };
  type Frame = { node: JsonNode; key?: string };
  const stack: Frame[] = [];
  let root: JsonNode | undefined;
  const attach = (node: JsonNode): void => {
    const top = stack[stack.length - 1];
    if (!top) root = node;
    else if (top.node.kind === 'object') top.node.entries.push([top.key!, node]);
    else if (top.node.kind === 'array') top.node.items.push(node);
  };
  const fail = (): never => {
    throw new SyntaxError(t('Invalid JSON at offset {0}', i));
  };
  // `expectValue` is true where a value must come next (start, after ':' or ',' in an array, after '[').
  let expectValue = true;
  for (;;) {
    skip();
    if (expectValue) {
      const c = text[i];
      if (c === '{' || c === '[') {
        const node: JsonNode = c === '{' ? { kind: 'object', entries: [] } : { kind: 'array', items: [] };
        attach(node);
        stack.push({ node });
        i++;
        skip();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++;
          stack.pop();
          expectValue = false;
        } else if (c === '{') {
          const key = token(STRING) ?? fail();
          skip();
          if (text[i++] !== ':') fail();
          stack[stack.length - 1]!.key = key;
        }
        if (expectValue === false && stack.length === 0) break;
        continue;
      }
      const raw = token(STRING);
      if (raw !== undefined) attach({ kind: 'string', raw });
      else {
        const num = token(NUMBER);
        if (num !== undefined) attach({ kind: 'number', raw: num });
        else attach({ kind: 'literal', raw: token(LITERAL) ?? fail() });
      }
      expectValue = false;
      if (stack.length === 0) break;
      continue;
    }
    const top = stack[stack.length - 1];
    if (!top) break;
    const c = text[i++];
    if (c === ',') {
      if (top.node.kind === 'object') {
        skip();
        top.key = token(STRING) ?? fail();
        skip();
        if (text[i++] !== ':') fail();
      }
      expectValue = true;
    } else if ((c === '}' && top.node.kind === 'object') || (c === ']' && top.node.kind === 'array')) {
      stack.pop();
      if (stack.length === 0) break;
    } else fail();
  }
  skip();
  if (i !== text.length || !root) fail();
  return root!;
}
