// Seeded property tests for session files: damaged files are rejected as BAD_SESSION and nothing else,
// whatever parses writes back to an equal session, and a recorded log survives save and load byte-exact.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { SocketInspectorError } from '../../shared/errors';
import { EntryLog } from '../../src/core/log/entryLog';
import {
  logEntriesFromSession,
  parseSession,
  parseSessionWithWarnings,
  type Session,
  serializeSession,
  sessionLogFromEntryLog,
} from '../../src/core/session';
import { forAll, type SeededRandom } from '../support/seededRandom';

const VALID_DIR = join(__dirname, 'fixtures', 'sessions', 'valid');
const FIXTURES: readonly { name: string; text: string }[] = readdirSync(VALID_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(VALID_DIR, name), 'utf8') }));

const ATOMS: readonly string[] = [
  ...'{}[]",:\\ \n\t0123456789-+.eEtfnul',
  'true', 'false', 'null', '\\u0000', '\\ud800', '\ud800', '\ufeff', '😀', 'é', '\u0000', '\u2028',
  '"__proto__"', '"constructor"', '"version"', '"type"', '"tcp"', '"websocket"', '1e400', '-1', '0.5',
  '"meta"', '"text"', '"base64"', '"seq"',
];

/** Checks the outcome of parsing `text`: a BAD_SESSION with an in-range position, or a session that round-trips. */
function checkSessionText(text: string): 'parsed' | 'rejected' {
  let session: Session;
  try {
    session = parseSessionWithWarnings(text).session;
  } catch (e) {
    assert.ok(e instanceof SocketInspectorError, `non-SocketInspectorError escaped: ${e instanceof Error ? e.stack : String(e)}`);
    assert.equal(e.code, 'BAD_SESSION', e.message);
    assert.ok(e.message.length > 0);
    const position = e.details.position;
    if (position) {
      assert.ok(position.offset >= 0 && position.offset <= text.length, `position ${position.offset} outside ${text.length}`);
    }
    return 'rejected';
  }
  checkRoundTrip(session);
  return 'parsed';
}

/** serializeSession → parseSession gives an equal session, and writing it again gives the same text. */
function checkRoundTrip(session: Session): void {
  const written = serializeSession(session);
  const again = parseSession(written);
  assert.deepEqual(again, session);
  assert.equal(serializeSession(again), written);
}

/** Random JSON value of any type, sometimes deep. */
function randomValue(rng: SeededRandom): unknown {
  switch (rng.int(12)) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.pick([0, -1, 1, 0.5, 65536, 2 ** 53, -0, 1e308, 7]);
    case 3: return rng.pick(['', 'x', 'ws://127.0.0.1:1/', 'tcp', 'websocket', 'meta', 'text', '\ud800', '${env:X}', 'AAE=', '2024-05-01T12:00:00.000Z']);
    case 4: return [];
    case 5: return {};
    case 6: return [randomValue(rng), randomValue(rng)];
    // A computed key makes an own property even for "__proto__", as JSON.parse does.
    case 7: return { [rng.pick(['a', '__proto__', 'constructor', 'version', 'type'])]: randomValue(rng) };
    case 8: return nest(rng.pick([1, 'x', null]), rng.range(1, 100), rng);
    default: return rng.pick(['text', 'binary', 'in', 'out', 1, 1000]);
  }
}

/** `inner` wrapped in `depth` random arrays and objects. */
function nest(inner: unknown, depth: number, rng: SeededRandom): unknown {
  let v = inner;
  for (let d = 0; d < depth; d++) v = rng.chance(0.5) ? [v] : { k: v };
  return v;
}

/** Every container (object or array) in `root`, with the keys it holds. */
function containers(root: unknown): (Record<string, unknown> | unknown[])[] {
  const out: (Record<string, unknown> | unknown[])[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'object' && v !== null) {
      out.push(v as Record<string, unknown>);
      stack.push(...Object.values(v));
    }
  }
  return out;
}

