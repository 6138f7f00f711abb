// Soak phase (e): inspector panels hidden, shown and recreated while their connections receive a flood.
// The host side is the real PanelController; the webview is a stand-in that speaks the real protocol
// (it decodes every entries batch and acknowledges it, as webview/main.ts does). VS Code hides a panel
// when another tab covers it and may recreate its webview when it comes back; the controller must then
// post nothing while hidden, resynchronise on show, and leave no listener or timer behind on dispose.
import * as net from 'node:net';
import { WebSocketServer } from 'ws';
import { decodeEntryBatch } from '../../shared/entryBatch';
import type { PanelSnapshot } from '../../shared/protocol';
import type { Connection, RetentionOptions } from '../../src/core/connection/connectionTypes';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { PanelController } from '../../src/panel/panelController';
import { sleep, until } from './polling';

const HOST = '127.0.0.1';

/** What one phase run found: failures (empty when it passed) and a summary row. */
export interface PanelSoakResult {
  readonly failures: string[];
  readonly summary: string;
}

/** The webview side of one panel: what it was posted, and whether that was consistent. */
class StandInWebview {
  /** Newest seq the webview holds (from its snapshot or a batch); -1 before any. */
  newestSeq = -1;
  /** The bytes the newest entry carried in its batch (its preview). */
  newestPreview: Uint8Array = new Uint8Array(0);
  entries = 0;
  batches = 0;
  snapshots = 0;
  postsWhileHidden = 0;
  readonly problems: string[] = [];
  visible = true;
  private nextRequestId = 1;
  private readonly acks = new Set<NodeJS.Timeout>();
  controller!: PanelController;

  receive(message: unknown): void {
    const m = message as { type: string; batchId?: number; batch?: ArrayBuffer; snapshot?: PanelSnapshot; result?: unknown; ok?: boolean };
    if (!this.visible && m.type !== 'response') this.postsWhileHidden++;
    if (m.type === 'response') {
      if (!m.ok) this.problems.push(`a request failed: ${JSON.stringify(m)}`);
      else if (m.result && typeof m.result === 'object' && 'stats' in m.result) this.startOver(m.result as PanelSnapshot);
      return;
    }
    if (m.type === 'snapshot') {
      this.startOver(m.snapshot!);
      return;
    }
    if (m.type !== 'entries') return;
    this.batches++;
    const batch = decodeEntryBatch(m.batch!);
    for (let i = 0; i < batch.count; i++) {
      const seq = batch.seq[i]!;
      // Live batches may skip what the webview can page in later, but never go back or repeat.
      if (seq <= this.newestSeq) this.problems.push(`entry ${seq} arrived after ${this.newestSeq}`);
      this.newestSeq = seq;
    }
    if (batch.count > 0) {
      const i = batch.count - 1;
      this.newestPreview = batch.payload.slice(i === 0 ? 0 : batch.end[i - 1]!, batch.end[i]!);
    }
    this.entries += batch.count;
    // The real webview acknowledges once the batch is stored; a tick later here.
    const t = setTimeout(() => {
      this.acks.delete(t);
      this.controller.handleMessage({ type: 'ack', batchId: m.batchId });
    }, 1);
    this.acks.add(t);
  }

  /** The webview (re)loaded: it asks for a snapshot and holds nothing older than it. */
  ready(): void {
    this.controller.handleMessage({ type: 'ready', requestId: this.nextRequestId++ });
  }

  private startOver(snapshot: PanelSnapshot): void {
    this.snapshots++;
    this.newestSeq = snapshot.stats.nextSeq - 1;
    this.newestPreview = new Uint8Array(0);
    for (const t of this.acks) clearTimeout(t);
    this.acks.clear();
  }

  dispose(): void {
    for (const t of this.acks) clearTimeout(t);
    this.acks.clear();
  }
}

/**
 * A server that floods every client with WebSocket messages or TCP lines, about 20,000 a second each: a
 * flood a person could not read, yet paced so the event loop still runs the hide/show timers.
 */
