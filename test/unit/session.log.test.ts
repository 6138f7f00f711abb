// A EntryLog saved into a session and read back: every kind, every byte value, exact payloads; the text
// or base64 choice; the size budget; redaction; filling a EntryLog for viewing; replay steps.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DIRECTION_NAMES, Direction, KIND_NAMES, Kind, type LogEntry } from '../../shared/logModel';
import { SocketInspectorError } from '../../shared/errors';
import { EntryLog } from '../../src/core/log/entryLog';
import type { Session, SessionLog } from '../../src/core/session/sessionFormat';
import {
  REDACTED,
  fillEntryLog,
  logEntriesFromSession,
  sessionEntryPayload,
  sessionLogEntry,
  sessionLogFromEntryLog,
} from '../../src/core/session/sessionLog';
import { parseSession } from '../../src/core/session/sessionParse';
import { replaySteps, sessionMessageBytes } from '../../src/core/session/sessionReplay';
import { serializeSession } from '../../src/core/session/sessionSerialize';

const utf8 = (s: string) => new TextEncoder().encode(s);
const bytes = (...values: number[]) => new Uint8Array(values);
const WIRE = [Kind.Text, Kind.Binary, Kind.Ping, Kind.Pong, Kind.Close, Kind.Data] as const;
const META = [Kind.Connecting, Kind.Open, Kind.Handshake, Kind.Error, Kind.Closed] as const;

/** Saves `log` into a session, writes it as text, reads it back: the whole trip a file makes. */
function throughFile(log: EntryLog, options: Parameters<typeof sessionLogFromEntryLog>[1] = {}): { session: Session; text: string } {
  const session: Session = {
    version: 1,
    connection: { type: 'websocket', url: 'ws://127.0.0.1:8080/' },
    log: sessionLogFromEntryLog(log, options),
  };
  const text = serializeSession(session);
  return { session: parseSession(text), text };
}

function retained(log: EntryLog): LogEntry[] {
  const out: LogEntry[] = [];
  for (let seq = log.firstSeq; seq < log.nextSeq; seq++) {
    const e = log.get(seq)!;
    out.push({ ...e, payload: e.payload.slice() });
  }
  return out;
}

/** Compares entries field by field; fast enough for 65k entries, and names the first mismatch. */
function assertSameEntries(actual: LogEntry[], expected: LogEntry[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    const same =
      a.seq === e.seq &&
      a.direction === e.direction &&
      a.kind === e.kind &&
      a.code === e.code &&
      a.length === e.length &&
      Buffer.compare(a.payload, e.payload) === 0 &&
      // The file keeps whole milliseconds of wall time and microseconds of monotonic time.
      a.wallTime === Math.floor(e.wallTime) &&
      Math.abs(a.monoTime - e.monoTime) <= 0.00051;
    if (!same) {
      const show = (x: LogEntry) => ({ ...x, payload: [...x.payload] });
      assert.deepEqual(show(a), show({ ...e, wallTime: Math.floor(e.wallTime) }), `entry ${i} (seq ${e.seq})`);
      assert.fail(`entry ${i} (seq ${e.seq}): mono ${a.monoTime} vs ${e.monoTime}`);
    }
  });
}

