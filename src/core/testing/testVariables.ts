// Variables in a session's tests: `${name}` from the chosen environment of an environment file or from
// an earlier capture, `${env:NAME}` from the process environment, `${secret:ID}` from the secret store
// (in the CLI: the environment variable SOCKET_INSPECTOR_SECRET_<ID>). `$${` writes a literal `${`.
// A variable that is not defined is an error before anything is sent: never an empty string on the wire.
import { SocketInspectorError } from '../../../shared/errors';
import type { EnvRecord } from '../session/sessionEnv';

/** A variable name: letters, digits, `_`, `.` and `-`, not starting with a digit, `.` or `-`. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/** One `${…}` in a text. */
export interface Placeholder {
  readonly source: 'var' | 'env' | 'secret';
  readonly name: string;
}

const PLACEHOLDER = /\$\$\{|\$\{([^}]*)\}/g;

function classify(inner: string): Placeholder | string {
  const colon = inner.indexOf(':');
  if (colon < 0) {
    return VARIABLE_NAME.test(inner) ? { source: 'var', name: inner } : `"\${${inner}}" is not a variable name (letters, digits, _ . and -, not starting with a digit)`;
  }
  const prefix = inner.slice(0, colon);
  const name = inner.slice(colon + 1);
  if (prefix === 'env') {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? { source: 'env', name } : `"\${${inner}}": an environment variable name is letters, digits and _`;
  }
  if (prefix === 'secret') {
    return /^[A-Za-z0-9_-]{1,128}$/.test(name) ? { source: 'secret', name } : `"\${${inner}}": a secret id is 1–128 letters, digits, _ or -`;
  }
  return `"\${${inner}}" has an unknown prefix "${prefix}:" (write \${name}, \${env:NAME} or \${secret:ID})`;
}

/** The placeholders of `text` in order; throws BAD_SESSION naming `where` for a malformed one. */
export function placeholdersOf(text: string, where: string): Placeholder[] {
  const out: Placeholder[] = [];
  if (!text.includes('${')) return out;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m[0] === '$${') continue;
    const p = classify(m[1]!);
    if (typeof p === 'string') throw new SocketInspectorError('BAD_SESSION', `${where}: ${p}`);
    out.push(p);
  }
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('${')) throw new SocketInspectorError('BAD_SESSION', `${where}: a "\${" is not closed by "}" (write $\${ for a literal \${)`);
  return out;
}

/** Whether a JSON value has a `${` in any string value of it, that is, whether filling could change it. */
function hasPlaceholder(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${');
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (hasPlaceholder(v)) return true;
    return false;
  }
  for (const k in value) if (Object.hasOwn(value, k) && hasPlaceholder((value as Record<string, unknown>)[k])) return true;
  return false;
}

/** The name of the environment variable the CLI reads `${secret:ID}` from: SOCKET_INSPECTOR_SECRET_<ID>, ID upper-cased, `-` as `_`. */
export function secretEnvName(id: string): string {
  return `SOCKET_INSPECTOR_SECRET_${id.toUpperCase().replace(/-/g, '_')}`;
}

/** Where variable values come from. */
export interface VariableSources {
  /** The chosen environment of an environment file: name → value. */
  readonly environment?: Readonly<Record<string, string>>;
  /** For `${env:NAME}`; normally process.env. */
  readonly env?: EnvRecord;
  /** For `${secret:ID}`: the value, or undefined when there is none. */
  readonly secret?: (id: string) => string | undefined;
}

/** The values of one test run: the sources, the captures made so far, and every secret value seen. */
export class Variables {
  private readonly captured = new Map<string, string>();
  private readonly secretValues = new Set<string>();

  constructor(private readonly sources: VariableSources = {}) {}

  /** Keeps a captured value for later `${name}`. */
  capture(name: string, value: string): void {
    this.captured.set(name, value);
  }

  /** Whether `${name}` has a value now (an environment value or a capture). */
  has(name: string): boolean {
    return this.captured.has(name) || this.sources.environment?.[name] !== undefined;
  }

  /** Adds values that must not be printed or written (those the connection settings resolved to). */
  addSensitive(values: readonly string[]): void {
    for (const v of values) if (v !== '') this.secretValues.add(v);
  }

  /** Values that must not be printed or written: secrets and `${env:…}` values used so far. */
  get sensitive(): readonly string[] {
    return [...this.secretValues];
  }

  /** Why `p` has no value, or undefined when it has one (`captures` names the variables an earlier step will capture). */
  missing(p: Placeholder, captures: ReadonlySet<string> = new Set()): string | undefined {
    switch (p.source) {
      case 'var':
        return this.has(p.name) || captures.has(p.name)
          ? undefined
          : `\${${p.name}} is not defined: no environment chosen defines it and no earlier step captures it`;
      case 'env':
        return this.sources.env?.[p.name] !== undefined ? undefined : `\${env:${p.name}} is not set: the environment variable ${p.name} is missing`;
      case 'secret':
        return this.sources.secret?.(p.name) !== undefined
          ? undefined
          : `\${secret:${p.name}} has no value (in the command line, set the environment variable ${secretEnvName(p.name)})`;
    }
  }

  private value(p: Placeholder, where: string): string {
    let v: string | undefined;
    if (p.source === 'var') v = this.captured.get(p.name) ?? this.sources.environment?.[p.name];
    else if (p.source === 'env') v = this.sources.env?.[p.name];
    else v = this.sources.secret?.(p.name);
    if (v === undefined) throw new SocketInspectorError('BAD_SESSION', `${where}: ${this.missing(p)}`);
    if (p.source !== 'var' && v !== '') this.secretValues.add(v);
    return v;
  }

  /**
   * `text` with every placeholder filled in. `keepEnv` leaves `${env:…}` as written (for connection
   * settings, which the session code resolves itself). Throws BAD_SESSION naming `where`.
   */
  fill(text: string, where: string, keepEnv = false): string {
    if (!text.includes('${')) return text;
    placeholdersOf(text, where);
    return text.replace(PLACEHOLDER, (whole, inner: string | undefined) => {
      if (inner === undefined) return keepEnv ? whole : '${';
      const p = classify(inner) as Placeholder;
      if (keepEnv && p.source === 'env') return whole;
      return this.value(p, where);
    });
  }

  /** A JSON value with every string in it filled in; the value itself (not a copy) when it has no placeholder. */
  fillJson<T>(value: T, where: string): T {
    // Most steps have no placeholder, and a step runs once per round of a repeat: no copy for them.
    if (!hasPlaceholder(value)) return value;
    if (typeof value === 'string') return this.fill(value, where) as T;
    if (Array.isArray(value)) return value.map((v) => this.fillJson(v, where)) as T;
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        Object.defineProperty(out, k, { value: this.fillJson(v, where), enumerable: true, writable: true, configurable: true });
      }
      return out as T;
    }
    return value;
  }

  /** `text` with every sensitive value replaced by `<redacted>`, for anything printed or written. */
  redact(text: string): string {
    let out = text;
    for (const v of [...this.secretValues].sort((a, b) => b.length - a.length)) if (out.includes(v)) out = out.split(v).join('<redacted>');
    return out;
  }
}
