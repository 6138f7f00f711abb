// Exports of logs not recorded by a client we opened: a listener's peer (we are the server end) and a
// proxy pair (some messages were held and never forwarded). tshark reads the pcapng files; the HAR and
// NDJSON files are parsed. What each says must match what really crossed each wire.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { exportSourceOf, type ExportSource } from '../../src/core/export/exportSource';
import { writeExportFile } from '../../src/core/export/exportFile';
import { harChunks } from '../../src/core/export/harExport';
import { ndjsonChunks, type NdjsonEntry } from '../../src/core/export/ndjsonExport';
import { pcapngChunks } from '../../src/core/export/pcapngExport';
import { createTcpListener } from '../../src/core/listen/tcpListener';
import { createWsListener } from '../../src/core/listen/wsListener';
import { createTcpProxy, createWsProxy, type ProxySession } from '../../src/core/proxy';
import type { ServerSession } from '../../src/core/connection/serverTypes';
import { eventually } from '../support/eventually';
import { peerNumber, recordingClient, type RecordingClient } from '../support/listenClients';
import { describeLog, entries, waitForEnd } from '../support/logReading';
import { requirePeer, tsharkMissing } from '../support/requirePeer';
import { readWebSocketFrames } from '../support/tsharkCapture';

let dir: string;
const cleanup: Array<() => unknown> = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'si-export-ends-'));
});
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function started<T extends ServerSession>(session: T): Promise<T> {
  cleanup.push(async () => {
    await session.stop();
    session.dispose();
  });
  await session.start();
  return session;
}

function client(url: string): RecordingClient {
  const c = recordingClient(url);
  cleanup.push(() => c.ws.terminate());
  return c;
}

