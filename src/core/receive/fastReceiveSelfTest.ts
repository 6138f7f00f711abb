// The start-up self-test of the fast receive paths: before a process lets a connection use them, each
// carries a known pattern over a loopback socket pair, wired as the connections wire it (fastPaths.ts),
// and what comes out, both as the events give it and as the log keeps it, must be exactly what went in.
// The fast paths lean on Node and ws internals that no API promises (readIntoLog.ts, receiverInternals.ts);
// a Node or ws that changed them underneath shows up here, and the path stays off for the session.
//
// One TCP transfer for reads into the log, then WebSocket transfers both ways (the server's plain,
// long, fragmented and control frames to a client; a client's masked frames to a server) with the
// plain-frame bypass alone, in-place reassembly alone, and everything that passed together with reads
// into the log. The server only answers a path of its own, and the TCP pattern is of no use to anyone
// else who connects meanwhile.
import { createHash, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { Direction, Kind } from '../../../shared/logModel';
import { EntryLog } from '../log/entryLog';
import { attachTcpFastPaths, attachWsFastPaths, type Attached, type FastPath, type FastPathSet, type WsRecorderHooks } from './fastPaths';
import { readIntoLogProblem } from './readIntoLog';
import { rawReceiver, receiverMismatch } from './receiverInternals';

/** What the self-test found. */
export interface SelfTestResult {
  /** Why each path that failed must stay off; a path not named passed. */
  readonly failed: Readonly<Partial<Record<FastPath, string>>>;
  /** How long it took, ms. */
  readonly ms: number;
}

/** Longest a transfer may take before it counts as failed. */
const TRANSFER_TIMEOUT_MS = 10_000;
/** The recorders' log cap: small, so that entries are evicted and slabs reused during the transfer. */
const LOG_BYTES = 256 * 1024;

/** Random bytes the binary payloads are cut from: a shifted, repeated or overwritten byte shows. */
const POOL_BYTES = 700_000;

/** `size` bytes of the pool, starting where `seed` says. */
function pattern(pool: Buffer, size: number, seed: number): Buffer {
  const at = (seed * 4099) % (pool.length - size + 1);
  return pool.subarray(at, at + size);
}

/** UTF-8 text of about `size` bytes with two-, three- and four-byte characters, numbered so no two runs match. */
function text(size: number, seed: number): Buffer {
  const parts: string[] = [];
  for (let n = 0, k = 0; n < size; k++) {
    const part = `${seed}.${k}:ünï ✓ 🚀 `;
    parts.push(part);
    n += Buffer.byteLength(part);
  }
  return Buffer.from(parts.join(''), 'utf8');
}

interface Message {
  readonly kind: Kind;
  readonly bytes: Buffer;
  /** Sent in this many frames. */
  readonly fragments?: number;
}

/** What the server sends: every length form, payloads that span reads, a burst of small ones, a ping, fragments. */
function serverMessages(pool: Buffer): Message[] {
  const out: Message[] = [];
  [0, 1, 64, 125, 126, 127, 4095, 4096, 65535, 65536, 70_000, 200_000].forEach((size, i) =>
    out.push({ kind: i % 3 === 1 ? Kind.Text : Kind.Binary, bytes: i % 3 === 1 ? text(size, i) : pattern(pool, size, i) }),
  );
  for (let i = 0; i < 200; i++) out.push({ kind: i % 2 ? Kind.Text : Kind.Binary, bytes: i % 2 ? text(60, i) : pattern(pool, 64, i) });
  out.push({ kind: Kind.Ping, bytes: Buffer.from('self-test') });
  out.push({ kind: Kind.Text, bytes: text(50_000, 7), fragments: 3 });
  out.push({ kind: Kind.Binary, bytes: pattern(pool, 90_000, 9) });
  return out;
}

/** What the client sends (masked): payloads that span reads, small ones, fragments. */
function clientMessages(pool: Buffer): Message[] {
  return [
    { kind: Kind.Binary, bytes: pattern(pool, 64, 21) },
    { kind: Kind.Binary, bytes: pattern(pool, 70_000, 22) },
    { kind: Kind.Text, bytes: text(100_000, 23) },
    { kind: Kind.Binary, bytes: pattern(pool, 150_000, 24) },
    { kind: Kind.Binary, bytes: pattern(pool, 60_000, 25), fragments: 3 },
    { kind: Kind.Text, bytes: text(10, 26) },
  ];
}

function send(ws: WebSocket, m: Message): void {
  if (m.kind === Kind.Ping) {
    ws.ping(m.bytes);
    return;
  }
  const binary = m.kind === Kind.Binary;
  const n = m.fragments ?? 1;
  const size = Math.ceil(m.bytes.length / n);
  for (let i = 0; i < n; i++) ws.send(m.bytes.subarray(i * size, (i + 1) * size), { binary, fin: i === n - 1 });
}

const KIND_NAMES: Record<number, string> = { [Kind.Text]: 'text', [Kind.Binary]: 'binary', [Kind.Ping]: 'ping', [Kind.Data]: 'data' };

/** The first difference between what was sent and what arrived, in words, or undefined if none. */
function compare(what: string, expected: readonly Message[], got: readonly Message[]): string | undefined {
  for (let i = 0; i < Math.max(expected.length, got.length); i++) {
    const e = expected[i];
    const g = got[i];
    if (!e || !g) return `${what}: ${got.length} messages arrived, ${expected.length} were sent`;
    if (e.kind !== g.kind || !e.bytes.equals(g.bytes)) {
      let at = 0;
      while (at < e.bytes.length && at < g.bytes.length && e.bytes[at] === g.bytes[at]) at++;
      return `${what}: message ${i} (${KIND_NAMES[e.kind]}, ${e.bytes.length} bytes) arrived as ${KIND_NAMES[g.kind]}, ${g.bytes.length} bytes, differing from byte ${at}`;
    }
  }
  return undefined;
}

/** The entries a log kept must be the newest of what arrived, byte for byte (reads must not land on them). */
function compareLog(what: string, log: EntryLog, arrived: readonly Message[]): string | undefined {
  const kept = log.nextSeq - log.firstSeq;
  const tail = arrived.slice(arrived.length - kept);
  const inLog: Message[] = [];
  for (let seq = log.firstSeq; seq < log.nextSeq; seq++) {
    inLog.push({ kind: log.kind(seq) ?? Kind.Error, bytes: Buffer.from(log.payload(seq) ?? []) });
  }
  return compare(`${what}, as the log kept it`, tail, inLog);
}

/** Rejects after `ms` unless `work` settles first. */
function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Records one end of a WebSocket as a connection does: each message copied as it arrives and appended to a log. */
class Recorder {
  readonly log = new EntryLog({ maxBytes: LOG_BYTES });
  readonly arrived: Message[] = [];
  bypassed = 0;
  inPlace = 0;
  private reserved: Buffer | undefined;

  hooks(role: 'client' | 'server'): WsRecorderHooks {
    return {
      role,
      compressed: false,
      reserve: (n) => {
        const view = this.log.reserve(n);
        this.reserved = Buffer.from(view.buffer, view.byteOffset, n);
        return this.reserved;
      },
      onMessage: (binary, read, start, end) => {
        this.bypassed++;
        this.record(binary ? Kind.Binary : Kind.Text, read, start, end);
      },
      holds: () => false,
    };
  }

  listen(ws: WebSocket): void {
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (data === this.reserved) this.inPlace++;
      this.reserved = undefined;
      this.record(binary ? Kind.Binary : Kind.Text, data, 0, data.length);
    });
    ws.on('ping', (data: Buffer) => {
      this.arrived.push({ kind: Kind.Ping, bytes: Buffer.from(data) });
      this.log.append(Direction.In, Kind.Ping, data);
    });
  }

  private record(kind: Kind, bytes: Buffer, start: number, end: number): void {
    this.arrived.push({ kind, bytes: Buffer.from(bytes.subarray(start, end)) });
    this.log.appendSpans(NaN, performance.now(), Direction.In, kind, bytes, [start], [end], 1);
  }
}