describe('session log round trip', () => {
  it('keeps every direction and kind, close codes and payloads exactly', () => {
    const log = new EntryLog();
    log.appendText(Direction.Meta, Kind.Connecting, 'Connecting to ws://127.0.0.1:8080/');
    log.append(Direction.Meta, Kind.Handshake, utf8('GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n'));
    log.appendText(Direction.Meta, Kind.Open, 'Connected');
    for (const direction of [Direction.In, Direction.Out]) {
      for (const kind of WIRE) {
        const code = kind === Kind.Close ? 4000 + direction : 0;
        log.append(direction, kind, utf8(`${DIRECTION_NAMES[direction]} ${KIND_NAMES[kind]} ✓`), code);
        log.append(direction, kind, bytes(0xff, 0x00, 0xc0, 0x80), code);
        log.append(direction, kind, new Uint8Array(0), code);
      }
    }
    log.appendText(Direction.Meta, Kind.Error, 'The peer reset the connection');
    log.appendText(Direction.Meta, Kind.Closed, 'Closed (1006)', 1006);
    const { session } = throughFile(log);
    const kinds = new Set(session.log!.entries.map((e) => `${e.direction}/${e.kind}`));
    assert.equal(kinds.size, 2 * WIRE.length + META.length);
    assertSameEntries(logEntriesFromSession(session.log!), retained(log));
  });

  it('keeps every single byte value, in every wire kind', () => {
    const log = new EntryLog();
    for (const kind of WIRE) for (let b = 0; b < 256; b++) log.append(Direction.In, kind, bytes(b));
    const { session } = throughFile(log);
    assertSameEntries(logEntriesFromSession(session.log!), retained(log));
  });

  it('keeps every two-byte sequence (valid and invalid UTF-8 alike) and all 256 bytes in one payload', () => {
    const log = new EntryLog();
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) log.append(Direction.Out, Kind.Text, bytes(a, b));
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    log.append(Direction.Out, Kind.Binary, all);
    log.append(Direction.Out, Kind.Text, all);
    const { session } = throughFile(log);
    assertSameEntries(logEntriesFromSession(session.log!), retained(log));
  });

  it('keeps payloads with a byte order mark, surrogate encodings, overlong forms and 4-byte characters', () => {
    const cases = [
      bytes(0xef, 0xbb, 0xbf, 0x41), // BOM + "A": valid, the BOM must survive
      bytes(0xed, 0xa0, 0x80), // an encoded surrogate: invalid UTF-8
      bytes(0xc0, 0x80), // overlong NUL
      bytes(0xf0, 0x9d, 0x84, 0x9e), // 𝄞
      bytes(0xf4, 0x90, 0x80, 0x80), // above U+10FFFF
      bytes(0xf0, 0x9d, 0x84), // truncated 4-byte sequence
    ];
    const log = new EntryLog();
    for (const c of cases) log.append(Direction.In, Kind.Text, c);
    const { session } = throughFile(log);
    assertSameEntries(logEntriesFromSession(session.log!), retained(log));
    const stored = session.log!.entries.map((e) => (e.text !== undefined ? 'text' : 'base64'));
    assert.deepEqual(stored, ['text', 'base64', 'base64', 'text', 'base64', 'base64']);
    assert.equal(session.log!.entries[0]!.text, '\uFEFFA');
  });
});

describe('text or base64', () => {
  const entry = (kind: Kind, payload: Uint8Array, direction: Direction = Direction.In) =>
    sessionLogEntry(7, Date.UTC(2024, 4, 1, 12, 0, 0, 123) + 0.9, 1234.56789, direction, kind, 0, payload);

  it('stores valid UTF-8 as text for text, close and meta kinds, control characters included', () => {
    assert.deepEqual(entry(Kind.Text, utf8('a\u0000b\u001b[0m')), {
      seq: 7,
      time: '2024-05-01T12:00:00.123Z',
      mono: 1234.568,
      direction: 'in',
      kind: 'text',
      text: 'a\u0000b\u001b[0m',
    });
    assert.equal(entry(Kind.Close, utf8('going away')).text, 'going away');
    assert.equal(entry(Kind.Error, utf8('x\u0001'), Direction.Meta).text, 'x\u0001');
  });

  it('stores binary data as text only when it reads as text (tabs and line breaks are fine)', () => {
    assert.equal(entry(Kind.Binary, utf8('{"a": 1}\r\n\t')).text, '{"a": 1}\r\n\t');
    assert.equal(entry(Kind.Data, utf8('PING\r\n')).text, 'PING\r\n');
    assert.equal(entry(Kind.Data, bytes(0x41, 0x00)).base64, 'QQA=');
    assert.equal(entry(Kind.Ping, bytes(0x7f)).base64, 'fw==');
    assert.equal(entry(Kind.Binary, bytes(0xff)).base64, '/w==');
  });

  it('omits a zero code and keeps others', () => {
    assert.equal('code' in entry(Kind.Text, utf8('x')), false);
    assert.equal(sessionLogEntry(0, 0, 0, Direction.Out, Kind.Close, 1000, utf8('')).code, 1000);
  });

  it('decodes payloads from text and from base64', () => {
    assert.deepEqual(sessionEntryPayload({ seq: 0, time: '', mono: 0, direction: 'in', kind: 'binary', base64: 'AP8=' }), bytes(0, 255));
    assert.deepEqual(sessionEntryPayload({ seq: 0, time: '', mono: 0, direction: 'in', kind: 'text', text: 'é' }), bytes(0xc3, 0xa9));
  });
});

