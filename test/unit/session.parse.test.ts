// Reading session text: valid files round-trip, and corrupt, truncated, future-version, deeply nested,
// huge and wrongly typed files fail with a BAD_SESSION error that says what and where.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SocketInspectorError } from '../../shared/errors';
import { MAX_SESSION_BYTES, type Session } from '../../src/core/session/sessionFormat';
import { findTooDeep, parseSession, parseSessionWithWarnings } from '../../src/core/session/sessionParse';
import { parseIsoTime } from '../../src/core/session/sessionValidate';
import { serializeSession } from '../../src/core/session/sessionSerialize';

const FIXTURES = join(__dirname, 'fixtures', 'sessions');
const validNames = readdirSync(join(FIXTURES, 'valid')).filter((f) => f.endsWith('.json')).sort();
const readValid = (name: string) => readFileSync(join(FIXTURES, 'valid', name), 'utf8');

/** Asserts `fn` throws BAD_SESSION whose message matches, and returns the error. */
function badSession(fn: () => unknown, message: RegExp): SocketInspectorError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof SocketInspectorError, `expected a SocketInspectorError, got ${String(caught)}`);
  assert.equal(caught.code, 'BAD_SESSION');
  assert.match(caught.message, message);
  return caught;
}

const minimal = { version: 1, connection: { type: 'websocket', url: 'ws://127.0.0.1:8080/' } };
const withConnection = (connection: object) => JSON.stringify({ version: 1, connection });