/** Changes the structure: a field gets another type, is deleted or added, or an item is duplicated or nested. */
function mutateStructure(rng: SeededRandom, text: string): string {
  const root: unknown = JSON.parse(text);
  const edits = rng.range(1, 3);
  for (let e = 0; e < edits; e++) {
    const target = rng.pick(containers(root));
    const keys = Object.keys(target);
    // Arrays get index keys only: JSON arrays never have named properties.
    const key = keys.length > 0 && rng.chance(0.8)
      ? rng.pick(keys)
      : Array.isArray(target) ? String(target.length) : rng.pick(['extra', '__proto__', 'constructor', '0']);
    const rec = target as Record<string, unknown>;
    // Own properties only, as JSON.parse makes them: "__proto__" and "constructor" are plain keys here.
    const get = (k: string): unknown => (Object.hasOwn(rec, k) ? rec[k] : null);
    const set = (k: string, value: unknown): void => {
      Object.defineProperty(rec, k, { value, enumerable: true, writable: true, configurable: true });
    };
    switch (rng.int(5)) {
      case 0: set(key, randomValue(rng)); break;
      case 1: if (Array.isArray(target)) target.splice(Number(key) || 0, 1); else delete rec[key]; break;
      case 2: set(key, nest(get(key), rng.pick([1, 2, 10, 63, 64, 65, 500]), rng)); break;
      case 3: if (Array.isArray(target) && target.length > 0) target.push(structuredClone(target[0])); else set(key, randomValue(rng)); break;
      default: if (Array.isArray(target)) target.push(structuredClone(get(key))); else set(`${key}_copy`, structuredClone(get(key)));
    }
  }
  return JSON.stringify(root, null, rng.pick([0, 2, '\t']));
}

/** Damages the text: characters flipped, deleted or inserted, slices repeated, the end cut off. */
function mutateText(rng: SeededRandom, text: string): string {
  let s = text;
  const edits = rng.range(1, 4);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(s.length + 1);
    switch (rng.int(6)) {
      case 0: s = s.slice(0, at) + rng.pick(ATOMS) + s.slice(at + 1); break;
      case 1: s = s.slice(0, at) + s.slice(at + rng.range(1, 5)); break;
      case 2: s = s.slice(0, at) + (rng.chance(0.1) ? String.fromCharCode(rng.int(0x10000)) : rng.pick(ATOMS)) + s.slice(at); break;
      case 3: s = s.slice(0, at); break;
      case 4: { const end = Math.min(s.length, at + rng.int(40)); s = s.slice(0, end) + s.slice(at, end) + s.slice(end); break; }
      default: s = s.slice(0, at) + '['.repeat(rng.pick([1, 64, 65, 1000])) + s.slice(at);
    }
  }
  if (rng.chance(0.05)) s = '\ufeff' + s;
  return s;
}

describe('fuzz: session files', () => {
  it('every valid fixture writes back to an equal session', () => {
    assert.ok(FIXTURES.length >= 5, `expected the valid fixtures in ${VALID_DIR}`);
    for (const f of FIXTURES) {
      assert.doesNotThrow(() => checkRoundTrip(parseSession(f.text)), f.name);
    }
  });

  it('text-damaged fixtures parse (and round-trip) or throw BAD_SESSION, nothing else', () => {
    const outcomes = { parsed: 0, rejected: 0 };
    forAll('session text mutations', 0x5e55, 3000, (rng) => {
      const f = rng.pick(FIXTURES);
      outcomes[checkSessionText(mutateText(rng, f.text))]++;
    });
    // Both outcomes must occur, or the mutations are not testing what they claim to.
    assert.ok(outcomes.parsed > 50 && outcomes.rejected > 50, JSON.stringify(outcomes));
  });

  it('structure-damaged fixtures (types changed, fields dropped or added, deep nesting) parse or throw BAD_SESSION', () => {
    const outcomes = { parsed: 0, rejected: 0 };
    forAll('session structure mutations', 0x57c7, 3000, (rng) => {
      const f = rng.pick(FIXTURES);
      outcomes[checkSessionText(mutateStructure(rng, f.text))]++;
    });
    assert.ok(outcomes.parsed > 50 && outcomes.rejected > 50, JSON.stringify(outcomes));
  });

  it('extremely deep nesting is rejected as BAD_SESSION with a position', () => {
    forAll('deep nesting', 0xdee9, 20, (rng) => {
      const depth = rng.range(65, 200_000);
      const open = rng.chance(0.5) ? '[' : '{"a":';
      const text = `{"version":1,"connection":${open.repeat(depth)}`;
      let error: unknown;
      try {
        parseSession(text);
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof SocketInspectorError && error.code === 'BAD_SESSION', String(error));
      assert.ok(error.details.position && error.details.position.offset < text.length);
    });
  });
});

