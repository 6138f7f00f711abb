// A path to a field inside a JSON document, as people write it: `id`, `params.requestId`, `data[0].id`.
import { MAX_FIELD_PATH_LENGTH } from '../../../shared/timingModel';

/** One step of a path: an object key or an array index. */
export type PathSegment = string | number;

/** A parsed path, or what is wrong with the text. */
export type ParsedPath = { readonly ok: true; readonly segments: readonly PathSegment[] } | { readonly ok: false; readonly message: string };

/**
 * Parses `a.b[0].c`: keys separated by dots, array indexes in brackets. A key may hold any character
 * but `.`, `[` and `]`; surrounding whitespace of the whole path is ignored. Empty text is "no path".
 */
export function parseFieldPath(text: string): ParsedPath {
  const path = text.trim();
  if (path.length > MAX_FIELD_PATH_LENGTH) return { ok: false, message: `The field path is longer than ${MAX_FIELD_PATH_LENGTH} characters` };
  if (path === '') return { ok: true, segments: [] };
  const segments: PathSegment[] = [];
  let i = 0;
  let expectKey = true;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '[') {
      const close = path.indexOf(']', i);
      const inner = close < 0 ? '' : path.slice(i + 1, close);
      if (!/^\d{1,9}$/.test(inner)) {
        return { ok: false, message: `"${path}": expected an array index like [0] at character ${i + 1}` };
      }
      segments.push(Number(inner));
      i = close + 1;
      expectKey = false;
      continue;
    }
    if (c === '.') {
      if (expectKey) return { ok: false, message: `"${path}": a field name is missing before the dot at character ${i + 1}` };
      i++;
      expectKey = true;
      if (i === path.length) return { ok: false, message: `"${path}": a field name is missing after the last dot` };
      continue;
    }
    if (c === ']') return { ok: false, message: `"${path}": unexpected ] at character ${i + 1}` };
    if (!expectKey) return { ok: false, message: `"${path}": expected . or [ at character ${i + 1}` };
    let j = i;
    while (j < path.length && path[j] !== '.' && path[j] !== '[' && path[j] !== ']') j++;
    segments.push(path.slice(i, j));
    i = j;
    expectKey = false;
  }
  return { ok: true, segments };
}

/** The value at `segments` in a parsed JSON value, or undefined when the path does not lead anywhere. */
export function readField(value: unknown, segments: readonly PathSegment[]): unknown {
  let v = value;
  for (const s of segments) {
    if (typeof s === 'number') {
      if (!Array.isArray(v) || s >= v.length) return undefined;
      v = v[s];
    } else if (Array.isArray(v)) {
      // `params.0.id` means the same as `params[0].id`.
      if (!/^\d{1,9}$/.test(s) || Number(s) >= v.length) return undefined;
      v = v[Number(s)];
    } else {
      if (typeof v !== 'object' || v === null || !Object.hasOwn(v, s)) return undefined;
      v = (v as Record<string, unknown>)[s];
    }
  }
  return v;
}
