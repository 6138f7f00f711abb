// Where each value of a JSON text starts, by path (`tests[0].steps[2].expect`, the notation the session
// validator's errors use), so the loader can name the line and column of a step or of a wrong field.
// JSON.parse keeps no positions; this is one iterative pass over text JSON.parse has already accepted.
import { positionOf, type InputPosition } from '../../../shared/errors';

/** A child path in the validator's notation (sessionFieldReader.ts): `a.b`, `a["x y"]`, `a[0]`. */
function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const part = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
  return path === '' ? part : /^[A-Za-z_$]/.test(part) ? `${path}.${part}` : `${path}[${part}]`;
}

/** Characters that end a number or a literal: whitespace, `,`, `]`, `}`. */
const DELIMITER = new Set([0x20, 0x0a, 0x0d, 0x09, 0x2c, 0x5d, 0x7d]);

interface Frame {
  readonly path: string;
  readonly array: boolean;
  index: number;
  key: string | undefined;
}

/**
 * Offsets of the values of valid JSON `text` whose path `keep` accepts (every value when absent). The
 * root value is ''. Linear; strings are skipped without being decoded except object keys.
 */
export function valueOffsets(text: string, keep: (path: string) => boolean = () => true): Map<string, number> {
  const out = new Map<string, number>();
  const stack: Frame[] = [];
  const n = text.length;
  let i = 0;
  const skipString = (): number => {
    const start = i;
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) i++;
      else if (c === 0x22) break;
    }
    i++;
    return start;
  };
  const currentPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    return top.array ? childPath(top.path, top.index) : childPath(top.path, top.key ?? '');
  };
  let expectKey = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === 0x22 && expectKey && top && !top.array) {
      const start = skipString();
      top.key = JSON.parse(text.slice(start, i)) as string;
      expectKey = false;
      continue;
    }
    if (c === 0x3a /* : */) {
      i++;
      continue;
    }
    if (c === 0x2c /* , */) {
      if (top?.array) top.index++;
      else expectKey = true;
      i++;
      continue;
    }
    if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      stack.pop();
      i++;
      continue;
    }
    // A value starts here.
    const path = currentPath();
    if (keep(path)) out.set(path, i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      stack.push({ path, array: c === 0x5b, index: 0, key: undefined });
      expectKey = c === 0x7b;
      i++;
      continue;
    }
    if (c === 0x22) {
      skipString();
      continue;
    }
    // A number or literal: up to the next delimiter.
    while (i < n && !DELIMITER.has(text.charCodeAt(i))) i++;
  }
  return out;
}

/** The line and column of the value at `path` in JSON `text`, or undefined when there is none. */
export function positionOfPath(text: string, path: string): InputPosition | undefined {
  const offsets = valueOffsets(text, (p) => p === path);
  const at = offsets.get(path);
  return at === undefined ? undefined : positionOf(text, at);
}

/**
 * The longest path a validator message starts with (`tests[0].steps[2].expect.within must be …`) that
 * leads to a value of `text`, with its position.
 */
export function positionOfMessage(text: string, message: string): { path: string; position: InputPosition } | undefined {
  const m = /^((?:[A-Za-z_$][A-Za-z0-9_$]*)(?:\.[A-Za-z_$][A-Za-z0-9_$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*)/.exec(message);
  if (!m) return undefined;
  let path = m[1]!;
  const wanted = new Set<string>();
  for (let p = path; p !== ''; p = p.replace(/(?:\.[^.[\]]+|\[[^\]]*\])$|^[^.[\]]+$/, '')) wanted.add(p);
  const offsets = valueOffsets(text, (p) => wanted.has(p));
  while (path !== '') {
    const at = offsets.get(path);
    if (at !== undefined) return { path, position: positionOf(text, at) };
    const shorter = path.replace(/(?:\.[^.[\]]+|\[[^\]]*\])$|^[^.[\]]+$/, '');
    if (shorter === path) break;
    path = shorter;
  }
  return undefined;
}
