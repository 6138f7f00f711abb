// FramedLog over a real EntryLog written as a TCP connection writes it: chunks in and out, meta
// entries between them. The derived log must follow appends, keep times and order, survive a clear,
// and show what was left at close.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind, directionName, kindName } from '../../shared/logModel';
import { toHex } from '../../shared/codecs/hexDump';
import { EntryLog } from '../../src/core/log/entryLog';
import { FramedLog } from '../../src/core/framing/framedLog';
import { LINES_CRLF, LINES_LF } from '../../shared/framerSpec';
import { hex, splits } from '../support/framingSplits';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const decoder = new TextDecoder();

/** The log's entries as `direction kind payload` lines (meta payloads as text, data as text too). */
function lines(log: EntryLog): string[] {
  const out: string[] = [];
  for (let seq = log.firstSeq; seq < log.nextSeq; seq++) {
    const e = log.get(seq)!;
    out.push(`${directionName(e.direction)} ${kindName(e.kind)} ${decoder.decode(e.payload)}`);
  }
  return out;
}

describe('FramedLog', () => {
  it('splits each direction on its own, passes meta entries through in order, and follows appends', () => {
    const raw = new EntryLog();
    raw.appendText(Direction.Meta, Kind.Connecting, 'Connecting to tcp://127.0.0.1:1');
    raw.appendText(Direction.Meta, Kind.Open, 'Connected');
    raw.append(Direction.In, Kind.Data, text('+OK\r\n$3\r'));
    const framed = new FramedLog(raw, LINES_CRLF);
    try {
      raw.append(Direction.Out, Kind.Data, text('GET k'));
      raw.append(Direction.In, Kind.Data, text('\nfoo\r\n'));
      raw.append(Direction.Out, Kind.Data, text('\r\nPING\r\n'));
      raw.appendText(Direction.Meta, Kind.Closed, 'Closed by peer', 1000);
      assert.deepEqual(lines(framed.log), [
        'meta connecting Connecting to tcp://127.0.0.1:1',
        'meta open Connected',
        'in data +OK',
        'in data $3',
        'in data foo',
        'out data GET k',
        'out data PING',
        'meta closed Closed by peer',
      ]);
      assert.equal(framed.log.code(framed.log.nextSeq - 1), 1000, 'meta codes are kept');
      assert.deepEqual(framed.log.totals(Direction.In), { entries: 3, bytes: 8 });
    } finally {
      framed.dispose();
    }
  });

  it('stamps each message with the time of the chunk that completed it', () => {
    const raw = new EntryLog();
    const framed = new FramedLog(raw, LINES_LF);
    try {
      const first = raw.append(Direction.In, Kind.Data, text('one\ntw'), 0, 1000.25);
      const second = raw.append(Direction.In, Kind.Data, text('o\nthree'), 0, 2000.5);
      const third = raw.append(Direction.In, Kind.Data, text('\n'), 0, 3000.75);
      const want = [first, second, third];
      assert.equal(framed.log.size, 3);
      for (let i = 0; i < 3; i++) {
        const seq = framed.log.firstSeq + i;
        assert.equal(framed.log.monoTime(seq), raw.monoTime(want[i]!));
        assert.ok(Math.abs(framed.log.wallTime(seq) - raw.wallTime(want[i]!)) < 0.01, `wall time of message ${i}`);
      }
    } finally {
      framed.dispose();
    }
  });

  it('shows the bytes left when the stream ends as a note and one data entry per direction', () => {
    const raw = new EntryLog();
    const framed = new FramedLog(raw, LINES_LF);
    try {
      raw.append(Direction.In, Kind.Data, text('done\npartial'));
      raw.append(Direction.Out, Kind.Data, text('x'));
      // A half-close is a Closed entry too; the other direction may still complete its message.
      raw.appendText(Direction.Meta, Kind.Closed, 'Half-closed by us (FIN sent)');
      raw.append(Direction.In, Kind.Data, text(' line\nrest'));
      assert.equal(framed.pending(Direction.In), 4);
      raw.appendText(Direction.Meta, Kind.Closed, 'Closed by peer');
      framed.end();
      assert.deepEqual(lines(framed.log), [
        'in data done',
        'meta closed Half-closed by us (FIN sent)',
        'in data partial line',
        'meta closed Closed by peer',
        'meta error 4 bytes received after the last complete message (framing as Lines (\\n)); shown as they are in the next entry.',
        'in data rest',
        'meta error 1 byte sent after the last complete message (framing as Lines (\\n)); shown as they are in the next entry.',
        'out data x',
      ]);
      assert.equal(framed.pending(Direction.In), 0);
      assert.equal(framed.log.monoTime(framed.log.nextSeq - 1), raw.monoTime(raw.nextSeq - 1), 'stamped with the last entry before the end');
    } finally {
      framed.dispose();
    }
  });

  it('reports a framing error as a meta entry naming the direction, and reads on', () => {
    const raw = new EntryLog();
    const framed = new FramedLog(raw, LINES_LF, { maxMessageBytes: 4 });
    try {
      raw.append(Direction.In, Kind.Data, text('ok\ntoo long\nok again\nfine\n'));
      assert.deepEqual(lines(framed.log), [
        'in data ok',
        'meta error Framing the received bytes: No delimiter within 4 bytes (the message limit) while framing as Lines (\\n); the bytes up to the next delimiter were skipped.',
        'meta error Framing the received bytes: No delimiter within 4 bytes (the message limit) while framing as Lines (\\n); the bytes up to the next delimiter were skipped.',
        'in data fine',
      ]);
    } finally {
      framed.dispose();
    }
  });

  it('clears with its source and frames afresh from the next byte', () => {
    const raw = new EntryLog();
    const framed = new FramedLog(raw, LINES_LF);
    let cleared = 0;
    const sub = framed.log.onDidClear(() => cleared++);
    try {
      raw.append(Direction.In, Kind.Data, text('a\nhalf'));
      raw.clear();
      assert.equal(cleared, 1);
      assert.equal(framed.log.size, 0);
      assert.equal(framed.pending(Direction.In), 0, 'the half message before the clear is forgotten');
      raw.append(Direction.In, Kind.Data, text('b\n'));
      assert.deepEqual(lines(framed.log), ['in data b']);
    } finally {
      sub.dispose();
      framed.dispose();
    }
  });

  it('keeps the source retention, notes entries evicted before it began, and stops following when disposed', () => {
    const raw = new EntryLog({ maxEntries: 3, maxBytes: 1000 });
    for (const chunk of ['a\n', 'b\n', 'c', '\n']) raw.append(Direction.In, Kind.Data, text(chunk));
    const framed = new FramedLog(raw, LINES_LF);
    assert.deepEqual(framed.log.retention, { maxEntries: 3, maxBytes: 1000 });
    assert.deepEqual(lines(framed.log), [
      'meta error 1 earlier entries were dropped by the retention limit before framing as Lines (\\n); the first messages may be partial.',
      'in data b',
      'in data c',
    ]);
    framed.dispose();
    raw.append(Direction.In, Kind.Data, text('d\n'));
    assert.equal(raw.size, 3);
  });

  it('derives the same messages however the source chunks were cut', () => {
    const stream = hex('2b 4f 4b 0d 0a 24 31 0d 0a 76 0d 0a 3a 31 0d');
    let want: string[] | undefined;
    for (const [name, chunks] of splits(stream, 0xf4a3, 20)) {
      const raw = new EntryLog();
      const framed = new FramedLog(raw, LINES_CRLF);
      for (const c of chunks) if (c.length > 0) raw.append(Direction.In, Kind.Data, c);
      raw.appendText(Direction.Meta, Kind.Closed, 'Closed');
      framed.end();
      const got = [];
      for (let seq = framed.log.firstSeq; seq < framed.log.nextSeq; seq++) {
        const e = framed.log.get(seq)!;
        got.push(`${directionName(e.direction)} ${kindName(e.kind)} ${e.direction === Direction.Meta ? decoder.decode(e.payload) : toHex(e.payload, ' ')}`);
      }
      want ??= got;
      assert.deepEqual(got, want, `cut: ${name}`);
      framed.dispose();
    }
    assert.deepEqual(want, [
      'in data 2b 4f 4b',
      'in data 24 31',
      'in data 76',
      'meta closed Closed',
      'meta error 3 bytes received after the last complete message (framing as Lines (\\r\\n)); shown as they are in the next entry.',
      'in data 3a 31 0d',
    ]);
  });
});