/** The `fields` of each packet matching `filter`, as tshark prints them (one row per packet). */
function tsharkRows(file: string, filter: string, fields: string[], args: string[] = []): string[][] {
  const r = spawnSync('tshark', ['-n', '-r', file, ...args, '-Y', filter, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

/** A tshark hex field (`41:42` or `4142`) as UTF-8 text. */
function hexText(hex: string | undefined): string {
  return Buffer.from((hex ?? '').replace(/:/g, ''), 'hex').toString('utf8');
}

/** The text payloads of the WebSocket text frames in a capture, with the TCP port each came from. */
function textFrames(file: string, serverPort: number): Array<{ from: 'client' | 'server'; text: string }> {
  return tsharkRows(file, 'websocket.opcode == 1', ['tcp.srcport', 'websocket.payload.text'], ['-d', `tcp.port==${serverPort},http`]).map(([port, text]) => ({
    from: Number(port) === serverPort ? 'server' : 'client',
    text: text ?? '',
  }));
}

function harOf(source: ExportSource): { url: string; messages: Array<{ type: string; opcode: number; data: string }> } {
  const har = JSON.parse([...harChunks(source)].join('')) as {
    log: { entries: Array<{ request: { url: string }; _webSocketMessages: Array<{ type: string; opcode: number; data: string }> }> };
  };
  const entry = har.log.entries[0]!;
  return { url: entry.request.url, messages: entry._webSocketMessages };
}

describe("exports of a listener's peer: the log was recorded at the server end", () => {
  it('WebSocket: the client masks its frames and sends from its port; HAR calls its messages "send"', async (t) => {
    if (!requirePeer(t, 'tshark', tsharkMissing())) return;
    const session = await started(createWsListener({ address: { host: '127.0.0.1', port: 0 } }));
    const port = session.address!.port;
    const c = client(`ws://127.0.0.1:${port}/chat?room=1`);
    await c.opened;
    const peer = (await peerNumber(session, 1)).connection;
    c.ws.send('from the client');
    await eventually(() => entries(peer.log).some((e) => e.kind === 'text'), (ok) => ok, 'the client message');
    peer.sendText('from the server');
    await eventually(() => c.texts.length, (n) => n === 1, 'the server message');
    c.ws.close(1000, 'bye');
    await waitForEnd(peer);

    const source = exportSourceOf(peer);
    assert.equal(source.end, 'server');
    const file = join(dir, 'listener-ws.pcapng');
    await writeExportFile(file, pcapngChunks(source));
    assert.deepEqual(textFrames(file, port), [
      { from: 'client', text: 'from the client' },
      { from: 'server', text: 'from the server' },
    ], describeLog(peer.log));
    // RFC 6455: the client masks every frame, the server none; tshark would flag the other way round.
    const frames = readWebSocketFrames(file, port);
    assert.ok(frames.length >= 3, `frames: ${JSON.stringify(frames)}`);
    for (const f of frames) assert.equal(f.masked, f.direction === 'out', `frame ${JSON.stringify(f)}: only the client's frames are masked`);

    const har = harOf(source);
    assert.equal(har.url, `ws://127.0.0.1:${port}/chat?room=1`, 'the URL the client asked for, not the peer label');
    assert.deepEqual(
      har.messages.filter((m) => m.opcode === 1).map((m) => `${m.type} ${m.data}`),
      ['send from the client', 'receive from the server'],
    );
  });

  it("TCP: the client's stream is what the peer received, and the client port sends it", async (t) => {
    if (!requirePeer(t, 'tshark', tsharkMissing())) return;
    const session = await started(createTcpListener({ address: { host: '127.0.0.1', port: 0 } }));
    const port = session.address!.port;
    const socket = createConnection({ host: '127.0.0.1', port, allowHalfOpen: true });
    cleanup.push(() => socket.destroy());
    await new Promise<void>((r) => socket.once('connect', r));
    const peer = (await peerNumber(session, 1)).connection;
    socket.write('PING from the device\r\n');
    await eventually(() => entries(peer.log).filter((e) => e.direction === 'in').length, (n) => n >= 1, 'the client bytes');
    peer.sendText('+PONG from the test server\r\n');
    await new Promise<void>((r) => socket.once('data', () => r()));
    socket.end();
    peer.close();
    await waitForEnd(peer);

    const file = join(dir, 'listener-tcp.pcapng');
    await writeExportFile(file, pcapngChunks(exportSourceOf(peer)));
    const segments = tsharkRows(file, 'tcp.len > 0', ['tcp.srcport', 'tcp.payload']).map(([src, hex]) => `${Number(src) === port ? 'server' : 'client'}: ${hexText(hex)}`);
    assert.deepEqual(segments, ['client: PING from the device\r\n', 'server: +PONG from the test server\r\n'], describeLog(peer.log));
    assert.equal(tsharkRows(file, 'tcp.flags.fin == 1', ['tcp.srcport']).length, 2, 'both sides close with FIN');
  });
});

describe('exports of a proxy pair: what was held and never forwarded stays off the wire', () => {
  async function proxyWithHolds(): Promise<{ proxy: ProxySession; upstreamGot: string[]; c: RecordingClient }> {
    const upstreamGot: string[] = [];
    const upstream = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanup.push(() => new Promise((r) => upstream.close(() => r(undefined))));
    await new Promise<void>((r) => upstream.once('listening', r));
    upstream.on('connection', (ws: WebSocket) => {
      ws.on('message', (d: Buffer) => {
        upstreamGot.push(d.toString('utf8'));
        ws.send(`echo ${d.toString('utf8')}`);
      });
    });
    const proxy = await started(
      createWsProxy({ listen: '127.0.0.1:0', upstream: `ws://127.0.0.1:${(upstream.address() as AddressInfo).port}/`, startPaused: { toServer: true } }),
    );
    const c = client(`ws://127.0.0.1:${proxy.address!.port}/`);
    await c.opened;
    return { proxy, upstreamGot, c };
  }

  it('pcapng and HAR carry the edit and what was released, not the dropped or replaced originals; NDJSON marks them', async (t) => {
    if (!requirePeer(t, 'tshark', tsharkMissing())) return;
    const { proxy, upstreamGot, c } = await proxyWithHolds();
    const pair = proxy.peers[0]!;
    const controls = pair.controls;
    for (const text of ['one', 'two', 'three']) c.ws.send(text);
    await eventually(() => controls.held.length, (n) => n === 3, 'three held messages');
    const [one, two, three] = controls.held;
    controls.drop(one!.id);
    controls.release(two!.id, { text: 'TWO (edited)' });
    await eventually(() => c.texts.length, (n) => n === 1, 'the echo of the edit');
    controls.release(three!.id);
    await eventually(() => c.texts.length, (n) => n === 2, 'the echo of three');
    assert.deepEqual(upstreamGot, ['TWO (edited)', 'three']);
    c.ws.close(1000, 'done');
    await waitForEnd(pair.connection);

    const source = exportSourceOf(pair.connection, { delivery: (seq) => controls.delivery(seq) });
    const upstreamPort = Number(/:(\d+)\/$/.exec(proxy.upstream)![1]);
    const file = join(dir, 'proxy.pcapng');
    await writeExportFile(file, pcapngChunks(source));
    const wire = textFrames(file, upstreamPort).map((f) => `${f.from}: ${f.text}`);
    assert.deepEqual(wire, ['client: TWO (edited)', 'server: echo TWO (edited)', 'client: three', 'server: echo three'], describeLog(pair.connection.log));

    assert.deepEqual(
      harOf(source).messages.filter((m) => m.opcode === 1).map((m) => `${m.type} ${m.data}`),
      ['send TWO (edited)', 'receive echo TWO (edited)', 'send three', 'receive echo three'],
    );

    const lines = [...ndjsonChunks(source)].map((l) => JSON.parse(l) as NdjsonEntry);
    const texts = lines.filter((l) => l.kind === 'text').map((l) => `${l.text}${l.delivered === false ? ' (not delivered)' : ''}`);
    assert.deepEqual(texts, ['one (not delivered)', 'two (not delivered)', 'three', 'TWO (edited)', 'echo TWO (edited)', 'echo three']);
    assert.ok(lines.some((l) => l.kind === 'note' && /Dropped/i.test(l.text ?? '')), 'the notes stay in the NDJSON dump');
  });

  it('TCP: the dropped chunk is in neither stream, released chunks are where they went out, FINs on the sides that sent them', async (t) => {
    if (!requirePeer(t, 'tshark', tsharkMissing())) return;
    const sockets: Socket[] = [];
    const upstream = createServer({ allowHalfOpen: true }, (s) => {
      sockets.push(s);
      s.on('data', (d: Buffer) => s.write(`echo ${d.toString('utf8')}`));
      s.on('end', () => s.end());
    });
    cleanup.push(() => new Promise((r) => upstream.close(() => r(undefined))), () => sockets.forEach((s) => s.destroy()));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    const proxy = await started(createTcpProxy({ listen: '127.0.0.1:0', upstream: `tcp://127.0.0.1:${upstreamPort}`, startPaused: { toServer: true } }));
    const socket = createConnection({ host: '127.0.0.1', port: proxy.address!.port, allowHalfOpen: true });
    cleanup.push(() => socket.destroy());
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('utf8')));
    await new Promise<void>((r) => socket.once('connect', r));
    await eventually(() => proxy.peers[0]?.connection.state, (s) => s === 'open', 'the pair open');
    const pair = proxy.peers[0]!;
    for (const [i, line] of ['first\n', 'second\n', 'third\n'].entries()) {
      socket.write(line);
      await eventually(() => pair.controls.held.length, (n) => n === i + 1, `chunk ${i + 1} held`);
    }
    const [first, second, third] = pair.controls.held;
    pair.controls.drop(first!.id);
    // Released out of order: the upstream gets third before second, and so must the capture.
    pair.controls.release(third!.id);
    await eventually(() => got, (g) => g === 'echo third\n', 'the echo of third');
    pair.controls.release(second!.id);
    await eventually(() => got, (g) => g === 'echo third\necho second\n', 'the echo of second');
    socket.end();
    await waitForEnd(pair.connection);

    const source = exportSourceOf(pair.connection, { delivery: (seq) => pair.controls.delivery(seq) });
    const file = join(dir, 'proxy-tcp.pcapng');
    await writeExportFile(file, pcapngChunks(source));
    const seen = tsharkRows(file, 'tcp.len > 0 || tcp.flags.fin == 1', ['tcp.srcport', 'tcp.flags.fin', 'tcp.payload']).map(([src, fin, hex]) => {
      const side = Number(src) === upstreamPort ? 'server' : 'client';
      return fin === '1' || fin === 'True' ? `${side} FIN` : `${side}: ${hexText(hex)}`;
    });
    assert.deepEqual(
      seen,
      ['client: third\n', 'server: echo third\n', 'client: second\n', 'server: echo second\n', 'client FIN', 'server FIN'],
      describeLog(pair.connection.log),
    );
  });
});
