// Wireshark reads our pcapng: a WebSocket session recorded against python3-websockets and a TCP session
// recorded against redis-server are exported, then dissected by tshark. The WebSocket messages tshark
// finds are the log's messages (count, order, opcode, payload), the TCP streams are the log's bytes, and
// tshark reports no malformed packet, no warning or error, and no bad checksum.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { exportSourceOf } from '../../src/core/export/exportSource';
import { writeExportFile } from '../../src/core/export/exportFile';
import { exportChunks } from '../../src/core/export/exportFormats';
import { pcapngChunks } from '../../src/core/export/pcapngExport';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { describeLog, entries, waitForEnd, waitForEntry, type Entry } from '../support/logReading';
import { startPythonWsServer, startRedis } from '../support/processPeers';
import { startWsServer, type Peer } from '../support/nodePeers';
import { pythonWebsocketsMissing, redisMissing, requirePeer } from '../support/requirePeer';

/** Why tshark cannot be used, or undefined when it can. */
function tsharkMissing(): string | undefined {
  const r = spawnSync('tshark', ['--version'], { stdio: 'ignore', timeout: 30_000 });
  if (r.error) return `tshark cannot be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); install it with apt-get install tshark`;
  return r.status === 0 ? undefined : `tshark --version exited with ${r.status}`;
}

