// The JSON schema the editor uses and the validator the extension uses must agree: every fixture the
// schema accepts opens without error or warning, and every fixture it rejects fails (or warns) in the
// validator too. `stricter/` holds what only the validator can see (documented gaps of JSON Schema).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SocketInspectorError } from '../../shared/errors';
import { SESSION_FIELDS } from '../../src/core/session/sessionFormat';
import { parseSessionWithWarnings } from '../../src/core/session/sessionParse';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(__dirname, 'fixtures', 'sessions');
const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'socket-session.schema.json'), 'utf8')) as Schema;
const expectations = JSON.parse(readFileSync(join(FIXTURES, 'expectations.json'), 'utf8')) as Record<string, string>;

type Schema = { [keyword: string]: unknown };

/** Keywords the checker below evaluates. */
const VALIDATION = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'minimum',
  'maximum', 'minLength', 'pattern', 'uniqueItems', 'oneOf', 'if', 'then', 'else',
]);
/** Keywords that only annotate (descriptions, editor hints). `format` is checked by VS Code, not here. */
const ANNOTATION = new Set([
  '$schema', 'title', 'description', 'default', 'enumDescriptions', 'patternErrorMessage', 'defaultSnippets',
  'format', 'definitions',
]);

function resolve(ref: string): Schema {
  const m = /^#\/definitions\/([A-Za-z]+)$/.exec(ref);
  assert.ok(m, `unsupported $ref ${ref}`);
  const defs = schema.definitions as Record<string, Schema>;
  const target = defs[m[1]!];
  assert.ok(target, `dangling $ref ${ref}`);
  return target;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function isType(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

/** Errors of `v` against `s` (a subset of draft-07: the keywords in VALIDATION), as "path: problem". */
function check(s: Schema, v: unknown, path: string): string[] {
  const errors: string[] = [];
  if (typeof s.$ref === 'string') errors.push(...check(resolve(s.$ref), v, path));
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => isType(v, t))) return [...errors, `${path}: expected ${types.join('|')}`];
  }
  if (s.enum !== undefined && !(s.enum as unknown[]).includes(v)) errors.push(`${path}: not in enum`);
  if (s.const !== undefined && s.const !== v) errors.push(`${path}: not ${JSON.stringify(s.const)}`);
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) errors.push(`${path}: below minimum`);
    if (typeof s.maximum === 'number' && v > s.maximum) errors.push(`${path}: above maximum`);
  }
  if (typeof v === 'string') {
    if (typeof s.minLength === 'number' && [...v].length < s.minLength) errors.push(`${path}: too short`);
    // VS Code compiles schema patterns with the 'u' flag.
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errors.push(`${path}: pattern`);
  }
  if (Array.isArray(v)) {
    if (s.items !== undefined) v.forEach((item, i) => errors.push(...check(s.items as Schema, item, `${path}[${i}]`)));
    if (s.uniqueItems === true && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) {
      errors.push(`${path}: items not unique`);
    }
  }
  if (typeOf(v) === 'object') {
    const o = v as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const key of (s.required ?? []) as string[]) if (!(key in o)) errors.push(`${path}: missing ${key}`);
    for (const [key, value] of Object.entries(o)) {
      if (props[key]) errors.push(...check(props[key]!, value, `${path}.${key}`));
      else if (s.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
    }
  }
  if (s.oneOf !== undefined) {
    const passing = (s.oneOf as Schema[]).filter((alt) => check(alt, v, path).length === 0).length;
    if (passing !== 1) errors.push(`${path}: matches ${passing} of oneOf`);
  }
  if (s.if !== undefined) {
    const branch = check(s.if as Schema, v, path).length === 0 ? s.then : s.else;
    if (branch !== undefined) errors.push(...check(branch as Schema, v, path));
  }
  return errors;
}

/** Every keyword used anywhere in the schema, so one the checker ignores cannot slip in unnoticed. */
function keywordsOf(s: unknown, into: Set<string>, underProperties = false): Set<string> {
  if (Array.isArray(s)) s.forEach((x) => keywordsOf(x, into));
  else if (typeof s === 'object' && s !== null) {
    for (const [k, v] of Object.entries(s)) {
      if (!underProperties) into.add(k);
      if (k === 'defaultSnippets' || k === 'enum' || k === 'const' || k === 'default' || k === 'enumDescriptions') continue;
      keywordsOf(v, into, !underProperties && (k === 'properties' || k === 'definitions'));
    }
  }
  return into;
}