describe('sessionLogFromEntryLog', () => {
  it('counts entries the log already evicted as dropped, and keeps seqs', () => {
    const log = new EntryLog({ maxEntries: 3 });
    for (let i = 0; i < 5; i++) log.append(Direction.In, Kind.Data, bytes(i, i));
    const saved = sessionLogFromEntryLog(log, { now: new Date(Date.UTC(2024, 0, 2)) });
    assert.equal(saved.savedAt, '2024-01-02T00:00:00.000Z');
    assert.deepEqual(saved.dropped, { entries: 2, bytes: 4 });
    assert.deepEqual(saved.entries.map((e) => e.seq), [2, 3, 4]);
  });

  it('leaves out the oldest entries beyond the byte budget, so the file stays openable', () => {
    const log = new EntryLog();
    for (let i = 0; i < 100; i++) log.append(Direction.In, Kind.Binary, new Uint8Array(1000).fill(i));
    const saved = sessionLogFromEntryLog(log, { maxBytes: 20_000 });
    assert.ok(saved.entries.length > 5 && saved.entries.length < 20, `${saved.entries.length} entries`);
    assert.equal(saved.entries.at(-1)!.seq, 99);
    assert.equal(saved.entries[0]!.seq, 100 - saved.entries.length);
    assert.deepEqual(saved.dropped, { entries: 100 - saved.entries.length, bytes: (100 - saved.entries.length) * 1000 });
    const text = serializeSession({ version: 1, connection: { type: 'tcp', host: 'h', port: 1 }, log: saved });
    assert.ok(Buffer.byteLength(text) < 21_000, `${Buffer.byteLength(text)} bytes`);
  });

  it('has no dropped field when nothing was left out, and an empty log saves as no entries', () => {
    const saved = sessionLogFromEntryLog(new EntryLog());
    assert.deepEqual(Object.keys(saved), ['savedAt', 'entries']);
    assert.deepEqual(saved.entries, []);
  });

  it('redacts given values from meta entries only', () => {
    const log = new EntryLog();
    log.append(Direction.Meta, Kind.Handshake, utf8('GET /?token=tok3n HTTP/1.1\r\nAuthorization: Bearer s3cr3t-s3cr3t\r\n\r\n'));
    log.appendText(Direction.Out, Kind.Text, 'I typed s3cr3t-s3cr3t myself');
    const { text, session } = throughFile(log, { redact: ['s3cr3t', 's3cr3t-s3cr3t', 'tok3n', ''] });
    const [handshake, sent] = session.log!.entries;
    assert.equal(handshake!.text, `GET /?token=${REDACTED} HTTP/1.1\r\nAuthorization: Bearer ${REDACTED}\r\n\r\n`);
    assert.equal(sent!.text, 'I typed s3cr3t-s3cr3t myself');
    assert.equal(text.split('s3cr3t').length - 1, 2);
  });

  it('writes one entry per line', () => {
    const log = new EntryLog();
    log.appendText(Direction.Out, Kind.Text, 'a\nb');
    log.append(Direction.In, Kind.Binary, bytes(1, 2, 3));
    const { text } = throughFile(log);
    const lines = text.split('\n').filter((l) => l.includes('"seq"'));
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^ {6}\{ "seq": 0, "time": "[^"]+", "mono": [\d.]+, "direction": "out", "kind": "text", "text": "a\\nb" \},$/);
    assert.match(lines[1]!, /^ {6}\{ "seq": 1, .*"kind": "binary", "base64": "AQID" \}$/);
  });
});

