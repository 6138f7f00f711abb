// The field reader behind the session validator: walks one JSON object, reads its known fields with
// checks that name the field's path in the error, and reports the unknown ones as warnings (with a
// "did you mean" for a near miss). Also the ISO 8601 time check every dated field uses.
import { SocketInspectorError } from '../../../shared/errors';
import type { SessionWarning } from './sessionFormat';

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-](\d{2}):(\d{2}))$/;

export type Json = Record<string, unknown>;

export function bad(path: string, message: string): SocketInspectorError {
  return new SocketInspectorError('BAD_SESSION', `${path} ${message}`);
}

/** A short rendering of a wrong value for an error message. */
export function found(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    case 'object':
      return 'an object';
    default:
      return String(v);
  }
}

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function child(path: string, key: string): string {
  const part = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
  return path === '' ? part : /^[A-Za-z_$]/.test(part) ? `${path}.${part}` : `${path}[${part}]`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

function suggestion(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase();
  const near = known.find((k) => k.toLowerCase() === lower) ?? known.find((k) => editDistance(k, key) <= 2);
  return near ? ` (did you mean "${near}"?)` : '';
}

/** Walks one JSON object: reads known fields with checks, and collects the unknown ones. */
export class Reader {
  constructor(
    private readonly source: Json,
    readonly path: string,
    private readonly known: readonly string[],
    warnings: SessionWarning[],
  ) {
    for (const key of Object.keys(source)) {
      if (!known.includes(key)) {
        warnings.push({
          path: child(path, key),
          message: `${child(path, key)} is not a known field${suggestion(key, known)}; it is kept in the file but not used`,
        });
      }
    }
  }

  static object(v: unknown, path: string, known: readonly string[], warnings: SessionWarning[], what = 'an object'): Reader {
    if (!isRecord(v)) throw bad(path, `must be ${what} (found ${found(v)})`);
    return new Reader(v, path, known, warnings);
  }

  has(key: string): boolean {
    return this.source[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.source[key];
  }

  at(key: string): string {
    return child(this.path, key);
  }

  /** The value of a required field, or the error for its absence. */
  need(key: string, what: string): unknown {
    const v = this.source[key];
    if (v === undefined) throw bad(this.path === '' ? 'The session' : this.path, `needs "${key}" (${what})`);
    return v;
  }

  string(key: string, required: true): string;
  string(key: string, required?: false): string | undefined;
  string(key: string, required = false): string | undefined {
    const v = required ? this.need(key, 'a string') : this.source[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw bad(this.at(key), `must be a string (found ${found(v)})`);
    return v;
  }

  boolean(key: string): boolean | undefined {
    const v = this.source[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw bad(this.at(key), `must be true or false (found ${found(v)})`);
    return v;
  }

  integer(key: string, min: number, max: number, required: true): number;
  integer(key: string, min: number, max: number, required?: false): number | undefined;
  integer(key: string, min: number, max: number, required = false): number | undefined {
    const range = `${min}–${max}`;
    const v = required ? this.need(key, `an integer ${range}`) : this.source[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw bad(this.at(key), `must be an integer ${range} (found ${found(v)})`);
    }
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.need(key, `one of ${values.map((x) => `"${x}"`).join(', ')}`);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      throw bad(this.at(key), `must be one of ${values.map((x) => `"${x}"`).join(', ')} (found ${found(v)})`);
    }
    return v as T;
  }

  list(key: string, required = false): unknown[] | undefined {
    const v = required ? this.need(key, 'a list') : this.source[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw bad(this.at(key), `must be a list (found ${found(v)})`);
    return v;
  }

  /** Copies the unknown fields of the source onto `target`, after its known ones. */
  keepExtras<T extends object>(target: T): T {
    for (const key of Object.keys(this.source)) {
      if (this.known.includes(key)) continue;
      // defineProperty, not assignment: a "__proto__" key must stay a plain field, not a prototype.
      Object.defineProperty(target, key, { value: this.source[key], enumerable: true, writable: true, configurable: true });
    }
    return target;
  }
}

/** Milliseconds since the epoch of an ISO 8601 date-time, or undefined when it is not a real one. */
export function parseIsoTime(s: string): number | undefined {
  const m = ISO_TIME.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as number[];
  if (month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || second! > 59) return undefined;
  const leap = year! % 4 === 0 && (year! % 100 !== 0 || year! % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month! - 1]!;
  if (day! < 1 || day! > days) return undefined;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}
