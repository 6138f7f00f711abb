// Request/response pairing and round trips through the panel's host side, against real servers: a ws
// server that answers JSON-RPC requests out of order (and pongs pings), and a TCP server speaking
// newline-delimited JSON that coalesces answers. Driven through the real protocol, as the webview does.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { MessageHandler, RequestError } from '../../shared/messageHandler';
import { webviewIncoming } from '../../shared/messageSchema';
import type { HostEvents, HostRequests, PanelStats, WebviewEvents, WebviewRequests } from '../../shared/protocol';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { PanelController } from '../../src/panel/panelController';
import { eventually } from '../support/eventually';
import { entries } from '../support/logReading';
import { startWsServer, type WsPeer } from '../support/nodePeers';
import { hostEventHandlers, ignoreEvent } from '../support/panelWiring';

type Webview = MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>;

interface Harness {
  readonly controller: PanelController;
  readonly webview: Webview;
  /** The latest counters the host posted. */
  stats(): PanelStats | undefined;
  readonly problems: string[];
}

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function panelOn(connection: Connection): Harness {
  const problems: string[] = [];
  let latest: PanelStats | undefined;
  let webview: Webview | undefined;
  const controller = new PanelController(
    connection,
    (m) => queueMicrotask(() => webview!.handleMessage(m)),
    { connect: () => {}, disconnect: () => connection.close(), writeClipboard: () => {} },
    { log: (line) => problems.push(line), statsIntervalMs: 20 },
  );
  const keep = (stats: PanelStats) => (latest = stats);
  webview = new MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>({
    post: (m) => queueMicrotask(() => controller.handleMessage(m)),
    schemas: webviewIncoming,
    requests: {},
    events: hostEventHandlers(ignoreEvent, {
      entries: ({ batchId, stats }) => {
        keep(stats);
        webview!.sendEvent('ack', { batchId });
      },
      stats: ({ stats }) => keep(stats),
      cleared: ({ stats }) => keep(stats),
      snapshot: ({ snapshot }) => keep(snapshot.stats),
    }),
    onProblem: (p) => problems.push(`webview: ${p}`),
  });
  cleanup.push(() => {
    controller.dispose();
    webview!.dispose();
  });
  return { controller, webview, stats: () => latest, problems };
}

/** A ws server that holds JSON-RPC requests until three arrived, then answers them 3, 1, 2, with a notification in between. */
async function outOfOrderServer(): Promise<WsPeer> {
  const peer = await startWsServer({ echo: false });
  peer.wss.on('connection', (ws) => {
    const held: Array<{ id: unknown }> = [];
    ws.on('message', (data: Buffer) => {
      held.push(JSON.parse(data.toString('utf8')) as { id: unknown });
      if (held.length < 3) return;
      const [a, b, c] = held.splice(0);
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: c!.id, result: 'third' }));
      ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'progress', params: { id: a!.id } }));
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: a!.id, result: 'first' }));
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: b!.id, result: 'second' }));
    });
  });
  cleanup.push(() => peer.close());
  return peer;
}

/** Seq of the first entry whose text contains `text`. */
function seqOf(c: Connection, text: string): number {
  const e = entries(c.log).find((x) => x.text.includes(text));
  assert.ok(e, `no entry with ${text}`);
  return e.seq;
}