function fixtures(folder: string): string[] {
  return readdirSync(join(FIXTURES, folder))
    .filter((f) => f.endsWith('.socket-session.json'))
    .sort()
    .map((f) => `${folder}/${f}`);
}

function read(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** The validator's verdict: its error message, or its first warning, or undefined when clean. */
function validatorProblem(text: string): string | undefined {
  try {
    const { warnings } = parseSessionWithWarnings(text);
    return warnings[0]?.message;
  } catch (e) {
    assert.ok(e instanceof SocketInspectorError, `not a SocketInspectorError: ${String(e)}`);
    assert.equal(e.code, 'BAD_SESSION');
    return e.message;
  }
}

describe('session JSON schema', () => {
  it('uses only keywords the checker evaluates or that only annotate', () => {
    const unknown = [...keywordsOf(schema, new Set())].filter((k) => !VALIDATION.has(k) && !ANNOTATION.has(k));
    assert.deepEqual(unknown, []);
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  });

  it('lists exactly the fields the validator knows, each with a description', () => {
    const defs = schema.definitions as Record<string, Schema>;
    const places: [keyof typeof SESSION_FIELDS, Schema][] = [
      ['root', schema],
      ['websocket', defs.websocket!],
      ['tcp', defs.tcp!],
      ['tls', defs.tls!],
      ['header', defs.header!],
      ['message', defs.message!],
      ['log', defs.log!],
      ['dropped', (defs.log!.properties as Record<string, Schema>).dropped!],
      ['entry', defs.entry!],
      ['autoReply', (defs.entry!.properties as Record<string, Schema>).autoReply!],
    ];
    for (const [place, s] of places) {
      const props = s.properties as Record<string, Schema>;
      assert.deepEqual(Object.keys(props).sort(), [...SESSION_FIELDS[place]].sort(), place);
      assert.equal(s.additionalProperties, false, place);
      for (const [key, p] of Object.entries(props)) {
        const described = typeof p.description === 'string' || (typeof p.$ref === 'string' && typeof resolve(p.$ref).description === 'string');
        assert.ok(described, `${place}.${key} has no description`);
      }
    }
  });

  it('the checker itself catches what it claims to (so agreement below can fail)', () => {
    const s: Schema = { type: 'object', required: ['a'], additionalProperties: false, properties: { a: { type: 'integer', minimum: 1 } } };
    assert.deepEqual(check(s, { a: 1 }, '$'), []);
    assert.notDeepEqual(check(s, { a: 0 }, '$'), []);
    assert.notDeepEqual(check(s, { a: 1, b: 2 }, '$'), []);
    assert.notDeepEqual(check(s, {}, '$'), []);
    assert.notDeepEqual(check(s, { a: 1.5 }, '$'), []);
  });

  for (const name of fixtures('valid')) {
    it(`accepts ${name} (and so does the validator, without warnings)`, () => {
      const text = read(name);
      assert.deepEqual(check(schema, JSON.parse(text), '$'), []);
      assert.equal(validatorProblem(text), undefined);
    });
  }

  for (const name of fixtures('invalid')) {
    it(`rejects ${name} (and so does the validator, with a clear message)`, () => {
      const text = read(name);
      assert.notDeepEqual(check(schema, JSON.parse(text), '$'), [], 'the schema accepted it');
      const problem = validatorProblem(text);
      assert.ok(problem, 'the validator accepted it');
      const expected = expectations[name];
      assert.ok(expected, `no expectation for ${name} in expectations.json`);
      assert.ok(problem.includes(expected), `"${problem}" does not contain "${expected}"`);
    });
  }

  for (const name of fixtures('stricter')) {
    it(`validator-only: ${name} passes the schema but not the validator`, () => {
      const text = read(name);
      // If the schema learns to catch this one, move the fixture to invalid/.
      assert.deepEqual(check(schema, JSON.parse(text), '$'), []);
      const problem = validatorProblem(text);
      assert.ok(problem, 'the validator accepted it');
      const expected = expectations[name]!;
      assert.ok(problem.includes(expected), `"${problem}" does not contain "${expected}"`);
    });
  }

  it('has an expectation for every failing fixture and no stale ones', () => {
    assert.deepEqual(Object.keys(expectations).sort(), [...fixtures('invalid'), ...fixtures('stricter')].sort());
  });
});
