// The HAR export: valid HAR 1.2 (support/har12.ts checks the spec's structure), shaped as Chrome exports
// WebSocket traffic, messages equal to the log's, streamed rather than built as one string.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { SocketInspectorError } from '../../shared/errors';
import { harChunks } from '../../src/core/export/harExport';
import { harProblems } from '../support/har12';
import { LogBuilder, T0, webSocketLog } from '../support/exportLogs';

const TARGET = 'ws://127.0.0.1:8765/chat?room=1';

type Har = {
  log: {
    entries: Array<{
      startedDateTime: string;
      time: number;
      request: { method: string; url: string; httpVersion: string; headers: { name: string; value: string }[]; queryString: unknown[]; cookies: unknown[]; headersSize: number };
      response: { status: number; statusText: string; headers: { name: string; value: string }[]; content: { size: number; mimeType: string; text?: string }; _error?: string };
      timings: Record<string, number>;
      serverIPAddress?: string;
      _resourceType: string;
      _webSocketMessages: Array<{ type: string; time: number; opcode: number; data: string }>;
    }>;
  };
};

function exportHar(b: LogBuilder, target = TARGET, redact?: string[]): { text: string; chunks: string[]; har: Har } {
  const chunks = [...harChunks(b.source('ws', target, redact ? { redact } : {}), { creatorVersion: '9.9.9' })];
  const text = chunks.join('');
  return { text, chunks, har: JSON.parse(text) as Har };
}

describe('HAR 1.2 validator (the test’s own)', () => {
  it('accepts Chrome’s export and rejects what the spec does not allow', () => {
    const chrome = JSON.parse(readFileSync(join(__dirname, 'fixtures/har/chrome-websocket.har'), 'utf8')) as Har;
    assert.deepEqual(harProblems(chrome), []);
    const broken = structuredClone(chrome) as unknown as { log: { entries: Array<Record<string, any>> } };
    delete broken.log.entries[1]!.response.content.mimeType;
    broken.log.entries[1]!.request.headersSize = '12';
    broken.log.entries[1]!.timings.wait = -5;
    broken.log.entries[1]!.extra = 1;
    broken.log.entries[1]!.time = 1000;
    broken.log.entries[1]!._webSocketMessages[0].opcode = 'text';
    const problems = harProblems(broken);
    for (const expected of [
      /response\.content\.mimeType is required/,
      /request\.headersSize must be integer/,
      /timings\.wait must be ≥ 0/,
      /entries\[1\]\.extra is not a HAR field/,
      /entries\[1\]\.time is 1000, but its timings add up to/,
      /_webSocketMessages\[0\]\.opcode must be an integer/,
    ]) {
      assert.ok(problems.some((p) => expected.test(p)), `${expected} not among ${JSON.stringify(problems)}`);
    }
  });
});