async function floodServer(kind: 'ws' | 'tcp'): Promise<{ port: number; stop(): Promise<void> }> {
  let flowing = true;
  let stopped: Promise<void> | undefined;
  const line = Buffer.from(`${'x'.repeat(60)}\n`);
  if (kind === 'ws') {
    const wss = new WebSocketServer({ host: HOST, port: 0 });
    await new Promise<void>((r) => wss.once('listening', r));
    wss.on('connection', (ws) => {
      const pump = (): void => {
        for (let i = 0; i < 200 && flowing && ws.readyState === ws.OPEN && ws.bufferedAmount < 1024 * 1024; i++) ws.send(line.subarray(0, 60));
        if (flowing && ws.readyState === ws.OPEN) setTimeout(pump, 10);
      };
      pump();
    });
    return {
      port: (wss.address() as net.AddressInfo).port,
      stop: () => {
        flowing = false;
        for (const c of wss.clients) c.terminate();
        return (stopped ??= new Promise((r) => wss.close(() => r())));
      },
    };
  }
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    const lines = Buffer.concat(Array(200).fill(line));
    const pump = (): void => {
      if (!flowing || s.destroyed) return;
      // Skips a beat while the socket's buffer is full rather than queueing without bound.
      if (s.writableLength < 1024 * 1024) s.write(lines);
      setTimeout(pump, 10);
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  return {
    port: (server.address() as net.AddressInfo).port,
    stop: () => {
      flowing = false;
      for (const s of sockets) s.destroy();
      return (stopped ??= new Promise((r) => server.close(() => r())));
    },
  };
}

/** Listeners a connection and its log hold (the controller's subscriptions among them). */
function listenerCount(c: Connection): number {
  let n = 0;
  for (const owner of [c, c.log] as unknown as Array<Record<string, unknown>>) {
    for (const value of Object.values(owner)) {
      const emitter = value as { listenerCount?: unknown };
      if (emitter && typeof emitter === 'object' && typeof emitter.listenerCount === 'number') n += emitter.listenerCount;
    }
  }
  return n;
}

/**
 * Opens `panels` panels (WebSocket and TCP alternately) on flooding servers and, for `ms`, hides, shows
 * and recreates them at random; then stops the flood, shows every panel and checks what its webview holds.
 */
export async function panelsUnderTraffic(ms: number, panels: number, retention: RetentionOptions): Promise<PanelSoakResult> {
  const failures: string[] = [];
  const servers = { ws: await floodServer('ws'), tcp: await floodServer('tcp') };
  const open: Array<{ connection: Connection; webview: StandInWebview; listenersBefore: number }> = [];
  let toggles = 0;
  let recreations = 0;
  try {
    for (let i = 0; i < panels; i++) {
      const kind = i % 2 === 0 ? 'ws' : 'tcp';
      const connection =
        kind === 'ws'
          ? createWebSocketConnection({ url: `ws://${HOST}:${servers.ws.port}/` }, retention)
          : createTcpConnection({ host: HOST, port: servers.tcp.port }, retention);
      const listenersBefore = listenerCount(connection);
      const webview = new StandInWebview();
      webview.controller = new PanelController(
        connection,
        (message) => void queueMicrotask(() => webview.receive(message)),
        { connect: () => connection.connect(), disconnect: () => connection.close(), writeClipboard: () => {} },
        { log: (line) => webview.problems.push(`host: ${line}`) },
      );
      // The count must see the controller's subscriptions, or the leak check below would prove nothing.
      if (listenerCount(connection) <= listenersBefore) failures.push(`${kind} panel: the controller's listeners on its connection cannot be counted`);
      webview.ready();
      await connection.connect();
      open.push({ connection, webview, listenersBefore });
    }

    const end = Date.now() + ms;
    while (Date.now() < end) {
      await sleep(20 + Math.random() * 200);
      const p = open[Math.floor(Math.random() * open.length)]!;
      const show = !p.webview.visible;
      p.webview.visible = show;
      p.webview.controller.setVisible(show);
      toggles++;
      // Without retainContextWhenHidden VS Code reloads a webview when its panel is shown again.
      if (show && Math.random() < 0.3) {
        p.webview.ready();
        recreations++;
      }
    }

    await servers.ws.stop();
    await servers.tcp.stop();
    for (const p of open) {
      p.webview.visible = true;
      p.webview.controller.setVisible(true);
    }
    let compared = 0;
    for (const [i, p] of open.entries()) {
      const label = `panel ${i + 1} (${p.connection.kind})`;
      const last = () => p.connection.log.nextSeq - 1;
      const caughtUp = await until(() => p.webview.newestSeq === last(), 10_000);
      if (!caughtUp) failures.push(`${label}: shown again, its webview holds up to entry ${p.webview.newestSeq}, the log up to ${last()}`);
      const logged = p.connection.log.payload(last());
      const preview = logged?.subarray(0, p.webview.newestPreview.length);
      // A webview reloaded after the flood stopped holds no batch to compare; the others must match.
      if (caughtUp && p.webview.newestPreview.length > 0) {
        compared++;
        if (!preview || Buffer.compare(preview, p.webview.newestPreview) !== 0) failures.push(`${label}: the newest entry's bytes in the webview differ from the log's`);
      }
      if (p.webview.postsWhileHidden > 0) failures.push(`${label}: ${p.webview.postsWhileHidden} messages were posted while it was hidden`);
      if (p.webview.entries === 0) failures.push(`${label}: no entries reached its webview`);
      for (const problem of p.webview.problems.slice(0, 3)) failures.push(`${label}: ${problem}`);
    }
    if (compared === 0) failures.push('no webview held a batch with its newest entry to compare with the log');
  } finally {
    for (const p of open) {
      p.webview.controller.dispose();
      p.webview.dispose();
      const left = listenerCount(p.connection) - p.listenersBefore;
      if (left > 0) failures.push(`${p.connection.kind} panel: ${left} listeners left on its connection after the panel was disposed`);
      p.connection.dispose();
    }
    await servers.ws.stop();
    await servers.tcp.stop();
  }
  const entries = open.reduce((n, p) => n + p.webview.entries, 0);
  const logged = open.reduce((n, p) => n + p.connection.log.nextSeq, 0);
  const snapshots = open.reduce((n, p) => n + p.webview.snapshots, 0);
  return {
    failures,
    summary:
      `${open.length} panels (WS and TCP) on floods; ${toggles} hide/show toggles, ${recreations} webview reloads, ${snapshots} snapshots; ${entries} of ${logged} logged entries posted live; ` +
      (failures.length === 0 ? 'nothing posted while hidden; every webview caught up with its log, newest bytes as logged' : `${failures.length} failures`),
  };
}