/** A TCP server writes a pattern in reads of every size; the client reads it into its log. */
async function tcpTransfer(pool: Buffer, allowed: FastPathSet): Promise<string | undefined> {
  const data = pool;
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    let at = 0;
    let k = 0;
    const write = (): void => {
      while (at < data.length) {
        const size = [1, 100, 70_000, 5000, 300_000, 17][k++ % 6]!;
        const more = socket.write(data.subarray(at, at + size));
        at += size;
        if (!more) {
          socket.once('drain', write);
          return;
        }
      }
      socket.end();
    };
    write();
  });
  let socket: net.Socket | undefined;
  let attached: Attached | undefined;
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    socket = client;
    const log = new EntryLog({ maxBytes: LOG_BYTES });
    const copies: Buffer[] = [];
    const arrived: Message[] = [];
    await withDeadline(
      new Promise<void>((resolve, reject) => {
        client.once('error', reject);
        client.once('connect', () => {
          attached = attachTcpFastPaths(client, log, allowed);
          client.on('data', (chunk: Buffer) => {
            const copy = Buffer.from(chunk);
            copies.push(copy);
            arrived.push({ kind: Kind.Data, bytes: copy });
            log.appendSpans(NaN, performance.now(), Direction.In, Kind.Data, chunk, [0], [chunk.length], 1);
          });
          client.once('end', resolve);
        });
      }),
      TRANSFER_TIMEOUT_MS,
      'the TCP transfer',
    );
    if (!attached?.engaged.includes('readIntoLog')) return `reads into the log did not engage: ${readIntoLogProblem(client) ?? 'the socket was left as it was'}`;
    const all = Buffer.concat(copies);
    if (!all.equals(data)) {
      let at = 0;
      while (at < all.length && all[at] === data[at]) at++;
      return `TCP: ${all.length} of ${data.length} bytes arrived, differing from byte ${at}`;
    }
    return compareLog('TCP', log, arrived);
  } finally {
    attached?.dispose();
    socket?.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/**
 * A ws server and client over loopback: the server sends serverMessages(), the client clientMessages(),
 * each end recording with the fast paths `allowed` (as its role gets them). Returns the first problem.
 */
async function wsTransfer(pool: Buffer, allowed: FastPathSet): Promise<string | undefined> {
  const path = `/${randomBytes(12).toString('hex')}`;
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, verifyClient: (info: { req: { url?: string } }) => info.req.url === path });
  const sockets: WebSocket[] = [];
  const fromServer = serverMessages(pool);
  const fromClient = clientMessages(pool);
  const clientEnd = new Recorder();
  const serverEnd = new Recorder();
  const attached: Attached[] = [];
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).once('listening', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const serverDone = new Promise<void>((resolve, reject) => {
      server.once('connection', (ws: WebSocket) => {
        sockets.push(ws);
        ws.on('error', reject);
        attached.push(attachWsFastPaths(ws, (ws as unknown as { _socket: net.Socket })._socket, serverEnd.log, serverEnd.hooks('server'), allowed));
        serverEnd.listen(ws);
        for (const m of fromServer) send(ws, m);
        // Closes once the client's messages are in (a close frame of its own: nothing the test records).
        const check = (): void => {
          if (serverEnd.arrived.length >= fromClient.length) ws.close(1000);
        };
        ws.on('message', check);
        ws.once('close', () => resolve());
      });
    });
    const transfer = async (): Promise<WebSocket> => {
      const { ws: client, socket } = await upgradedClient(port, path);
      sockets.push(client);
      const clientDone = new Promise<void>((resolve, reject) => {
        client.on('error', reject);
        client.once('close', () => resolve());
      });
      // Open, and no frame byte read yet: where a connection puts its fast paths on.
      attached.push(attachWsFastPaths(client, socket, clientEnd.log, clientEnd.hooks('client'), allowed));
      clientEnd.listen(client);
      socket.resume();
      for (const m of fromClient) send(client, m);
      await Promise.all([serverDone, clientDone]);
      return client;
    };
    const client = await withDeadline(transfer(), TRANSFER_TIMEOUT_MS, 'the WebSocket transfer');
    const engaged = attached.flatMap((a) => a.engaged);
    const mismatch = receiverMismatch(rawReceiver(client));
    if (allowed.plainFrameBypass && !engaged.includes('plainFrameBypass')) {
      return `the plain-frame bypass did not engage: ws's Receiver ${mismatch.length ? mismatch.join('; ') : 'was left as it was'}`;
    }
    if (allowed.inPlaceReassembly && !engaged.includes('inPlaceReassembly')) {
      return `in-place reassembly did not engage: ws's Receiver ${mismatch.length ? mismatch.join('; ') : 'was left as it was'}`;
    }
    if (allowed.readIntoLog && !engaged.includes('readIntoLog')) return `reads into the log did not engage on a WebSocket`;
    const problem =
      compare('server to client', fromServer, clientEnd.arrived) ??
      compare('client to server (masked)', fromClient, serverEnd.arrived) ??
      compareLog('server to client', clientEnd.log, clientEnd.arrived) ??
      compareLog('client to server (masked)', serverEnd.log, serverEnd.arrived);
    if (problem) return problem;
    if (allowed.plainFrameBypass && !allowed.readIntoLog && clientEnd.bypassed === 0) return 'the plain-frame bypass took no message';
    if (allowed.inPlaceReassembly && !allowed.readIntoLog && clientEnd.inPlace === 0) return 'no payload was reassembled in place';
    if (allowed.inPlaceReassembly && serverEnd.inPlace === 0) return "no masked payload was reassembled in place at the server's end";
    return undefined;
  } finally {
    for (const a of attached) a.dispose();
    for (const ws of sockets) ws.terminate();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** The GUID of RFC 6455 §1.3, for Sec-WebSocket-Accept. */
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * A ws client over loopback (its socket paused), made without http.request: the extension host patches that to route every
 * request through its proxy agent, and the self-test must depend on Node and ws alone. The upgrade is
 * written by hand and ws is handed the socket as its own client does after an upgrade (setSocket, as a
 * client: _isServer false).
 */
async function upgradedClient(port: number, path: string): Promise<{ ws: WebSocket; socket: net.Socket }> {
  const socket = net.connect(port, '127.0.0.1');
  try {
    await new Promise<void>((resolve, reject) => socket.once('error', reject).once('connect', resolve));
    const key = randomBytes(16).toString('base64');
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const { head, rest } = await new Promise<{ head: string; rest: Buffer }>((resolve, reject) => {
      let got = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        got = Buffer.concat([got, chunk]);
        const end = got.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.pause();
        resolve({ head: got.subarray(0, end).toString('latin1'), rest: got.subarray(end + 4) });
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.once('end', () => reject(new Error('the server ended the connection during the upgrade')));
    });
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    if (!/^HTTP\/1\.1 101 /.test(head) || !head.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
      throw new Error(`the loopback upgrade was answered with: ${head.split('\r\n')[0]}`);
    }
    socket.removeAllListeners('error');
    socket.removeAllListeners('end');
    const ws = new WebSocket(null as unknown as string, undefined, {}) as WebSocket & {
      _isServer: boolean;
      setSocket(socket: net.Socket, head: Buffer, options: { maxPayload: number }): void;
    };
    ws._isServer = false;
    ws.setSocket(socket, rest, { maxPayload: 100 * 1024 * 1024 });
    // Paused until the caller has put its fast paths on.
    return { ws, socket };
  } catch (e) {
    socket.destroy();
    throw e;
  }
}

const NONE: FastPathSet = { readIntoLog: false, plainFrameBypass: false, inPlaceReassembly: false };

/** Runs a transfer; a throw or a missed deadline is a failure like any other. */
async function attempt(run: () => Promise<string | undefined>): Promise<string | undefined> {
  try {
    return await run();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Runs every transfer (see above) and says which fast paths failed and why. Never rejects. */
export async function runFastReceiveSelfTest(): Promise<SelfTestResult> {
  const started = performance.now();
  const failed: Partial<Record<FastPath, string>> = {};
  const pool = randomBytes(POOL_BYTES);
  const tcp = await attempt(() => tcpTransfer(pool, { ...NONE, readIntoLog: true }));
  if (tcp) failed.readIntoLog = tcp;
  const bypass = await attempt(() => wsTransfer(pool, { ...NONE, plainFrameBypass: true }));
  if (bypass) failed.plainFrameBypass = bypass;
  const reassembly = await attempt(() => wsTransfer(pool, { ...NONE, inPlaceReassembly: true }));
  if (reassembly) failed.inPlaceReassembly = reassembly;
  // A WebSocket reads into the log only where the bypass runs; all that passed, together.
  if (!failed.readIntoLog && !failed.plainFrameBypass) {
    const together = await attempt(() => wsTransfer(pool, { readIntoLog: true, plainFrameBypass: true, inPlaceReassembly: !failed.inPlaceReassembly }));
    if (together) failed.readIntoLog = `with the other fast paths on a WebSocket: ${together}`;
  }
  return { failed, ms: performance.now() - started };
}
