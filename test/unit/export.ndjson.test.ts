// The NDJSON export: one object per entry and line, with the documented schema, read back to the same
// seqs, times, directions, kinds, codes and exact payload bytes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DIRECTION_NAMES, Direction, KIND_NAMES, Kind } from '../../shared/logModel';
import { writeExportFile } from '../../src/core/export/exportFile';
import { exportSourceOf } from '../../src/core/export/exportSource';
import { ndjsonChunks } from '../../src/core/export/ndjsonExport';
import { EntryLog } from '../../src/core/log/entryLog';
import { LogBuilder, webSocketLog } from '../support/exportLogs';

const FIELDS = ['seq', 'time', 'direction', 'kind', 'code', 'length', 'autoReply', 'text', 'base64'];

function lines(text: string): Record<string, unknown>[] {
  assert.ok(text.endsWith('\n'), 'the last line ends with a newline too');
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('NDJSON export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-ndjson-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips every entry: seq, time, direction, kind, code, length and the exact bytes', () => {
    const log = webSocketLog();
    log.add(Direction.In, Kind.Text, '\u00ef\u00bb\u00bf'); // text that looks like a BOM's Latin-1
    log.add(Direction.In, Kind.Binary, new Uint8Array([0xef, 0xbb, 0xbf, 0x41])); // a real BOM: kept as text
    log.add(Direction.In, Kind.Binary, new Uint8Array([0x80, 0x00])); // not UTF-8
    log.add(Direction.In, Kind.Binary, new Uint8Array([0x41, 0x00, 0x42])); // UTF-8, but a control character
    const objects = lines([...ndjsonChunks(log.source('ws', 'ws://127.0.0.1:8765/chat?room=1'))].join(''));
    assert.equal(objects.length, log.entries.length);
    objects.forEach((o, i) => {
      const e = log.entries[i]!;
      for (const key of Object.keys(o)) assert.ok(FIELDS.includes(key), `unexpected field ${key}`);
      assert.equal(o.seq, e.seq);
      assert.equal(o.time, new Date(e.wallTime).toISOString());
      assert.equal(o.direction, DIRECTION_NAMES[e.direction]);
      assert.equal(o.kind, KIND_NAMES[e.kind]);
      assert.equal(o.code, e.code === 0 ? undefined : e.code);
      assert.equal(o.length, e.payload.length);
      assert.ok(('text' in o) !== ('base64' in o), 'exactly one of text and base64');
      const bytes = 'text' in o ? Buffer.from(o.text as string, 'utf8') : Buffer.from(o.base64 as string, 'base64');
      assert.deepEqual(bytes, Buffer.from(e.payload), `entry ${i} payload`);
    });
    const last = objects.slice(-2);
    assert.ok('base64' in last[0]! && 'base64' in last[1]!, 'invalid UTF-8 and control characters in binary go as base64');
  });

  it('names the rule that sent an auto-reply; other entries have no autoReply', () => {
    const log = new EntryLog();
    log.append(Direction.In, Kind.Text, new TextEncoder().encode('ping'));
    log.autoReplying({ rule: 1, match: 'ping' }, () => log.append(Direction.Out, Kind.Text, new TextEncoder().encode('pong')));
    log.append(Direction.Out, Kind.Text, new TextEncoder().encode('typed'));
    const source = exportSourceOf({ kind: 'ws', target: 'ws://127.0.0.1:1/', log } as unknown as Parameters<typeof exportSourceOf>[0]);
    const objects = lines([...ndjsonChunks(source)].join(''));
    assert.deepEqual(objects.map((o) => [o.text, o.autoReply]), [
      ['ping', undefined],
      ['pong', { rule: 1, match: 'ping' }],
      ['typed', undefined],
    ]);
  });

  it('redacts values in meta entries only', () => {
    const b = new LogBuilder();
    b.meta(Kind.Handshake, 'GET / HTTP/1.1\r\nAuthorization: Bearer tok3n\r\n\r\n');
    b.add(Direction.Out, Kind.Text, 'tok3n');
    const [meta, text] = lines([...ndjsonChunks(b.source('ws', 'ws://127.0.0.1:1/', { redact: ['tok3n'] }))].join(''));
    assert.equal(meta!.text, 'GET / HTTP/1.1\r\nAuthorization: Bearer <redacted>\r\n\r\n');
    assert.equal(text!.text, 'tok3n', 'a message is data, not a secret to hide');
  });

  it('writes a log of a million entries to a file, one line each, in chunks', async () => {
    const log = new EntryLog();
    const payload = Buffer.from('{"n":1}');
    for (let i = 0; i < 1_000_000; i++) log.append(i % 2 ? Direction.In : Direction.Out, Kind.Text, payload);
    const source = exportSourceOf({ kind: 'ws', target: 'ws://127.0.0.1:1/', log, handshake: undefined } as never);
    const path = join(dir, 'million.ndjson');
    const batches: number[] = [];
    let previous = 0;
    const bytes = await writeExportFile(path, ndjsonChunks(source), {
      onProgress: (written) => {
        batches.push(written - previous);
        previous = written;
      },
    });
    assert.ok(batches.length > 50, `written in ${batches.length} batches`);
    assert.ok(Math.max(...batches) < 8 * 1024 * 1024, 'no batch is the whole file');
    const text = readFileSync(path, 'utf8');
    assert.equal(Buffer.byteLength(text), bytes);
    let count = 0;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
    assert.equal(count, 1_000_000);
    assert.deepEqual(JSON.parse(text.slice(text.lastIndexOf('\n', text.length - 2) + 1)), {
      seq: 999_999,
      time: new Date(log.wallTime(999_999)).toISOString(),
      direction: 'in',
      kind: 'text',
      length: 7,
      text: '{"n":1}',
    });
  });
});

describe('NDJSON export with the decoded form', () => {
  it('adds "decoded" where the decoder reads the entry, and keeps the raw bytes on every line', async () => {
    const { EntryDecoding } = await import('../../src/core/decode/entryDecoding');
    const { registerToyDecoders } = await import('../support/toyDecoders');
    registerToyDecoders();
    const decoding = new EntryDecoding();
    await decoding.setSettings({ codecs: [{ codec: 'msgpack', direction: 'in' }] });
    const log = new EntryLog();
    log.appendText(Direction.In, Kind.Text, 'hi');
    log.appendText(Direction.Out, Kind.Text, 'out');
    const connection = { kind: 'ws' as const, target: 'ws://127.0.0.1:1/', log, handshake: undefined };
    const source = exportSourceOf(connection as never, { decoded: (e) => decoding.decodeInput(e, undefined) });
    const objects = lines([...ndjsonChunks(source)].join(''));
    assert.equal(objects[0]!.text, 'hi');
    assert.deepEqual((objects[0]!.decoded as { summary: string; fields: object }).summary, '"HI"');
    assert.deepEqual((objects[0]!.decoded as { fields: object }).fields, { word: 'HI' });
    assert.equal(objects[1]!.text, 'out');
    assert.equal('decoded' in objects[1]!, false);
    // Without the option, lines are as ever.
    assert.equal('decoded' in lines([...ndjsonChunks(exportSourceOf(connection as never))].join(''))[0]!, false);
  });
});