/** Deterministic pseudo-random numbers (mulberry32), so a failing mutation can be reproduced. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseSession: valid files', () => {
  for (const name of validNames) {
    it(`round-trips ${name}: parse → serialize → parse gives the same session, and serializing is stable`, () => {
      const first = parseSession(readValid(name));
      const text = serializeSession(first);
      const second = parseSession(text);
      assert.deepEqual(second, first);
      assert.equal(serializeSession(second), text);
      assert.ok(text.endsWith('}\n'));
    });
  }

  it('writes known fields in a fixed order whatever order they were given in', () => {
    const a = parseSession('{"connection":{"url":"ws://h/","type":"websocket"},"name":"n","version":1}');
    assert.equal(
      serializeSession(a),
      '{\n  "version": 1,\n  "name": "n",\n  "connection": {\n    "type": "websocket",\n    "url": "ws://h/"\n  }\n}\n',
    );
  });

  it('keeps unknown fields at every level, warns about each, and writes them back after the known ones', () => {
    const text = JSON.stringify({
      futureTop: { nested: [1, { deep: true }] },
      version: 1,
      connection: { type: 'tcp', host: 'localhost', port: 7, keepAlive: 30, tls: { servername: 'x', minVersion: 'TLSv1.3' } },
      messages: [{ format: 'text', body: 'hi', color: 'red' }],
      log: {
        savedAt: '2024-05-01T12:00:00.000Z',
        recorder: 'v2',
        dropped: { entries: 0, bytes: 0, why: 'cap' },
        entries: [{ seq: 1, time: '2024-05-01T12:00:00.000Z', mono: 1, direction: 'in', kind: 'data', text: 'a', rtt: 3 }],
      },
    });
    const { session, warnings } = parseSessionWithWarnings(text);
    assert.deepEqual(
      warnings.map((w) => w.path).sort(),
      [
        'connection.keepAlive',
        'connection.tls.minVersion',
        'futureTop',
        'log.dropped.why',
        'log.entries[0].rtt',
        'log.recorder',
        'messages[0].color',
      ],
    );
    const again = JSON.parse(serializeSession(session));
    assert.deepEqual(again.futureTop, { nested: [1, { deep: true }] });
    assert.equal(again.connection.keepAlive, 30);
    assert.equal(again.connection.tls.minVersion, 'TLSv1.3');
    assert.equal(again.messages[0].color, 'red');
    assert.equal(again.log.recorder, 'v2');
    assert.equal(again.log.dropped.why, 'cap');
    assert.equal(again.log.entries[0].rtt, 3);
    assert.deepEqual(Object.keys(again), ['version', 'connection', 'messages', 'log', 'futureTop']);
  });

  it('suggests the known field for a misspelt one', () => {
    const { warnings } = parseSessionWithWarnings(withConnection({ type: 'websocket', url: 'ws://h/', Headers: [] }));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /connection\.Headers is not a known field \(did you mean "headers"\?\)/);
  });

  it('keeps a "__proto__" field as data, without touching any prototype', () => {
    const text = '{"version":1,"__proto__":{"polluted":true},"connection":{"type":"websocket","url":"ws://h/","__proto__":{"x":1}}}';
    const { session, warnings } = parseSessionWithWarnings(text);
    assert.equal(Object.getPrototypeOf(session), Object.prototype);
    assert.equal(Object.getPrototypeOf(session.connection), Object.prototype);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    assert.equal((session as unknown as { polluted?: boolean }).polluted, undefined);
    assert.deepEqual(warnings.map((w) => w.path), ['__proto__', 'connection.__proto__']);
    const written = serializeSession(session);
    assert.match(written, /"__proto__": \{\n {4}"polluted": true\n {2}\}/);
    assert.deepEqual(parseSession(written), session);
  });

  it('accepts a byte order mark, and counts lines from the real start for errors', () => {
    assert.deepEqual(parseSession(`\uFEFF${JSON.stringify(minimal)}`), minimal);
    const e = badSession(() => parseSession('\uFEFF{\n  "version": 1,\n  oops\n}'), /not valid JSON/);
    assert.equal(e.details.position?.line, 3);
    assert.equal(e.details.position?.column, 3);
  });
});

describe('parseSession: versions', () => {
  it('refuses a missing version, naming what a session starts with', () => {
    badSession(() => parseSession(withConnection({ type: 'tcp', host: 'h', port: 1 }).replace('"version":1,', '')), /has no "version"/);
  });

  it('refuses a newer version before looking at anything else', () => {
    badSession(
      () => parseSession('{"version": 7, "connection": 5, "whatever": [1,2,3]}'),
      /^version 7 is newer than this extension understands \(1\); update Socket Inspector/,
    );
  });

  for (const [v, shown] of [['0', '0'], ['1.5', '1.5'], ['"1"', '"1"'], ['null', 'null'], ['[1]', 'a list']] as const) {
    it(`refuses version ${v}`, () => {
      badSession(() => parseSession(`{"version": ${v}, "connection": {"type": "tcp", "host": "h", "port": 1}}`), new RegExp(`^version must be 1 \\(found ${shown.replace(/[[\]().]/g, '\\$&')}\\)`));
    });
  }
});

describe('parseSession: corrupt and hostile input', () => {
  it('refuses empty and blank text', () => {
    badSession(() => parseSession(''), /The file is empty/);
    badSession(() => parseSession(' \n\t\r\n'), /The file is empty/);
  });

  for (const text of ['null', '42', '"a session"', 'true', '[]']) {
    it(`refuses a top-level ${text}`, () => {
      badSession(() => parseSession(text), /^A session file holds a JSON object/);
    });
  }

  it('names line and column of a JSON syntax error', () => {
    const e = badSession(() => parseSession('{\n  "version": 1,\n  "connection": {"type": "tcp",, }\n}'), /not valid JSON: .* at line 3, column 32/);
    assert.deepEqual(e.details.position, { offset: 49, line: 3, column: 32 });
  });

  it('refuses every truncation of a valid file, saying it looks cut short', () => {
    const text = readValid('with-log.socket-session.json').trimEnd();
    for (let length = 0; length < text.length; length++) {
      const cut = text.slice(0, length);
      if (cut.trim() === '') {
        badSession(() => parseSession(cut), /empty/);
        continue;
      }
      const e = badSession(() => parseSession(cut), /not valid JSON/);
      assert.match(e.message, /cut short/, `prefix of ${length}: ${e.message}`);
    }
  });

  it('never fails with anything but BAD_SESSION on thousands of corrupted variants', () => {
    const base = readValid('with-log.socket-session.json');
    const next = random(20240501);
    const junk = ['"', '{', '}', '[', ']', ',', ':', '\\', '0', '-', 'e', ' ', '\u0000', 'é', '\uD800', 'null', '1e999'];
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      let text = base;
      const edits = 1 + Math.floor(next() * 3);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(next() * text.length);
        const r = next();
        if (r < 0.4) text = text.slice(0, at) + junk[Math.floor(next() * junk.length)]! + text.slice(at + 1);
        else if (r < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 20));
        else text = text.slice(0, at) + junk[Math.floor(next() * junk.length)]! + text.slice(at);
      }
      try {
        parseSession(text);
        parsed++;
      } catch (e) {
        assert.ok(e instanceof SocketInspectorError, `mutation ${i} threw ${String(e)}`);
        assert.equal(e.code, 'BAD_SESSION');
        assert.ok(e.message.length > 10);
      }
    }
    // Most mutations break the file; some (inside a string) leave a valid one. Both outcomes occur.
    assert.ok(parsed > 0 && parsed < 3000, `parsed ${parsed}`);
  });

  for (const levels of [100_000, 1_000_000]) {
    it(`refuses ${levels.toLocaleString('en')} levels of nesting before parsing, with the position`, () => {
      const deep = `{"version":1,"connection":{"type":"tcp","host":"h","port":1},"x":${'['.repeat(levels)}${']'.repeat(levels)}}`;
      const e = badSession(() => parseSession(deep), /more than 64 levels deep \(line 1, column \d+\)/);
      assert.equal(e.details.position?.offset, deep.indexOf('[') + 63);
    });
  }

  it('counts only real nesting: brackets inside strings and escaped quotes do not count', () => {
    const name = `${'['.repeat(10_000)} \\" {{{ `;
    const text = `{"version":1,"name":"${name}","connection":{"type":"tcp","host":"h","port":1}}`;
    assert.equal(parseSession(text).name, name.replace('\\"', '"'));
    assert.equal(findTooDeep('[[["]]]]]]"]]]', 3), -1);
    assert.equal(findTooDeep('[[[[]]]]', 3), 3);
  });

  it('accepts nesting up to the limit in unknown fields', () => {
    const text = `{"version":1,"connection":{"type":"tcp","host":"h","port":1},"x":${'['.repeat(63)}${']'.repeat(63)}}`;
    assert.equal(parseSessionWithWarnings(text).warnings.length, 1);
  });

  it('refuses text larger than the limit without parsing it', () => {
    // Not JSON at all: the size check must come first.
    const huge = 'x'.repeat(MAX_SESSION_BYTES + 1);
    badSession(() => parseSession(huge), /The session file is 64\.0 MiB; Socket Inspector opens session files of at most 64\.0 MiB/);
  });

  it('measures the limit in UTF-8 bytes, not characters', () => {
    const text = JSON.stringify({ ...minimal, name: 'é'.repeat(600) });
    assert.equal(parseSession(text, { maxBytes: 1300 }).name?.length, 600);
    badSession(() => parseSession(text, { maxBytes: 1000 }), /at most 1000 bytes/);
  });

  it('names the path of wrongly typed fields deep in the file', () => {
    const entry = (extra: object) => ({ seq: 0, time: '2024-05-01T12:00:00.000Z', mono: 0, direction: 'in', kind: 'text', text: '', ...extra });
    const log = (entries: object[]) => JSON.stringify({ ...minimal, log: { savedAt: '2024-05-01T12:00:00Z', entries } });
    badSession(
      () => parseSession(log([entry({ seq: 0 }), entry({ seq: 1 }), entry({ seq: 2, kind: 7 })])),
      /^log\.entries\[2\]\.kind must be one of "text", .* \(found 7\)$/,
    );
    badSession(() => parseSession(log([entry({ seq: 1e300 })])), /^log\.entries\[0\]\.seq must be an integer/);
    badSession(() => parseSession(log([entry({ mono: -1 })])), /^log\.entries\[0\]\.mono must be a number ≥ 0/);
    badSession(() => parseSession(JSON.stringify({ ...minimal, log: [] })), /^log must be an object \{ "savedAt", "entries" \} \(found a list\)/);
    badSession(() => parseSession(JSON.stringify({ ...minimal, messages: {} })), /^messages must be a list \(found an object\)/);
    badSession(() => parseSession(JSON.stringify({ ...minimal, name: 5 })), /^name must be a string \(found 5\)/);
    badSession(() => parseSession(withConnection({ type: 'tcp', host: 'h', port: 65536 })), /^connection\.port must be an integer 1–65535 \(found 65536\)/);
    badSession(() => parseSession(withConnection({ type: 'tcp', host: '', port: 1 })), /^connection\.host must not be empty/);
    badSession(() => parseSession(withConnection({ type: 'websocket' })), /^connection needs "url"/);
    badSession(() => parseSession(withConnection({ url: 'ws://h/' })), /^connection needs "type": "websocket" or "tcp"/);
    badSession(() => parseSession(JSON.stringify({ version: 1, connection: 'ws://h/' })), /^connection must be an object \(found "ws:\/\/h\/"\)/);
    const long = 'ws://h/' + 'a'.repeat(100);
    badSession(() => parseSession(JSON.stringify({ version: 1, connection: { type: 'websocket', url: 5, note: long } })), /found 5\)$/);
  });

  it('shortens long wrong values in messages', () => {
    const e = badSession(() => parseSession(withConnection({ type: 'tcp', host: 'h', port: 'x'.repeat(1000) })), /found "x{40}…"\)$/);
    assert.ok(e.message.length < 150);
  });

  it('lets a ${env:…} URL through for later resolution, but checks its syntax', () => {
    assert.equal((parseSession(withConnection({ type: 'websocket', url: '${env:WS_URL}' })).connection as { url: string }).url, '${env:WS_URL}');
    badSession(() => parseSession(withConnection({ type: 'websocket', url: 'ws://${env:HOST/' })), /^connection\.url has a malformed placeholder/);
    badSession(() => parseSession(withConnection({ type: 'websocket', url: 'x${env:A}' })), /must start with ws:\/\/, wss:\/\/ or a \$\{env:NAME\} placeholder/);
  });

  it('accepts IPv6 TCP hosts with or without brackets, and refuses a host with a port in it', () => {
    assert.equal((parseSession(withConnection({ type: 'tcp', host: '::1', port: 1 })).connection as { host: string }).host, '::1');
    assert.equal((parseSession(withConnection({ type: 'tcp', host: '[::1]', port: 1 })).connection as { host: string }).host, '[::1]');
    badSession(() => parseSession(withConnection({ type: 'tcp', host: 'localhost:80', port: 1 })), /^connection\.host is not a usable host/);
  });

  it('returns the session with the declared types', () => {
    const s: Session = parseSession(readValid('websocket-full.socket-session.json'));
    assert.equal(s.connection.type, 'websocket');
    assert.equal(s.messages?.length, 4);
  });
});

describe('parseIsoTime', () => {
  it('accepts real date-times only', () => {
    assert.equal(parseIsoTime('2024-05-01T12:00:00.123Z'), Date.UTC(2024, 4, 1, 12, 0, 0, 123));
    assert.equal(parseIsoTime('2024-05-01T14:00:00+02:00'), Date.UTC(2024, 4, 1, 12));
    assert.equal(parseIsoTime('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29));
    assert.equal(parseIsoTime('2000-02-29T00:00:00Z'), Date.UTC(2000, 1, 29));
    for (const bad of ['2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T12:60:00Z',
      '2024-05-01T12:00:60Z', '2024-05-01T12:00:00+24:00', '2024-05-01T12:00:00', '2024-05-01', '2024-05-01t12:00:00z', ' 2024-05-01T12:00:00Z']) {
      assert.equal(parseIsoTime(bad), undefined, bad);
    }
  });
});