/** Runs tshark on a file; fails the test with tshark's own words when it does not exit cleanly. */
function tshark(file: string, args: string[]): string {
  // Checksum validation on: Wireshark does not check them by default, and ours must be right.
  const r = spawnSync('tshark', ['-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  assert.equal(r.status, 0, `tshark ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return r.stdout;
}

type Layers = Record<string, string[] | undefined>;

/** Fields of the packets matching `filter`, from tshark's JSON output (exact strings, nothing escaped away). */
function fields(file: string, filter: string, names: string[]): Layers[] {
  const out = tshark(file, ['-Y', filter, '-T', 'json', ...names.flatMap((n) => ['-e', n])]);
  const packets = JSON.parse(out) as Array<{ _source: { layers: Layers } }>;
  return packets.map((p) => p._source.layers);
}

/** No malformed packet, no expert warning or error, no TCP analysis complaint (lost, retransmitted…). */
function assertClean(file: string): void {
  const expert = tshark(file, ['-q', '-z', 'expert,warn']);
  assert.doesNotMatch(expert, /^(Errors|Warns) \(/m, `tshark expert info:\n${expert}`);
  const suspicious = tshark(file, ['-Y', '_ws.malformed || tcp.analysis.flags || _ws.expert.severity >= 0x00600000']);
  assert.equal(suspicious.trim(), '', `tshark flagged packets:\n${suspicious}`);
}

const OPCODES: Record<string, number> = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 };

/** The payload tshark shows for a WebSocket frame, as bytes. */
function dissectedPayload(layers: Layers): Buffer {
  const opcode = Number(layers['websocket.opcode']?.[0]);
  const hex = (name: string) => Buffer.from((layers[name]?.[0] ?? '').replace(/:/g, ''), 'hex');
  switch (opcode) {
    case 1:
      return Buffer.from(layers['websocket.payload.text']?.[0] ?? '', 'utf8');
    case 2:
      return hex('data.data');
    case 9:
      return hex('websocket.payload.ping');
    case 10:
      return hex('websocket.payload.pong');
    case 8: {
      const code = layers['websocket.payload.close.status_code']?.[0];
      if (code === undefined) return Buffer.alloc(0);
      const head = Buffer.alloc(2);
      head.writeUInt16BE(Number(code));
      return Buffer.concat([head, Buffer.from(layers['websocket.payload.close.reason']?.[0] ?? '', 'utf8')]);
    }
    default:
      throw new Error(`unexpected opcode ${opcode}`);
  }
}

/** The payload of a log entry as its frame carries it (close: code and reason). */
function framePayload(e: Entry): Buffer {
  if (e.kind !== 'close') return e.payload;
  const head = Buffer.alloc(2);
  head.writeUInt16BE(e.code);
  return Buffer.concat([head, e.payload]);
}

describe('pcapng export read by tshark', () => {
  let dir: string;
  let ws: Awaited<ReturnType<typeof startPythonWsServer>> | undefined;
  let redis: Peer | undefined;
  const connections: Connection[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'si-tshark-'));
    if (!pythonWebsocketsMissing()) ws = await startPythonWsServer();
    if (!redisMissing()) redis = await startRedis();
  });
  after(async () => {
    for (const c of connections) c.dispose();
    await ws?.close();
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function ready(t: TestContext, peer: [string, string | undefined]): boolean {
    return requirePeer(t, 'tshark', tsharkMissing()) && requirePeer(t, peer[0], peer[1]);
  }

  it('dissects the same WebSocket messages with the same payloads', async (t) => {
    if (!ready(t, ['python3-websockets (/usr/bin/python3)', pythonWebsocketsMissing()])) return;
    const c = createWebSocketConnection({ url: ws!.url('/echo') });
    connections.push(c);
    await c.connect();
    const long = Array.from({ length: 70 * 1024 }, (_, i) => String.fromCharCode(0x21 + (i % 90))).join('');
    c.sendText('hello ✓\nsecond line\t"quoted"');
    c.sendBytes(new Uint8Array([0, 1, 2, 0x7f, 0x80, 0xfe, 0xff]));
    c.sendText(long);
    c.ping(Buffer.from('are you there?'));
    await waitForEntry(c.log, 'pong', (e) => e.direction === 'in' && e.kind === 'pong');
    await waitForEntry(c.log, 'the 70 KB echo', (e) => e.direction === 'in' && e.kind === 'text' && e.payload.length === long.length);
    c.close(1000, 'done');
    await waitForEnd(c);

    const file = join(dir, 'websocket.pcapng');
    await writeExportFile(file, pcapngChunks(exportSourceOf(c)));
    const wire = entries(c.log).filter((e) => e.direction !== 'meta');
    // The peer answers the ping whenever it likes, so the order of what came in is not fixed.
    assert.deepEqual(
      wire.map((e) => `${e.direction} ${e.kind}`).sort(),
      ['in binary', 'in close', 'in pong', 'in text', 'in text', 'out binary', 'out close', 'out ping', 'out text', 'out text'],
      describeLog(c.log),
    );

    const dissected = fields(file, 'websocket', [
      'websocket.opcode',
      'websocket.mask',
      'websocket.payload.text',
      'data.data',
      'websocket.payload.ping',
      'websocket.payload.pong',
      'websocket.payload.close.status_code',
      'websocket.payload.close.reason',
    ]);
    assert.equal(dissected.length, wire.length, `tshark found ${dissected.length} WebSocket messages, the log has ${wire.length}`);
    dissected.forEach((layers, i) => {
      const e = wire[i]!;
      assert.equal(Number(layers['websocket.opcode']?.[0]), OPCODES[e.kind], `message ${i} opcode`);
      assert.equal(layers['websocket.mask']?.[0], e.direction === 'out' ? '1' : '0', `message ${i} masking`);
      assert.deepEqual(dissectedPayload(layers), framePayload(e), `message ${i} (${e.direction} ${e.kind}) payload`);
    });
    // The upgrade is HTTP to tshark too (found by its heuristic on this non-80 port).
    const http = fields(file, 'http', ['http.request.method', 'http.response.code']);
    assert.deepEqual(http.map((l) => l['http.request.method']?.[0] ?? l['http.response.code']?.[0]), ['GET', '101']);
    assertClean(file);
  });

  it('redacts credentials in the upgrade byte-consistently: tshark dissects the redacted heads and every message', async (t) => {
    if (!requirePeer(t, 'tshark', tsharkMissing())) return;
    const server = await startWsServer();
    server.wss.on('headers', (headers) => headers.push('Set-Cookie: srv=srv-c00kie; Path=/; HttpOnly'));
    try {
      const c = createWebSocketConnection({
        url: server.url('/feed/env-p4th?access_token=url-t0k3n&room=1'),
        headers: { Authorization: 'Bearer hdr-s3cret', 'Proxy-Authorization': 'Basic cHJveHk6cHc9', Cookie: 'sid=c00kie-v4l; theme=dark' },
      });
      connections.push(c);
      await c.connect();
      c.sendText('hello after the upgrade');
      c.sendBytes(new Uint8Array(3000).fill(7));
      await waitForEntry(c.log, 'the binary echo', (e) => e.direction === 'in' && e.kind === 'binary');
      c.close(1000, 'done');
      await waitForEnd(c);
      const request = server.requests.at(-1)!;
      assert.equal(request.headers.authorization, 'Bearer hdr-s3cret', 'the credentials were on the wire');

      // As the export command writes it, with the env value the session read ('env-p4th') known as secret.
      const source = exportSourceOf(c, { redact: ['env-p4th'] });
      const secrets = ['hdr-s3cret', 'cHJveHk6cHc9', 'c00kie-v4l', 'srv-c00kie', 'url-t0k3n', 'env-p4th'];
      const redacted = join(dir, 'redacted.pcapng');
      const included = join(dir, 'included.pcapng');
      await writeExportFile(redacted, exportChunks('pcapng', source));
      await writeExportFile(included, exportChunks('pcapng', source, { includeCredentials: true }));
      const raw = readFileSync(redacted).toString('latin1');
      for (const secret of secrets) assert.ok(!raw.includes(secret), `${secret} is in the capture (heads or interface description)`);
      assert.ok(secrets.every((secret) => readFileSync(included).toString('latin1').includes(secret)), 'included when asked');

      const http = (file: string) =>
        fields(file, 'http', ['http.request.uri', 'http.authorization', 'http.proxy_authorization', 'http.cookie', 'http.set_cookie', 'http.response.code']);
      const [req, res] = http(redacted);
      assert.deepEqual(req!['http.request.uri'], ['/feed/<redacted>?access_token=<redacted>&room=1']);
      assert.deepEqual(req!['http.authorization'], ['Bearer <redacted>']);
      assert.deepEqual(req!['http.proxy_authorization'], ['Basic <redacted>']);
      assert.deepEqual(req!['http.cookie'], ['sid=<redacted>; theme=<redacted>']);
      assert.deepEqual(res!['http.response.code'], ['101']);
      assert.deepEqual(res!['http.set_cookie'], ['srv=<redacted>; Path=/; HttpOnly']);
      assert.deepEqual(http(included)[0]!['http.authorization'], ['Bearer hdr-s3cret']);
      // The stream after the shorter heads is still whole: every message dissects with its payload.
      const wire = entries(c.log).filter((e) => e.direction !== 'meta');
      const dissected = fields(redacted, 'websocket', ['websocket.opcode', 'websocket.payload.text', 'data.data', 'websocket.payload.close.status_code', 'websocket.payload.close.reason']);
      assert.equal(dissected.length, wire.length);
      dissected.forEach((layers, i) => assert.deepEqual(dissectedPayload(layers), framePayload(wire[i]!), `message ${i}`));
      assertClean(redacted);
    } finally {
      await server.close();
    }
  });

  it('gives back the exact bytes of a TCP session as its streams', async (t) => {
    if (!ready(t, ['redis-server', redisMissing()])) return;
    const c = createTcpConnection({ host: '127.0.0.1', port: redis!.port });
    connections.push(c);
    await c.connect();
    const value = Buffer.alloc(150_000);
    for (let i = 0; i < value.length; i++) value[i] = 0x41 + (i % 26);
    c.sendText('PING\r\n');
    c.sendBytes(Buffer.concat([Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${value.length}\r\n`), value, Buffer.from('\r\n')]));
    c.sendText('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n');
    const total = () => entries(c.log).filter((e) => e.direction === 'in').reduce((n, e) => n + e.payload.length, 0);
    // +PONG, +OK, then the value as a bulk string.
    const expected = '+PONG\r\n+OK\r\n'.length + `$${value.length}\r\n`.length + value.length + 2;
    await waitForEntry(c.log, 'the whole GET reply', () => total() >= expected);
    c.close();
    await waitForEnd(c);

    const file = join(dir, 'tcp.pcapng');
    await writeExportFile(file, pcapngChunks(exportSourceOf(c)));
    const follow = tshark(file, ['-q', '-z', 'follow,tcp,raw,0']);
    // Lines of the client are flush left, the server's are indented with a tab.
    const lines = follow.split('\n').filter((l) => /^\t?[0-9a-f]+$/.test(l));
    const client = Buffer.from(lines.filter((l) => !l.startsWith('\t')).join(''), 'hex');
    const server = Buffer.from(lines.filter((l) => l.startsWith('\t')).map((l) => l.slice(1)).join(''), 'hex');
    const sent = Buffer.concat(entries(c.log).filter((e) => e.direction === 'out').map((e) => e.payload));
    const received = Buffer.concat(entries(c.log).filter((e) => e.direction === 'in').map((e) => e.payload));
    assert.equal(client.length, sent.length, 'client stream length');
    assert.ok(client.equals(sent), 'client stream bytes');
    assert.equal(server.length, received.length, 'server stream length');
    assert.ok(server.equals(received), 'server stream bytes');
    // The 150 kB command needed several segments, none over 65495 bytes.
    const lengths = fields(file, 'tcp.len > 0', ['tcp.len']).map((l) => Number(l['tcp.len']?.[0]));
    assert.ok(lengths.filter((n) => n === 65_495).length >= 2, `segment lengths: ${lengths.join(', ')}`);
    assert.ok(lengths.every((n) => n <= 65_495));
    const fins = fields(file, 'tcp.flags.fin == 1', ['tcp.srcport']).map((l) => Number(l['tcp.srcport']?.[0]));
    assert.equal(fins.length, 2, 'both sides close with FIN');
    assertClean(file);
  });
});