const WIRE: readonly [Direction, Kind][] = [
  [Direction.In, Kind.Text], [Direction.Out, Kind.Text], [Direction.In, Kind.Binary], [Direction.Out, Kind.Binary],
  [Direction.In, Kind.Ping], [Direction.Out, Kind.Pong], [Direction.In, Kind.Close], [Direction.Out, Kind.Close],
  [Direction.In, Kind.Data], [Direction.Out, Kind.Data],
  [Direction.Meta, Kind.Connecting], [Direction.Meta, Kind.Open], [Direction.Meta, Kind.Handshake],
  [Direction.Meta, Kind.Error], [Direction.Meta, Kind.Closed],
];

/** A payload that is sometimes text (with controls, BOM, astral characters) and sometimes arbitrary bytes. */
function randomPayload(rng: SeededRandom): Uint8Array {
  if (rng.chance(0.5)) return rng.bytes(rng.int(rng.chance(0.05) ? 2000 : 30));
  let s = '';
  const n = rng.int(30);
  for (let i = 0; i < n; i++) {
    s += rng.pick(['a', ' ', '\n', '\r', '\t', '\u0000', '\u001b', '\u007f', '\ufeff', 'é', '😀', '"', '\\', '\u2028', String.fromCodePoint(rng.range(0x20, 0xd7ff))]);
  }
  return new TextEncoder().encode(s);
}

describe('fuzz: recorded log through a session file', () => {
  it('EntryLog → sessionLogFromEntryLog → serialize → parse → logEntriesFromSession keeps bytes, directions, kinds, codes', () => {
    forAll('log round trip', 0x109, 400, (rng) => {
      const log = new EntryLog({ maxEntries: rng.range(1, 60), maxBytes: rng.pick([100, 5000, 1 << 20]) });
      const appended: { direction: Direction; kind: Kind; payload: Uint8Array; code: number }[] = [];
      let mono = rng.int(1000);
      const n = rng.int(80);
      for (let i = 0; i < n; i++) {
        const [direction, kind] = rng.pick(WIRE);
        const payload = randomPayload(rng);
        const code = rng.chance(0.2) ? rng.range(0, 65535) : 0;
        mono += rng.int(3) + rng.int(1000) / 1000;
        log.append(direction, kind, payload, code, mono);
        appended.push({ direction, kind, payload, code });
      }
      const budget = rng.chance(0.3) ? rng.range(0, 3000) : undefined;
      const sessionLog = sessionLogFromEntryLog(log, { now: new Date(Date.UTC(2024, 4, 1)), maxBytes: budget });
      const session: Session = { version: 1, connection: { type: 'websocket', url: 'ws://127.0.0.1:9/' }, log: sessionLog };
      const loaded = parseSession(serializeSession(session));
      assert.deepEqual(loaded, session);
      const entries = logEntriesFromSession(loaded.log!);

      // What the file holds is the newest part of what the log retained; the rest is counted as dropped.
      const kept = entries.length;
      assert.ok(kept <= log.size);
      if (budget === undefined) assert.equal(kept, log.size);
      const expected = appended.slice(appended.length - kept);
      const droppedEntries = loaded.log!.dropped?.entries ?? 0;
      const droppedBytes = loaded.log!.dropped?.bytes ?? 0;
      assert.equal(droppedEntries + kept, appended.length, 'dropped + kept = appended');
      assert.equal(droppedBytes + entries.reduce((s, e) => s + e.length, 0), appended.reduce((s, e) => s + e.payload.length, 0));
      entries.forEach((e, i) => {
        const m = expected[i]!;
        assert.equal(e.seq, appended.length - kept + i);
        assert.equal(e.direction, m.direction);
        assert.equal(e.kind, m.kind);
        assert.equal(e.code, m.code);
        assert.equal(e.length, m.payload.length);
        assert.ok(Buffer.from(e.payload).equals(m.payload), `payload of seq ${e.seq} differs`);
      });
      log.dispose();
    });
  });
});
