// Environment files (`*.socket-env.json`): named sets of variables a test run picks one of (`--env
// staging`), so the same tests run against a local server and a staging one. Secrets do not belong here
// (the file is committed): write `${secret:ID}` in the session instead. schemas/socket-env.schema.json
// describes the format for the editor.
//
//   { "environments": { "local": { "wsUrl": "ws://127.0.0.1:8765/" }, "staging": { … } } }
import { SocketInspectorError } from '../../../shared/errors';
import { findJsonSyntaxError } from '../../../shared/codecs/jsonSyntax';
import { positionOf } from '../../../shared/errors';
import { bad, found, isRecord } from '../session/sessionFieldReader';
import { positionOfMessage } from './jsonPositions';
import { VARIABLE_NAME } from './testVariables';

/** How environment files are named. */
export const ENV_FILE_SUFFIX = '.socket-env.json';

/** Largest environment file read: 1 MiB. */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;

/** Environment name → variable name → value. */
export type Environments = Readonly<Record<string, Readonly<Record<string, string>>>>;

function withPosition(text: string, e: SocketInspectorError): SocketInspectorError {
  const at = positionOfMessage(text, e.message);
  if (!at) return e;
  return new SocketInspectorError('BAD_SESSION', `${e.message} (line ${at.position.line}, column ${at.position.column})`, { position: at.position });
}

function read(value: unknown): Environments {
  if (!isRecord(value)) throw bad('The environment file', `holds an object { "environments": { "name": { "variable": "value" } } } (found ${found(value)})`);
  for (const key of Object.keys(value)) {
    if (key !== '$schema' && key !== 'environments') throw bad(key, 'is not a field of an environment file (it holds "environments")');
  }
  const envs = value.environments;
  if (!isRecord(envs)) throw bad('environments', `must be an object { "name": { "variable": "value" } } (found ${found(envs)})`);
  const out: Record<string, Record<string, string>> = {};
  for (const [name, vars] of Object.entries(envs)) {
    const path = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `environments.${name}` : `environments[${JSON.stringify(name)}]`;
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw bad(path, 'is not an environment name (1–64 letters, digits, _ . and -)');
    if (!isRecord(vars)) throw bad(path, `must be an object { "variable": "value" } (found ${found(vars)})`);
    const values: Record<string, string> = {};
    for (const [v, x] of Object.entries(vars)) {
      const at = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(v) ? `${path}.${v}` : `${path}[${JSON.stringify(v)}]`;
      if (!VARIABLE_NAME.test(v)) throw bad(at, 'is not a variable name (letters, digits, _ . and -, not starting with a digit)');
      if (typeof x === 'string') values[v] = x;
      else if (typeof x === 'number' || typeof x === 'boolean') values[v] = String(x);
      else throw bad(at, `must be a string, number or boolean (found ${found(x)})`);
    }
    Object.defineProperty(out, name, { value: values, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Parses an environment file's text; throws BAD_SESSION naming the field at fault with its line and column. */
export function parseEnvironmentFile(text: string): Environments {
  if (text.length > MAX_ENV_FILE_BYTES) throw new SocketInspectorError('BAD_SESSION', `The environment file is larger than ${MAX_ENV_FILE_BYTES / 1024} KiB`);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const found = findJsonSyntaxError(body);
    const position = positionOf(body, found?.offset ?? 0);
    throw new SocketInspectorError('BAD_SESSION', `The environment file is not valid JSON: ${found?.reason ?? (e as Error).message} at line ${position.line}, column ${position.column}`, { position });
  }
  try {
    return read(value);
  } catch (e) {
    throw e instanceof SocketInspectorError ? withPosition(body, e) : e;
  }
}

/**
 * The variables of environment `name` from the files given (later files override earlier ones for
 * the same variable). Throws naming the environments there are when none of the files defines it.
 */
export function pickEnvironment(files: readonly { path: string; environments: Environments }[], name: string): Record<string, string> {
  const out: Record<string, string> = {};
  let found = false;
  for (const f of files) {
    const env = Object.hasOwn(f.environments, name) ? f.environments[name] : undefined;
    if (!env) continue;
    found = true;
    Object.assign(out, env);
  }
  if (!found) {
    const known = [...new Set(files.flatMap((f) => Object.keys(f.environments)))];
    const where = files.length === 0 ? `no environment file (*${ENV_FILE_SUFFIX}) was found` : `the environment files define ${known.length ? known.map((k) => `"${k}"`).join(', ') : 'none'}`;
    throw new SocketInspectorError('BAD_SESSION', `There is no environment "${name}": ${where}`);
  }
  return out;
}
