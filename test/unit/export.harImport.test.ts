// Importing a HAR: Chrome's export becomes a session (settings from the upgrade request, the messages as
// its log) that the session loader accepts; a hostile or broken HAR is refused with a message naming
// what is wrong, never with a crash.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { SocketInspectorError } from '../../shared/errors';
import { harChunks } from '../../src/core/export/harExport';
import { parseHarInSlices } from '../../src/core/export/harFile';
import { loadHarFile, parseHar, sessionFromHar } from '../../src/core/export/harImport';
import { parseSession, serializeSession, sessionEntryPayload, type WebSocketSessionConnection } from '../../src/core/session';
import { webSocketLog } from '../support/exportLogs';

const FIXTURE = join(__dirname, 'fixtures/har/chrome-websocket.har');
const chrome = readFileSync(FIXTURE, 'utf8');

function isBadHar(message: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof SocketInspectorError, `not a SocketInspectorError: ${String(e)}`);
    assert.equal(e.code, 'BAD_HAR');
    assert.match(e.message, message);
    return true;
  };
}

function refused(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, isBadHar(message));
}

async function rejected(fn: () => Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(fn, isBadHar(message));
}

/** Chrome's fixture with its first WebSocket entry changed by `edit`. */
function edited(edit: (entry: Record<string, any>) => void): string {
  const doc = JSON.parse(chrome) as { log: { entries: Record<string, any>[] } };
  edit(doc.log.entries[1]!);
  return JSON.stringify(doc);
}

describe('HAR import: Chrome’s export', () => {
  const har = parseHar(chrome);

  it('lists the WebSocket entries and leaves the others', () => {
    assert.deepEqual(har.webSockets, [
      { index: 1, url: 'wss://stream.example.com/v2/feed?room=lobby', startedDateTime: '2024-05-01T12:00:00.000Z', messages: 5 },
      { index: 2, url: 'ws://127.0.0.1:9001/debug', startedDateTime: '2024-05-01T12:00:05.000Z', messages: 1 },
    ]);
  });

  it('makes a session the loader accepts, settings from the upgrade request', async () => {
    const { session, warnings } = await sessionFromHar(har, 1, { fileName: 'chrome.har', now: new Date('2024-06-01T00:00:00Z') });
    const reread = parseSession(serializeSession(session));
    assert.deepEqual(reread, session);
    const c = session.connection as WebSocketSessionConnection;
    assert.equal(c.type, 'websocket');
    assert.equal(c.url, 'wss://stream.example.com/v2/feed?room=lobby');
    assert.deepEqual(c.protocols, ['feed.v2', 'feed.v1']);
    // ws writes Host, Upgrade, Connection and Sec-WebSocket-* itself; the cookie is a credential.
    assert.deepEqual(
      c.headers?.map((h) => ('value' in h ? h.name : '')),
      ['Accept-Encoding', 'Accept-Language', 'Cache-Control', 'Origin', 'Pragma', 'User-Agent'],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^Left out Cookie: values that look like credentials/);
    assert.equal(session.name, 'stream.example.com (chrome.har)');
  });

  it('turns the messages into the log, in order, with their times, directions and exact bytes', async () => {
    const { session } = await sessionFromHar(har, 1);
    const entries = session.log!.entries;
    assert.deepEqual(
      entries.map((e) => `${e.direction} ${e.kind}`),
      ['meta connecting', 'meta handshake', 'meta handshake', 'meta open', 'out text', 'in text', 'in binary', 'out text', 'in text', 'meta closed'],
    );
    assert.deepEqual(entries.map((e) => e.seq), [...entries.keys()]);
    const messages = entries.filter((e) => e.direction !== 'meta');
    assert.equal(messages[1]!.text, '{"ok":true,"note":"grüße ✓"}');
    assert.deepEqual(Buffer.from(sessionEntryPayload(messages[2]!)), Buffer.from([0, 1, 2, 3, 4, 255]));
    assert.equal(messages[3]!.text, '');
    assert.equal(messages[1]!.time, '2024-05-01T12:00:00.152Z');
    assert.equal(messages[0]!.mono, 100);
    assert.equal(messages[4]!.mono, 1500);
    // The handshake as the log shows it: the request rebuilt, with the cookie's value redacted.
    assert.match(entries[1]!.text!, /^GET \/v2\/feed\?room=lobby HTTP\/1\.1\r\n/);
    assert.match(entries[1]!.text!, /\r\nCookie: <redacted>\r\n/);
    assert.doesNotMatch(JSON.stringify(session), /c00k1e/);
    assert.match(entries[2]!.text!, /^HTTP\/1\.1 101 Switching Protocols\r\n[\s\S]*Sec-WebSocket-Protocol: feed\.v2\r\n/);
    assert.equal(entries[2]!.time, '2024-05-01T12:00:00.035Z', 'response after timings.wait');
  });

  it('reads back what the HAR export writes (close codes, pings and pongs included)', async () => {
    const log = webSocketLog();
    const text = [...harChunks(log.source('ws', 'ws://127.0.0.1:8765/chat?room=1'))].join('');
    const exported = parseHar(text);
    assert.equal(exported.webSockets.length, 1);
    const { session } = await sessionFromHar(exported, 0);
    const wire = log.entries.filter((e) => e.direction !== Direction.Meta);
    const imported = session.log!.entries.filter((e) => e.direction !== 'meta');
    assert.equal(imported.length, wire.length);
    imported.forEach((e, i) => {
      const w = wire[i]!;
      assert.equal(e.direction, w.direction === Direction.Out ? 'out' : 'in');
      assert.equal(e.kind, ['text', 'binary', 'ping', 'pong', 'close'][w.kind]);
      assert.deepEqual(Buffer.from(sessionEntryPayload(e)), Buffer.from(w.payload), `message ${i}`);
      assert.equal(e.code ?? 0, w.kind === Kind.Close ? w.code : 0);
      assert.equal(Date.parse(e.time), Math.floor(w.wallTime));
    });
  });

  it('keeps the newest entries when the recording is larger than a session file may be', async () => {
    const doc = JSON.parse(chrome) as { log: { entries: Record<string, any>[] } };
    doc.log.entries[1]!._webSocketMessages = Array.from({ length: 2000 }, (_, i) => ({ type: 'receive', time: 1714564800 + i / 1000, opcode: 1, data: `tick ${i}` }));
    const { session, warnings } = await sessionFromHar(parseHar(JSON.stringify(doc)), 1, { maxLogBytes: 20_000 });
    const log = session.log!;
    assert.ok(log.dropped && log.dropped.entries > 0);
    assert.equal(log.dropped.entries + log.entries.length, 2000 + 5);
    assert.equal(log.entries.at(-2)!.text, 'tick 1999');
    assert.match(warnings.at(-1)!, /the oldest \d+ of 2005 entries were left out/);
    parseSession(serializeSession(session));
  });

  it('maps an http(s) URL of another tool to ws(s)', async () => {
    const har2 = parseHar(edited((e) => (e.request.url = 'https://stream.example.com/socket')));
    assert.equal(((await sessionFromHar(har2, 1)).session.connection as WebSocketSessionConnection).url, 'wss://stream.example.com/socket');
  });
});