describe('fillEntryLog', () => {
  /** The millisecond a row shows for a wall time (Date truncates, as formatTime and toISOString do). */
  const shownMs = (wallTime: number) => new Date(wallTime).getTime();

  it('fills a EntryLog for viewing with the file entries, payloads, wall times as written and mono times', () => {
    const log = new EntryLog();
    for (let i = 0; i < 200; i++) log.append(i % 2 ? Direction.In : Direction.Out, i % 3 ? Kind.Text : Kind.Binary, bytes(i, 255 - i), i === 7 ? 1000 : 0);
    const { session } = throughFile(log);
    const view = new EntryLog();
    fillEntryLog(view, session.log!);
    assert.equal(view.size, 200);
    const fromFile = logEntriesFromSession(session.log!);
    for (let seq = 0; seq < 200; seq++) {
      const e = view.get(seq)!;
      const f = fromFile[seq]!;
      assert.deepEqual([e.direction, e.kind, e.code, [...e.payload]], [f.direction, f.kind, f.code, [...f.payload]]);
      assert.equal(shownMs(e.wallTime), f.wallTime, `seq ${seq}: ${e.wallTime} vs ${f.wallTime}`);
      assert.equal(e.monoTime, f.monoTime, `seq ${seq}: the file's mono time`);
    }
  });

  it('shows every time as the file has it however the clock ticks while filling (two panels of one file agree)', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'samples', 'echo-websocket.socket-session.json'), 'utf8');
    const sample = parseSession(text).log!;
    // A hand-written log whose mono times do not follow its wall times, and one with a clock step.
    const uneven: SessionLog = {
      savedAt: '2024-05-01T12:00:01.000Z',
      entries: [
        { seq: 0, time: '2024-05-01T12:00:00.000Z', mono: 0, direction: 'out', kind: 'text', text: 'a' },
        { seq: 1, time: '2024-05-01T12:00:00.999Z', mono: 0, direction: 'in', kind: 'text', text: 'b' },
        { seq: 2, time: '2024-05-01T12:00:00.500Z', mono: 0.25, direction: 'in', kind: 'text', text: 'c' },
        { seq: 3, time: '2024-05-01T12:00:07.001Z', mono: 7000.999, direction: 'in', kind: 'text', text: 'd' },
      ],
    };
    const realNow = Date.now;
    let calls = 0;
    try {
      for (let panel = 0; panel < 20; panel++) {
        // Each read of the wall clock lands on another millisecond: times must not depend on when they are read.
        Date.now = () => realNow() + (calls++ % 2) * 0.999;
        for (const file of [sample, uneven]) {
          const view = new EntryLog();
          fillEntryLog(view, file);
          file.entries.forEach((e, seq) => assert.equal(new Date(view.wallTime(seq)).toISOString(), e.time, `panel ${panel}, seq ${seq}`));
        }
      }
    } finally {
      Date.now = realNow;
    }
  });
});

describe('auto-replies in a session file', () => {
  const ping = { rule: 2, match: '/^ping$/' };

  it('keep their mark and rule through Save and reopen; typed entries stay unmarked', () => {
    const log = new EntryLog();
    log.append(Direction.In, Kind.Text, utf8('ping'));
    log.autoReplying(ping, () => log.append(Direction.Out, Kind.Text, utf8('pong')));
    log.append(Direction.Out, Kind.Text, utf8('typed'));
    log.autoReplying(ping, () => log.append(Direction.Out, Kind.Text, utf8('pong')));
    const { session, text } = throughFile(log);
    assert.deepEqual(session.log!.entries.map((e) => e.autoReply), [undefined, ping, undefined, ping]);
    assert.ok(text.includes('"autoReply": { "rule": 2, "match": "/^ping$/" }') || text.includes('"autoReply":{"rule":2,"match":"/^ping$/"}'), text);
    assert.deepEqual(logEntriesFromSession(session.log!).map((e) => e.autoReply), [undefined, ping, undefined, ping]);

    const view = new EntryLog();
    fillEntryLog(view, session.log!);
    assert.deepEqual([0, 1, 2, 3].map((s) => view.isAutoReply(s)), [false, true, false, true]);
    assert.deepEqual(view.autoReplyOrigin(1), ping);
    assert.deepEqual(view.autoReplyOrigin(3), ping);
    assert.equal(view.autoReplyRunCount, 1, 'one rule, one run: equal origins from the file are one');
    assert.deepEqual([0, 1, 2, 3].map((s) => view.direction(s)), [Direction.In, Direction.Out, Direction.Out, Direction.Out]);
    // Saved again, the file says the same.
    assert.deepEqual(sessionLogFromEntryLog(view).entries.map((e) => e.autoReply), [undefined, ping, undefined, ping]);
  });

  it('keep what a mock sent (greeting, the reply to a recorded seq past the rules\' 100, fallback) apart from a rule\'s', () => {
    const greeting = { rule: 0, match: '', mock: 'greeting' } as const;
    const reply = { rule: 1234, match: '"ping"', mock: 'reply' } as const;
    const fallback = { rule: 0, match: '', mock: 'fallback' } as const;
    const rule = { rule: 1234 % 100, match: '"ping"' };
    const log = new EntryLog();
    log.autoReplying(greeting, () => log.append(Direction.Out, Kind.Text, utf8('hello')));
    log.append(Direction.In, Kind.Text, utf8('ping'));
    log.autoReplying(reply, () => log.append(Direction.Out, Kind.Text, utf8('pong')));
    log.autoReplying(fallback, () => log.append(Direction.Out, Kind.Text, utf8('?')));
    log.autoReplying(rule, () => log.append(Direction.Out, Kind.Text, utf8('by a rule')));
    const origins = [greeting, undefined, reply, fallback, rule];
    const { session, text } = throughFile(log);
    assert.deepEqual(session.log!.entries.map((e) => e.autoReply), origins);
    assert.ok(/"mock": ?"reply"/.test(text), text);
    const view = new EntryLog();
    fillEntryLog(view, session.log!);
    assert.deepEqual([0, 1, 2, 3, 4].map((s) => view.autoReplyOrigin(s)), origins);
    assert.equal(view.autoReplyRunCount, 4, 'each origin a run of its own');
    assert.deepEqual(sessionLogFromEntryLog(view).entries.map((e) => e.autoReply), origins);
  });
});