describe('request/response pairing (panel host, real peers)', () => {
  it('pairs JSON-RPC answers that come out of order, with RTT from the log, and pings with pongs', async () => {
    const peer = await outOfOrderServer();
    const c = createWebSocketConnection({ url: peer.url('/rpc') });
    cleanup.push(() => c.dispose());
    await c.connect();
    const h = panelOn(c);
    await h.webview.sendRequest('ready', {});
    await h.webview.sendRequest('setPairing', { field: 'id' });

    c.sendText('{"jsonrpc":"2.0","id":1,"method":"a"}');
    c.sendText('{"jsonrpc":"2.0","id":2,"method":"b"}');
    c.sendText('{"jsonrpc":"2.0","id":3,"method":"c"}');
    c.ping(new TextEncoder().encode('hb-1'));
    await eventually(() => h.stats()?.timing, (t) => t?.json?.count === 3 && t.ping?.count === 1, 'three pairs and a ping');

    const log = c.log;
    const [r1, r2, r3] = ['"id":1,', '"id":2,', '"id":3,'].map((t) => seqOf(c, t));
    const [a1, a2, a3] = ['"result":"first"', '"result":"second"', '"result":"third"'].map((t) => seqOf(c, t));
    for (const [request, answer, key] of [[r1!, a1!, '1'], [r2!, a2!, '2'], [r3!, a3!, '3']] as const) {
      const rtt = log.monoTime(answer) - log.monoTime(request);
      assert.deepEqual((await h.webview.sendRequest('getTiming', { seq: answer })).pairs, [{ role: 'response', otherSeq: request, rttMs: rtt, via: 'json', key }]);
      assert.deepEqual((await h.webview.sendRequest('getTiming', { seq: request })).pairs, [{ role: 'request', otherSeq: answer, rttMs: rtt, via: 'json', key }]);
    }
    const progress = seqOf(c, '"progress"');
    assert.deepEqual((await h.webview.sendRequest('getTiming', { seq: progress })).pairs, [], 'a notification answers nothing');
    const ping = entries(log).find((e) => e.kind === 'ping')!.seq;
    const pong = entries(log).find((e) => e.kind === 'pong')!.seq;
    assert.deepEqual((await h.webview.sendRequest('getTiming', { seq: pong })).pairs, [
      { role: 'response', otherSeq: ping, rttMs: log.monoTime(pong) - log.monoTime(ping), via: 'ping' },
    ]);
    const timing = await h.webview.sendRequest('getTiming', { seq: a2! });
    assert.equal(timing.sincePreviousMs, log.monoTime(a2!) - log.monoTime(a2! - 1));

    const summary = h.stats()!.timing!;
    const rtts = [a1!, a2!, a3!].map((a, i) => log.monoTime(a) - log.monoTime([r1!, r2!, r3!][i]!)).sort((x, y) => x - y);
    assert.deepEqual(summary.json, { count: 3, unanswered: 0, minMs: rtts[0], medianMs: rtts[1], p95Ms: rtts[2], maxMs: rtts[2] });
    assert.equal(summary.field, 'id');

    // Changing the field works the retained log out again. Every message carries "jsonrpc":"2.0", so the
    // requests are answered first come, first served: 1 by the first answer (3's), 2 by the notification.
    await h.webview.sendRequest('setPairing', { field: 'jsonrpc' });
    await eventually(() => h.webview.sendRequest('getTiming', { seq: progress }), (t) => t.pairs.length === 1, 'paired by jsonrpc');
    assert.equal((await h.webview.sendRequest('getTiming', { seq: progress })).pairs[0]!.otherSeq, r2);
    assert.equal((await h.webview.sendRequest('getTiming', { seq: r1! })).pairs[0]!.otherSeq, a3);
    await assert.rejects(h.webview.sendRequest('setPairing', { field: 'a..b' }), (e: RequestError) => e.info.code === 'BAD_FIELD');
    await assert.rejects(h.webview.sendRequest('getTiming', { seq: log.nextSeq + 5 }), (e: RequestError) => e.info.code === 'GONE');

    // Clearing the log forgets pairs and round trips.
    await h.webview.sendRequest('clear', {});
    await eventually(() => h.stats()?.timing, (t) => t !== undefined && t.json === undefined && t.ping === undefined && t.field === 'jsonrpc', 'cleared');
    assert.deepEqual(h.problems, []);
  });

  it('pairs newline-delimited JSON over TCP, answers coalesced into one read', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((s) => {
      sockets.push(s);
      let buffered = '';
      s.on('data', (d) => {
        buffered += d.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        const ids = lines.filter((l) => l.trim()).map((l) => (JSON.parse(l) as { id: string }).id);
        // Both answers in one write, reversed.
        if (ids.length > 0) s.write(ids.reverse().map((id) => `${JSON.stringify({ id, ok: true })}\n`).join(''));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
    );
    const c = createTcpConnection({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
    cleanup.push(() => c.dispose());
    await c.connect();
    const h = panelOn(c);
    await h.webview.sendRequest('ready', {});
    await h.webview.sendRequest('setPairing', { field: 'id' });
    c.sendText('{"id":"x"}\n{"id":"y"}\n');
    await eventually(() => h.stats()?.timing?.json, (j) => j?.count === 2, 'two TCP pairs');
    const request = seqOf(c, '{"id":"x"}');
    const answer = entries(c.log).find((e) => e.direction === 'in')!.seq;
    const t = await h.webview.sendRequest('getTiming', { seq: request });
    assert.deepEqual(t.pairs.map((p) => [p.role, p.otherSeq, p.key]).sort(), [['request', answer, '"x"'], ['request', answer, '"y"']]);
    assert.deepEqual(h.problems, []);
  });

  it('pairs framed TCP messages when answers are split across reads (View as: lines)', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((s) => {
      sockets.push(s);
      s.on('data', (d) => {
        const { id } = JSON.parse(d.toString('utf8').trim()) as { id: number };
        // The answer in two writes, apart: no single read holds a whole JSON document.
        const answer = `${JSON.stringify({ id, result: 'ok'.repeat(20) })}\n`;
        s.write(answer.slice(0, 10));
        setTimeout(() => s.write(answer.slice(10)), 30);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
    );
    const c = createTcpConnection({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
    cleanup.push(() => c.dispose());
    await c.connect();
    const h = panelOn(c);
    await h.webview.sendRequest('ready', {});
    await h.webview.sendRequest('setPairing', { field: 'id' });
    c.sendText('{"id":41}\n');
    await eventually(() => entries(c.log).filter((e) => e.direction === 'in').length, (n) => n >= 2, 'the answer in two reads');
    // getTiming reads the log up to now before answering: no chunk holds a whole answer.
    const lastChunk = entries(c.log).filter((e) => e.direction === 'in').at(-1)!.seq;
    assert.deepEqual((await h.webview.sendRequest('getTiming', { seq: lastChunk })).pairs, []);
    assert.deepEqual((await h.webview.sendRequest('getTiming', { seq: seqOf(c, '{"id":41}') })).awaiting, { via: 'json', key: '41' });

    await h.webview.sendRequest('setFraming', { spec: { type: 'delimiter', delimiter: '0a' } });
    await eventually(() => h.stats()?.timing?.json?.count, (n) => n === 1, 'paired in the framed view');
    assert.equal(h.stats()!.timing!.field, 'id', 'the field stays when the view changes');
    assert.deepEqual(h.problems, []);
  });
});