describe('HAR import: broken and hostile files', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['empty', '  \n', /The file is empty/],
    ['not JSON', '{"log": {"entries": [', /not valid JSON: .* at line 1, column \d+/],
    ['a list', '[1, 2]', /no top-level "log" object/],
    ['no entries', '{"log": {"version": "1.2"}}', /"log\.entries" must be a list \(found nothing\)/],
    ['entries an object', '{"log": {"entries": {}}}', /"log\.entries" must be a list \(found an object\)/],
    ['too deep', `{"log": {"entries": ${'['.repeat(2000)}${']'.repeat(2000)}}}`, /more than 512 levels deep \(line 1, column \d+\)/],
  ];
  for (const [name, text, message] of cases) {
    it(`refuses ${name}`, () => refused(() => parseHar(text), message));
    it(`refuses ${name}, parsed in slices`, () => rejected(() => parseHarInSlices(text), message));
  }

  it('refuses a file over the size limit before parsing it', () => {
    refused(() => parseHar(chrome, { maxBytes: 1000 }), /The HAR file is [\d.]+ KiB; Socket Inspector imports HAR files of at most 1000 bytes/);
  });

  it('does not treat "__proto__" or "constructor" as fields', async () => {
    const text = '{"log": {"entries": [{"__proto__": {"_webSocketMessages": []}, "constructor": {"x": 1}, "request": {"url": "https://x/"}}]}}';
    assert.deepEqual(parseHar(text).webSockets, []);
    assert.deepEqual((await parseHarInSlices(text)).webSockets, []);
    assert.equal(({} as Record<string, unknown>)._webSocketMessages, undefined);
  });

  const messageCases: Array<[string, (e: Record<string, any>) => void, RegExp]> = [
    ['a message that is not an object', (e) => (e._webSocketMessages[2] = 'hi'), /Entry 2 of the HAR file: _webSocketMessages\[2\] must be an object \(found "hi"\)/],
    ['an unknown type', (e) => (e._webSocketMessages[0].type = 'sent'), /_webSocketMessages\[0\]\.type must be "send" or "receive" \(found "sent"\)/],
    ['a time that is not a number', (e) => (e._webSocketMessages[0].time = '12:00'), /_webSocketMessages\[0\]\.time must be seconds since 1970/],
    ['a time past year 9999', (e) => (e._webSocketMessages[0].time = 1e15), /_webSocketMessages\[0\]\.time must be seconds since 1970/],
    ['an unknown opcode', (e) => (e._webSocketMessages[1].opcode = 5), /_webSocketMessages\[1\]\.opcode must be 1 \(text\), 2 \(binary\), 8 \(close\), 9 \(ping\) or 10 \(pong\) \(found 5\)/],
    ['data that is not a string', (e) => (e._webSocketMessages[1].data = { x: 1 }), /_webSocketMessages\[1\]\.data must be a string \(found an object\)/],
    ['binary data that is not base64', (e) => (e._webSocketMessages[2].data = 'not base64!'), /_webSocketMessages\[2\]\.data must be base64 for opcode 2/],
    ['a one-byte close payload', (e) => (e._webSocketMessages[2] = { type: 'receive', time: 1714564800.3, opcode: 8, data: 'Aw==' }), /close payload of 1 byte/],
    ['a ping over 125 bytes', (e) => (e._webSocketMessages[2] = { type: 'send', time: 1714564800.3, opcode: 9, data: Buffer.alloc(126).toString('base64') }), /ping payload of 126 bytes; control frames hold at most 125/],
    ['messages that are not a list', (e) => (e._webSocketMessages = 'none'), /"_webSocketMessages" must be a list \(found "none"\)/],
    ['no URL', (e) => delete e.request.url, /has no "request\.url" \(found nothing\)/],
    ['a URL that is not a WebSocket URL', (e) => (e.request.url = 'ftp://x/'), /"request\.url" is not a WebSocket URL/],
    ['no request', (e) => (e.request = 7), /has no "request" object|not a WebSocket entry/],
    ['no date at all', (e) => ((e.startedDateTime = 'yesterday'), (e._webSocketMessages = [])), /has neither a valid "startedDateTime" nor any message to date it by/],
  ];
  for (const [name, edit, message] of messageCases) {
    it(`refuses an entry with ${name}`, () => rejected(() => sessionFromHar(parseHar(edited(edit)), 1), message));
  }

  it('keeps a ${env:…} in the URL literal and leaves out such header values', async () => {
    const text = edited((e) => {
      e.request.url = 'wss://stream.example.com/${env:HOME}?q=${env:PATH}';
      e.request.headers.push({ name: 'X-Leak', value: '${env:AWS_SECRET}' });
    });
    const { session, warnings } = await sessionFromHar(parseHar(text), 1);
    const c = session.connection as WebSocketSessionConnection;
    assert.doesNotMatch(c.url, /\$\{env:/);
    assert.equal(c.headers?.some((h) => h.name === 'X-Leak'), false);
    assert.ok(warnings.some((w) => /Left out X-Leak: not a header Socket Inspector can send/.test(w)));
  });

  it('leaves out headers it cannot send (bad names, line breaks, pseudo-headers, duplicates)', async () => {
    const text = edited((e) => {
      e.request.headers.push({ name: 'Bad Name', value: 'x' }, { name: 'X-Break', value: 'a\r\nb' }, { name: ':path', value: '/' }, { name: 'origin', value: 'https://evil.example' }, { name: 7, value: 'x' });
    });
    const c = (await sessionFromHar(parseHar(text), 1)).session.connection as WebSocketSessionConnection;
    const names = c.headers!.map((h) => h.name);
    assert.ok(!names.includes('Bad Name') && !names.includes('X-Break') && !names.includes(':path'));
    assert.equal(names.filter((n) => n.toLowerCase() === 'origin').length, 1);
    assert.ok(c.headers!.some((h) => h.name === 'Origin' && 'value' in h && h.value === 'https://app.example.com'));
  });

  it('refuses an index that is not a WebSocket entry', async () => {
    await rejected(() => sessionFromHar(parseHar(chrome), 0), /Entry 1 of the HAR file is not a WebSocket entry/);
    await rejected(() => sessionFromHar(parseHar(chrome), 99), /Entry 100 of the HAR file is not a WebSocket entry/);
  });
});

describe('HAR import: reading the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-har-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a HAR file from disk', async () => {
    const har = await loadHarFile(FIXTURE);
    assert.equal(har.webSockets.length, 2);
  });

  it('names the file and the reason when it cannot import it', async () => {
    const big = join(dir, 'big.har');
    writeFileSync(big, chrome);
    const latin1 = join(dir, 'latin1.har');
    writeFileSync(latin1, Buffer.from([0x7b, 0xe9, 0x7d]));
    const folder = join(dir, 'folder.har');
    mkdirSync(folder);
    for (const [path, options, message] of [
      [join(dir, 'missing.har'), {}, /^Cannot import "missing\.har": the file does not exist$/],
      [big, { maxBytes: 100 }, /^Cannot import "big\.har": it is [\d.]+ KiB; Socket Inspector imports HAR files of at most 100 bytes$/],
      [latin1, {}, /^Cannot import "latin1\.har": it is not UTF-8 text/],
      [folder, {}, /^Cannot import "folder\.har": it is not a regular file$/],
    ] as const) {
      await assert.rejects(loadHarFile(path, options), (e: SocketInspectorError) => {
        assert.equal(e.code, 'BAD_HAR');
        assert.match(e.message, message);
        return true;
      });
    }
  });
});