describe('replay', () => {
  const saved: SessionLog = {
    savedAt: '2024-05-01T12:00:00.000Z',
    entries: [
      { seq: 1, time: '2024-05-01T12:00:00.000Z', mono: 100, direction: 'meta', kind: 'open', text: 'Connected' },
      { seq: 2, time: '2024-05-01T12:00:00.000Z', mono: 100, direction: 'out', kind: 'text', text: 'one' },
      { seq: 3, time: '2024-05-01T12:00:00.000Z', mono: 150, direction: 'in', kind: 'text', text: 'echo' },
      { seq: 4, time: '2024-05-01T12:00:00.000Z', mono: 350.5, direction: 'out', kind: 'binary', base64: 'AAE=' },
      { seq: 5, time: '2024-05-01T12:00:00.000Z', mono: 300, direction: 'out', kind: 'ping', text: '' },
      { seq: 6, time: '2024-05-01T12:00:00.000Z', mono: 60_000, direction: 'out', kind: 'close', code: 1000, text: 'bye' },
    ],
  };

  it('sends the sent entries in order, without waits by default', () => {
    const steps = replaySteps(saved);
    assert.deepEqual(steps.map((s) => [s.seq, s.kind, s.delayMs, [...s.payload], s.code]), [
      [2, 'text', 0, [...utf8('one')], undefined],
      [4, 'binary', 0, [0, 1], undefined],
      [5, 'ping', 0, [], undefined],
      [6, 'close', 0, [...utf8('bye')], 1000],
    ]);
  });

  it('waits as long as the recording did, never negative, capped when asked', () => {
    assert.deepEqual(replaySteps(saved, { originalTiming: true }).map((s) => s.delayMs), [0, 250.5, 0, 59_700]);
    assert.deepEqual(replaySteps(saved, { originalTiming: true, maxDelayMs: 1000 }).map((s) => s.delayMs), [0, 250.5, 0, 1000]);
  });

  it('turns saved composer messages into bytes, naming the message on error', () => {
    const session: Session = {
      version: 1,
      connection: { type: 'tcp', host: 'h', port: 1 },
      messages: [
        { name: 'escaped', format: 'text', body: 'a\\x00', escapes: true },
        { name: 'broken', format: 'hex', body: 'de ad zz' },
      ],
    };
    assert.deepEqual(sessionMessageBytes(session, 0), bytes(0x61, 0));
    assert.throws(
      () => sessionMessageBytes(session, 1),
      (e: unknown) => e instanceof SocketInspectorError && e.code === 'INVALID_HEX' && /^messages\[1\] "broken": Invalid hex/.test(e.message),
    );
    assert.throws(() => sessionMessageBytes(session, 2), (e: unknown) => e instanceof SocketInspectorError && e.code === 'BAD_SESSION');
  });
});