describe('HAR export', () => {
  it('writes valid HAR 1.2 with one websocket entry as Chrome does', () => {
    const { har } = exportHar(webSocketLog());
    assert.deepEqual(harProblems(har), []);
    assert.equal(har.log.entries.length, 1);
    const e = har.log.entries[0]!;
    assert.equal(e._resourceType, 'websocket');
    assert.equal(e.request.method, 'GET');
    assert.equal(e.request.url, TARGET);
    assert.equal(e.request.httpVersion, 'HTTP/1.1');
    assert.deepEqual(e.request.queryString, [{ name: 'room', value: '1' }]);
    assert.deepEqual(e.request.cookies, [{ name: 'sid', value: 'abc' }, { name: 'theme', value: 'dark' }]);
    assert.ok(e.request.headers.some((h) => h.name === 'Sec-WebSocket-Key' && h.value === 'dGhlIHNhbXBsZSBub25jZQ=='));
    assert.equal(e.response.status, 101);
    assert.equal(e.response.statusText, 'Switching Protocols');
    assert.ok(e.response.headers.some((h) => h.name === 'Sec-WebSocket-Accept'));
    assert.equal(e.serverIPAddress, '127.0.0.1');
    assert.equal(e.startedDateTime, new Date(T0).toISOString());
    // Connecting at T0, request at +1.25 ms, response at +2.5 ms.
    assert.equal(e.timings.connect, 1.25);
    assert.equal(e.timings.wait, 1.25);
    assert.equal(e.time, 2.5);
  });

  it('lists every frame with type, epoch seconds, opcode, and data as text (opcode 1) or base64', () => {
    const log = webSocketLog();
    const { har } = exportHar(log);
    const messages = har.log.entries[0]!._webSocketMessages;
    const wire = log.entries.filter((e) => e.direction !== Direction.Meta);
    assert.equal(messages.length, wire.length);
    const opcodes: Record<number, number> = { [Kind.Text]: 1, [Kind.Binary]: 2, [Kind.Close]: 8, [Kind.Ping]: 9, [Kind.Pong]: 10 };
    messages.forEach((m, i) => {
      const e = wire[i]!;
      assert.equal(m.type, e.direction === Direction.Out ? 'send' : 'receive');
      assert.equal(m.time, e.wallTime / 1000);
      assert.equal(m.opcode, opcodes[e.kind]);
      if (e.kind === Kind.Text) assert.equal(m.data, Buffer.from(e.payload).toString('utf8'));
      else if (e.kind === Kind.Close) assert.deepEqual(Buffer.from(m.data, 'base64'), Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from('bye')]));
      else assert.deepEqual(Buffer.from(m.data, 'base64'), Buffer.from(e.payload));
    });
  });

  it('streams the messages one chunk each, not as one string', () => {
    const b = new LogBuilder();
    for (let i = 0; i < 5000; i++) b.add(i % 2 ? Direction.In : Direction.Out, Kind.Text, `message ${i}`);
    const { chunks, har } = exportHar(b);
    assert.ok(chunks.length >= 5000, `${chunks.length} chunks`);
    assert.ok(Math.max(...chunks.map((c) => c.length)) < 4096);
    assert.equal(har.log.entries[0]!._webSocketMessages.length, 5000);
    assert.deepEqual(harProblems(har), []);
  });

  it('writes an empty message list for a log without frames', () => {
    const b = new LogBuilder();
    b.meta(Kind.Connecting, `Connecting to ${TARGET}`);
    const { har } = exportHar(b);
    assert.deepEqual(har.log.entries[0]!._webSocketMessages, []);
    assert.deepEqual(harProblems(har), []);
  });

  it('records a refused upgrade with its status, body and error', () => {
    const b = new LogBuilder();
    b.meta(Kind.Connecting, 'Connecting to ws://127.0.0.1:8765/401');
    b.meta(Kind.Handshake, 'GET /401 HTTP/1.1\r\nHost: 127.0.0.1:8765\r\n\r\n');
    b.meta(Kind.Handshake, 'HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nWWW-Authenticate: Bearer\r\n\r\ntoken required\n');
    b.meta(Kind.Error, 'Server refused the WebSocket upgrade: 401 Unauthorized');
    b.meta(Kind.Closed, 'Not connected');
    const { har } = exportHar(b, 'ws://127.0.0.1:8765/401');
    assert.deepEqual(harProblems(har), []);
    const response = har.log.entries[0]!.response;
    assert.equal(response.status, 401);
    assert.equal(response.statusText, 'Unauthorized');
    assert.deepEqual(response.content, { size: 15, mimeType: 'text/plain', text: 'token required\n' });
    assert.equal(response._error, 'Server refused the WebSocket upgrade: 401 Unauthorized');
  });

  it('replaces redacted values in headers and cookies', () => {
    const { text, har } = exportHar(webSocketLog(), TARGET, ['s3cret-token', 'abc']);
    assert.doesNotMatch(text, /s3cret-token/);
    const e = har.log.entries[0]!;
    assert.ok(e.request.headers.some((h) => h.name === 'Authorization' && h.value === 'Bearer <redacted>'));
    assert.deepEqual(harProblems(har), []);
  });

  it('refuses a TCP connection, saying which formats fit', () => {
    const b = new LogBuilder();
    b.add(Direction.Out, Kind.Data, 'x');
    assert.throws(
      () => [...harChunks(b.source('tcp', 'tcp://127.0.0.1:6379'))],
      (e: SocketInspectorError) => e.code === 'EXPORT_FAILED' && /raw TCP connection\. Export it as pcapng or NDJSON/.test(e.message),
    );
  });
});
