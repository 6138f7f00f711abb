// Servers that break the rules on purpose: malformed frames after a real upgrade, handshakes that never
// finish, messages over the size limit, resets and half-closes at the worst moment. For each: the close
// code we send, the words the log uses, and a panel that still answers and reconnects afterwards.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { deflateRawSync, constants as zlibConstants } from 'node:zlib';
import type { Connection } from '../../src/core/connection/connectionTypes';
import type { ErrorCode } from '../../shared/errors';
import { withMessageLimit } from '../../src/core/connection/messageLimit';
import { createTcpConnection, type TcpConnectionOptions } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection, type WebSocketConnectionOptions } from '../../src/core/connection/wsConnection';
import { closePayload, craftFrame, startHostileServer, upgradeResponse, type HostileServer, type HostileSocket } from '../support/hostileServer';
import { describeLog, entries, waitForEnd, waitForEntry } from '../support/logReading';
import { startTcpServer, startWsServer, type Peer, type WsPeer } from '../support/nodePeers';
import { wirePanel } from '../support/panelWiring';

const connections: Connection[] = [];
const servers: Peer[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let good: WsPeer;

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  good = await startWsServer();
});
after(async () => {
  for (const c of connections) c.dispose();
  for (const s of servers) await s.close();
  await good.close();
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, [], 'no unhandled rejection');
});

async function hostile(script: (s: HostileSocket) => void | Promise<void>, options?: Parameters<typeof startHostileServer>[1]): Promise<HostileServer> {
  const server = await startHostileServer(script, options);
  servers.push(server);
  return server;
}

function ws(url: string, options: Partial<WebSocketConnectionOptions> = {}) {
  const c = createWebSocketConnection({ url, closeTimeoutMs: 2000, ...options });
  connections.push(c);
  return c;
}

function tcp(options: TcpConnectionOptions) {
  const c = createTcpConnection(options);
  connections.push(c);
  return c;
}

/** Writes the 101 and then `after` in one packet, as a server that breaks the rules at once would. */
function upgradeThen(after: Buffer[], headers: readonly string[] = []): (s: HostileSocket) => void {
  return (s) => void s.socket.write(Buffer.concat([upgradeResponse(s.key, headers), ...after]));
}

const DEFLATE = ['Sec-WebSocket-Extensions: permessage-deflate'];

/**
 * The panel still works after the fault: the webview gets a snapshot with the connection's state, pages
 * every entry (the error entry included) and the full payload of the last one, and Reconnect shows a
 * fresh, open connection — and nothing the webview sent was refused.
 */
async function panelStaysUsable(c: Connection): Promise<void> {
  const panel = wirePanel(c, {
    connect: async () => {
      const next = ws(good.url('/again'));
      await next.connect();
      return next;
    },
  });
  try {
    const snapshot = await panel.webview.sendRequest('ready', {});
    assert.equal(snapshot.state, c.state);
    if (c.lastError) assert.equal(snapshot.error?.message, c.lastError.message);
    const all = entries(c.log);
    const rows = await panel.rows(c.log.firstSeq, c.log.size);
    assert.deepEqual(rows.map((r) => r.row), all.map((e) => `${e.direction} ${e.kind}`));
    const last = all.at(-1)!;
    const payload = await panel.webview.sendRequest('getPayload', { seq: last.seq, limit: 1 << 20 });
    assert.equal(Buffer.from(payload.payload).toString('utf8'), last.text);

    await panel.webview.sendRequest('connect', {});
    const snap = panel.events.find((e) => e.type === 'snapshot');
    assert.ok(snap && snap.type === 'snapshot', 'Reconnect posts a snapshot of the new connection');
    assert.equal(snap.snapshot.state, 'open');
    assert.notEqual(panel.controller.connection, c);
    const fresh = await panel.rows(panel.controller.connection.log.firstSeq, panel.controller.connection.log.size);
    assert.ok(fresh.some((r) => r.row === 'meta open'), 'the fresh connection is paged');
    assert.deepEqual(panel.problems, []);
  } finally {
    panel.dispose();
  }
}

/** A malformed frame case: what the server sends after a valid 101, and how the client must answer. */
interface FrameCase {
  readonly name: string;
  readonly send: Buffer[];
  readonly headers?: readonly string[];
  readonly code: ErrorCode;
  readonly systemCode: string;
  readonly closeCode: number;
  readonly message: RegExp;
}

const frameCases: FrameCase[] = [
  {
    name: 'a reserved data opcode (0x3)',
    send: [craftFrame({ opcode: 0x3, payload: 'boo' })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_INVALID_OPCODE',
    closeCode: 1002,
    message: /sent a frame with opcode 3 \(0x3\), which RFC 6455 leaves undefined \(reserved for future data frames\); the connection was closed with code 1002 \(protocol error\)\.$/,
  },
  {
    name: 'a reserved control opcode (0xB)',
    send: [craftFrame({ opcode: 0xb })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_INVALID_OPCODE',
    closeCode: 1002,
    message: /opcode 11 \(0xB\).*reserved for future control frames/,
  },
  {
    name: 'a continuation frame with no message to continue',
    send: [craftFrame({ opcode: 0x0, payload: 'orphan' })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_INVALID_OPCODE',
    closeCode: 1002,
    message: /a continuation frame \(opcode 0\) while no fragmented message was in progress/,
  },
  {
    name: 'a new data frame inside an unfinished fragmented message',
    send: [craftFrame({ opcode: 0x1, fin: false, payload: 'part 1' }), craftFrame({ opcode: 0x2, payload: 'oops' })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_INVALID_OPCODE',
    closeCode: 1002,
    message: /a new binary frame while a fragmented message was still unfinished/,
  },
  {
    name: 'RSV1 set without a negotiated extension',
    send: [craftFrame({ opcode: 0x1, rsv1: true, payload: 'x' })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_UNEXPECTED_RSV_1',
    closeCode: 1002,
    message: /a frame with the reserved bit RSV1 set, but no extension that uses it \(such as permessage-deflate\) was negotiated/,
  },
  {
    name: 'RSV1 on a ping although permessage-deflate was negotiated',
    headers: DEFLATE,
    send: [craftFrame({ opcode: 0x9, rsv1: true })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_UNEXPECTED_RSV_1',
    closeCode: 1002,
    message: /a control or continuation frame with the reserved bit RSV1 set/,
  },
  {
    name: 'RSV2 set',
    send: [craftFrame({ opcode: 0x1, rsv2: true, payload: 'x' })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_UNEXPECTED_RSV_2_3',
    closeCode: 1002,
    message: /reserved bit RSV2 or RSV3 set/,
  },
  {
    name: 'RSV3 set',
    send: [craftFrame({ opcode: 0x2, rsv3: true, payload: 'x' })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_UNEXPECTED_RSV_2_3',
    closeCode: 1002,
    message: /reserved bit RSV2 or RSV3 set/,
  },
  {
    name: 'a masked frame from the server',
    send: [craftFrame({ opcode: 0x1, mask: new Uint8Array([1, 2, 3, 4]), payload: 'masked' })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_UNEXPECTED_MASK',
    closeCode: 1002,
    message: /a masked frame; a server must never mask its frames/,
  },
  {
    name: 'an over-long ping (126 bytes)',
    send: [craftFrame({ opcode: 0x9, payload: 'p'.repeat(126) })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
    closeCode: 1002,
    message: /a control frame \(close, ping or pong\) with a 126-byte payload; control frames carry at most 125 bytes/,
  },
  {
    name: 'a fragmented ping (FIN clear)',
    send: [craftFrame({ opcode: 0x9, fin: false, payload: 'half' })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_EXPECTED_FIN',
    closeCode: 1002,
    message: /a fragmented control frame \(FIN not set\)/,
  },
  {
    name: 'a close frame with a 1-byte payload',
    send: [craftFrame({ opcode: 0x8, payload: new Uint8Array([0x03]) })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
    closeCode: 1002,
    message: /a close frame with a 1-byte payload \(a close code takes 2 bytes\)/,
  },
  {
    name: 'a close frame with the reserved code 1005',
    send: [craftFrame({ opcode: 0x8, payload: closePayload(1005, 'no') })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_INVALID_CLOSE_CODE',
    closeCode: 1002,
    message: /a close frame with the code 1005, which may not be sent in a close frame/,
  },
  {
    name: 'invalid UTF-8 in a text frame',
    send: [craftFrame({ opcode: 0x1, payload: new Uint8Array([0x48, 0xc3, 0x28]) })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_INVALID_UTF8',
    closeCode: 1007,
    message: /text that is not valid UTF-8 .*; the connection was closed with code 1007 \(invalid data\)\.$/,
  },
  {
    name: 'invalid UTF-8 across the fragments of a text message',
    send: [craftFrame({ opcode: 0x1, fin: false, payload: new Uint8Array([0xe2, 0x82]) }), craftFrame({ opcode: 0x0, payload: new Uint8Array([0x28]) })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_INVALID_UTF8',
    closeCode: 1007,
    message: /not valid UTF-8/,
  },
  {
    name: 'invalid UTF-8 in a close reason',
    send: [craftFrame({ opcode: 0x8, payload: Buffer.concat([closePayload(1000), Buffer.from([0xff, 0xfe])]) })],
    code: 'PROTOCOL',
    systemCode: 'WS_ERR_INVALID_UTF8',
    closeCode: 1007,
    message: /not valid UTF-8/,
  },
  {
    name: 'a compressed message that does not decompress',
    headers: DEFLATE,
    send: [craftFrame({ opcode: 0x1, rsv1: true, payload: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]) })],
    code: 'PROTOCOL',
    systemCode: 'Z_DATA_ERROR',
    closeCode: 1007,
    message: /a compressed message \(permessage-deflate\) that does not decompress .*closed with code 1007/,
  },
  {
    name: 'a frame declaring 2^63 − 1 bytes',
    send: [craftFrame({ opcode: 0x2, declaredLength: (1n << 63n) - 1n })],
    code: 'PAYLOAD_TOO_LARGE',
    systemCode: 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
    closeCode: 1009,
    message: /a frame whose header declares a length beyond 2\^53 − 1 bytes.*closed with code 1009 \(message too big\)/,
  },
  {
    name: 'a frame declaring 2^64 − 1 bytes (the top bit RFC 6455 requires clear)',
    send: [craftFrame({ opcode: 0x1, declaredLength: (1n << 64n) - 1n })],
    code: 'PAYLOAD_TOO_LARGE',
    systemCode: 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
    closeCode: 1009,
    message: /declares a length beyond 2\^53 − 1 bytes/,
  },
  {
    name: 'a message in more fragments than the client accepts',
    send: [
      craftFrame({ opcode: 0x1, fin: false, payload: 'a' }),
      Buffer.concat(Array.from({ length: 17_000 }, () => craftFrame({ opcode: 0x0, fin: false, payload: 'a' }))),
    ],
    code: 'PAYLOAD_TOO_LARGE',
    systemCode: 'WS_ERR_TOO_MANY_BUFFERED_PARTS',
    closeCode: 1008,
    message: /a message in more fragments than a client accepts .*closed with code 1008 \(policy violation\)/,
  },
];

describe('hostile frames after a valid upgrade', () => {
  for (const fc of frameCases) {
    it(`${fc.name}: closes with ${fc.closeCode}, says why, and the panel stays usable`, async () => {
      const server = await hostile(upgradeThen(fc.send, fc.headers));
      const c = ws(server.url);
      await c.connect();
      await waitForEnd(c);
      const log = describeLog(c.log);
      assert.equal(c.state, 'error', log);
      assert.equal(c.lastError?.code, fc.code, log);
      assert.equal(c.lastError?.details.systemCode, fc.systemCode, log);
      assert.match(c.lastError!.message, fc.message);
      assert.ok(c.lastError!.message.startsWith(`127.0.0.1:${server.port} sent `), c.lastError!.message);
      assert.match(c.lastError!.message, new RegExp(`closed with code ${fc.closeCode} \\(`));
      // The close we sent is logged with its code, and that code is what crossed the wire.
      const all = entries(c.log);
      assert.deepEqual(all.filter((e) => e.direction === 'out' && e.kind === 'close').map((e) => e.code), [fc.closeCode], log);
      const onWire = await server.connections[0]!.nextFrame((f) => f.opcode === 0x8);
      assert.equal(onWire.closeCode, fc.closeCode);
      assert.deepEqual(all.filter((e) => e.kind === 'error').map((e) => e.text), [c.lastError!.message]);
      assert.equal(all.at(-1)!.kind, 'closed');
      assert.ok(!all.some((e) => e.direction === 'in' && (e.kind === 'text' || e.kind === 'binary')), 'nothing of the bad message is logged as received');
      await panelStaysUsable(c);
    });
  }

  it('accepts what is valid right at the edges: 125-byte ping, UTF-8 split inside a character, reserved-free frames', async () => {
    const server = await hostile(
      upgradeThen([
        craftFrame({ opcode: 0x9, payload: 'p'.repeat(125) }),
        craftFrame({ opcode: 0x1, fin: false, payload: new Uint8Array([0xe2, 0x82]) }),
        craftFrame({ opcode: 0x0, payload: new Uint8Array([0xac]) }),
        craftFrame({ opcode: 0x2, payload: 'x', lengthForm: 64 }),
        craftFrame({ opcode: 0x8, payload: closePayload(4000, 'done') }),
      ]),
    );
    const c = ws(server.url);
    await c.connect();
    await waitForEnd(c);
    assert.equal(c.state, 'closed', describeLog(c.log));
    assert.deepEqual(
      entries(c.log)
        .filter((e) => e.direction !== 'meta')
        .map((e) => [e.direction, e.kind, e.code, e.kind === 'ping' || e.kind === 'pong' ? e.payload.length : e.text]),
      [
        ['in', 'ping', 0, 125],
        ['out', 'pong', 0, 125],
        ['in', 'text', 0, '€'],
        ['in', 'binary', 0, 'x'],
        ['in', 'close', 4000, 'done'],
        ['out', 'close', 4000, 'done'],
      ],
    );
  });
});

describe('handshakes that never finish', () => {
  const TIMEOUT = 400;

  async function timesOut(script: (s: HostileSocket) => void, message: RegExp, options?: Parameters<typeof startHostileServer>[1]): Promise<Connection> {
    const server = await hostile(script, options);
    const c = ws(server.url, { handshakeTimeoutMs: TIMEOUT });
    await assert.rejects(c.connect(), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'TIMEOUT', e.message);
      assert.match(e.message, new RegExp(`^The WebSocket upgrade with 127\\.0\\.0\\.1:${server.port} did not complete within ${TIMEOUT} ms: `));
      assert.match(e.message, message);
      return true;
    });
    await waitForEnd(c);
    assert.equal(c.state, 'error');
    assert.deepEqual(entries(c.log).filter((e) => e.kind === 'error').map((e) => e.text), [c.lastError!.message]);
    assert.equal(entries(c.log).at(-1)!.text, 'Not connected');
    return c;
  }

  it('a server that accepts the connection and never answers the upgrade', async () => {
    const c = await timesOut(() => {}, /the server accepted the connection but never answered the upgrade request$/);
    await panelStaysUsable(c);
  });

  it('a server that trickles its 101 a byte at a time: the deadline is overall, not idle', async () => {
    const timers: NodeJS.Timeout[] = [];
    const c = await timesOut((s) => {
      const response = upgradeResponse(s.key);
      let sent = 0;
      const t = setInterval(() => {
        if (s.socket.destroyed || sent >= response.length) return clearInterval(t);
        s.socket.write(response.subarray(sent, ++sent));
      }, 40);
      timers.push(t);
    }, /the server sent \d+ bytes of a response but never finished its headers$/);
    for (const t of timers) clearInterval(t);
    // More than one byte arrived before the deadline: an idle timeout would have been reset by each.
    const bytes = Number(/sent (\d+) bytes/.exec(c.lastError!.message)![1]);
    assert.ok(bytes >= 2, c.lastError!.message);
    await panelStaysUsable(c);
  });

  it('a server that sends headers forever, slowly', async () => {
    const timers: NodeJS.Timeout[] = [];
    const c = await timesOut((s) => {
      s.socket.write('HTTP/1.1 101 Switching Protocols\r\n');
      let i = 0;
      const t = setInterval(() => {
        if (s.socket.destroyed) return clearInterval(t);
        s.socket.write(`X-Forever-${i++}: still going\r\n`);
      }, 20);
      timers.push(t);
    }, /never finished its headers$/);
    for (const t of timers) clearInterval(t);
    await panelStaysUsable(c);
  });

  it('a server that sends headers forever, fast: refused past the HTTP header limit without waiting', async () => {
    const server = await hostile((s) => {
      s.socket.write('HTTP/1.1 101 Switching Protocols\r\n');
      const line = `X-Flood: ${'v'.repeat(1000)}\r\n`;
      const flood = (): void => {
        while (!s.socket.destroyed && s.socket.write(line));
        if (!s.socket.destroyed) s.socket.once('drain', flood);
      };
      flood();
    });
    const c = ws(server.url, { handshakeTimeoutMs: 10_000 });
    await assert.rejects(c.connect(), /sent more response headers than an HTTP client accepts \(16 KiB\) without ending them/);
    await waitForEnd(c);
    assert.equal(c.lastError?.details.systemCode, 'HPE_HEADER_OVERFLOW');
    await panelStaysUsable(c);
  });

  it('an HTTP/0.9-style answer: a body with no status line', async () => {
    const server = await hostile((s) => void s.socket.write('<html><body>It works!</body></html>\n'));
    const c = ws(server.url, { handshakeTimeoutMs: 10_000 });
    await assert.rejects(c.connect(), /did not answer with valid HTTP \(.*\) — is it a WebSocket endpoint\?/);
    await waitForEnd(c);
    assert.equal(c.lastError?.code, 'PROTOCOL');
    assert.match(c.lastError!.details.systemCode!, /^HPE_/);
    await panelStaysUsable(c);
  });

  it('a status line that stops half-way', async () => {
    await timesOut((s) => void s.socket.write('HTTP/1.'), /the server sent 7 bytes of a response/);
  });
});

/** Writes `chunk` until `enough()` or `total` bytes; resolves with the bytes written. Never buffers more than the socket asks for. */
async function stream(socket: Socket, chunk: Buffer, total: number, enough: () => boolean): Promise<number> {
  let sent = 0;
  const closed = once(socket, 'close').then(() => 'closed' as const);
  while (sent < total && !enough() && !socket.destroyed) {
    const more = socket.write(chunk);
    sent += chunk.length;
    if (!more) {
      const why = await Promise.race([once(socket, 'drain').then(() => 'drain' as const), closed]);
      if (why === 'closed') break;
    }
  }
  return sent;
}

describe('size limits while receiving', () => {
  const MiB = 1024 * 1024;

  it('refuses a frame whose header declares more than the limit, before its payload arrives', async () => {
    let payloadSent = 0;
    const server = await hostile(async (s) => {
      const header = craftFrame({ opcode: 0x2, declaredLength: BigInt(64 * MiB) });
      const first = Buffer.alloc(64 * 1024, 0x61);
      s.socket.write(Buffer.concat([upgradeResponse(s.key), header, first]));
      payloadSent = first.length;
    });
    const c = ws(server.url, { maxPayload: MiB });
    await c.connect();
    await waitForEnd(c);
    const close = await server.connections[0]!.nextFrame((f) => f.opcode === 0x8);
    assert.equal(close.closeCode, 1009);
    assert.equal(payloadSent, 64 * 1024, 'the server never had to send the other 63.9 MiB');
    assert.equal(c.lastError?.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(c.lastError?.details.systemCode, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
    assert.equal(
      c.lastError?.message,
      `127.0.0.1:${server.port} sent a message larger than the limit of 1048576 bytes (1 MiB); the rest of it was not received; ` +
        'the connection was closed with code 1009 (message too big). Raise the setting "socketInspector.maxMessageMegabytes" ' +
        '(or "maxPayload" in the connection options) to accept it.',
    );
    await panelStaysUsable(c);
  });

  it('stops a message streamed in fragments as soon as it passes the limit, long before the server is done', async () => {
    const planned = 256 * MiB;
    let sent = 0;
    const server = await hostile(async (s) => {
      s.socket.write(Buffer.concat([upgradeResponse(s.key), craftFrame({ opcode: 0x2, fin: false, payload: Buffer.alloc(1) })]));
      const fragment = craftFrame({ opcode: 0x0, fin: false, payload: Buffer.alloc(60_000, 0x62) });
      sent = await stream(s.socket, fragment, planned, () => s.received.some((f) => f.opcode === 0x8));
    });
    const c = ws(server.url, { maxPayload: MiB });
    await c.connect();
    await waitForEnd(c);
    const close = await server.connections[0]!.nextFrame((f) => f.opcode === 0x8);
    assert.equal(close.closeCode, 1009);
    await server.connections[0]!.ended;
    assert.ok(sent < planned, `the server was cut off after ${sent} of ${planned} bytes`);
    assert.equal(c.lastError?.code, 'PAYLOAD_TOO_LARGE');
    assert.ok(!entries(c.log).some((e) => e.direction === 'in' && e.kind === 'binary'));
  });

  it('stops a compressed message (a deflate bomb) while inflating it', async () => {
    const plain = Buffer.alloc(16 * MiB);
    const compressed = deflateRawSync(plain, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    // permessage-deflate drops the 00 00 ff ff that ends a sync flush (RFC 7692 §7.2.1).
    const body = compressed.subarray(0, compressed.length - 4);
    assert.ok(body.length < 64 * 1024, 'the bomb is small on the wire');
    const server = await hostile(upgradeThen([craftFrame({ opcode: 0x2, rsv1: true, payload: body })], DEFLATE));
    const c = ws(server.url, { maxPayload: MiB });
    await c.connect();
    await waitForEnd(c);
    assert.equal(c.extensions, 'permessage-deflate');
    assert.equal(c.lastError?.code, 'PAYLOAD_TOO_LARGE', describeLog(c.log));
    assert.match(c.lastError!.message, /larger than the limit of 1048576 bytes/);
    assert.equal((await server.connections[0]!.nextFrame((f) => f.opcode === 0x8)).closeCode, 1009);
  });

  it('enforces the socketInspector.maxMessageMegabytes limit the connect commands apply', async () => {
    const server = await hostile(upgradeThen([craftFrame({ opcode: 0x2, payload: Buffer.alloc(2 * 1024, 0x65) })]));
    // 0.001 MiB = 1048 bytes, as withMessageLimitFromSettings() would pass it for that setting.
    const c = ws(server.url, withMessageLimit({}, 0.001));
    await c.connect();
    await waitForEnd(c);
    assert.equal(c.lastError?.code, 'PAYLOAD_TOO_LARGE');
    assert.match(c.lastError!.message, /larger than the limit of 1048 bytes;/);
    assert.equal((await server.connections[0]!.nextFrame((f) => f.opcode === 0x8)).closeCode, 1009);
  });

  it('accepts a message of exactly the limit, whole', async () => {
    const server = await hostile(upgradeThen([craftFrame({ opcode: 0x2, payload: Buffer.alloc(MiB, 0x63) })]));
    const c = ws(server.url, { maxPayload: MiB });
    await c.connect();
    const received = await waitForEntry(c.log, 'the 1 MiB message', (e) => e.direction === 'in' && e.kind === 'binary');
    assert.equal(received.payload.length, MiB);
    assert.equal(c.state, 'open');
  });

  it('keeps a limit of 2 GiB or more a limit (ws would wrap it to "no limit" in 32 bits)', async () => {
    const server = await hostile(upgradeThen([craftFrame({ opcode: 0x2, declaredLength: 2n ** 32n + 10n }), Buffer.alloc(1024)]));
    const c = ws(server.url, { maxPayload: 2 ** 32 });
    await c.connect();
    await waitForEnd(c);
    assert.equal(c.lastError?.code, 'PAYLOAD_TOO_LARGE', describeLog(c.log));
    assert.match(c.lastError!.message, /the limit of 2147483647 bytes/);
  });
});

describe('faults after the connection opened', () => {
  /** A 1000-byte binary frame cut after `cut` bytes of its 4-byte header + payload. */
  const halfFrame = (cut: number) => craftFrame({ opcode: 0x2, payload: Buffer.alloc(1000, 0x64) }).subarray(0, cut);

  it('a reset in the middle of a frame: RESET, and the log says how much of the frame had arrived', async () => {
    const server = await hostile((s) => {
      s.socket.write(Buffer.concat([upgradeResponse(s.key), craftFrame({ opcode: 0x1, payload: 'before' }), halfFrame(500)]));
      s.socket.once('data', () => s.socket.resetAndDestroy());
    });
    const c = ws(server.url);
    await c.connect();
    await waitForEntry(c.log, 'the first message', (e) => e.kind === 'text');
    c.sendText('now reset');
    await waitForEnd(c);
    assert.equal(c.lastError?.code, 'RESET');
    assert.equal(c.lastError?.message, `Connection reset by 127.0.0.1:${server.port}`);
    assert.equal(entries(c.log).at(-1)!.text, 'Closed after an error (1006) in the middle of a frame (496 of its 1000 payload bytes had arrived)');
    await panelStaysUsable(c);
  });

  it('a server that ends the TCP connection (FIN) half-way through a frame header', async () => {
    const server = await hostile((s) => void s.socket.end(Buffer.concat([upgradeResponse(s.key), Buffer.from([0x82])])));
    const c = ws(server.url);
    await c.connect();
    await waitForEnd(c);
    assert.equal(c.state, 'closed');
    assert.equal(
      entries(c.log).at(-1)!.text,
      `Connection lost without a close handshake (1006): 127.0.0.1:${server.port} ended the TCP connection (FIN) in the middle of a frame header (1 byte of it had arrived) without sending a close frame`,
    );
    await panelStaysUsable(c);
  });

  it('a server that ends the TCP connection (FIN) half-way through a fragmented message', async () => {
    const server = await hostile((s) => void s.socket.end(Buffer.concat([upgradeResponse(s.key), craftFrame({ opcode: 0x1, fin: false, payload: 'to be continued' })])));
    const c = ws(server.url);
    await c.connect();
    await waitForEnd(c);
    assert.match(entries(c.log).at(-1)!.text, /ended the TCP connection \(FIN\) in the middle of a fragmented text message \(its final fragment never arrived\) without sending a close frame$/);
  });

  it('a server that half-closes (FIN) and waits: we end our side too, and the log says no close frame came', async () => {
    const server = await hostile(
      (s) => {
        s.socket.write(Buffer.concat([upgradeResponse(s.key), craftFrame({ opcode: 0x1, payload: 'last words' })]));
        s.socket.end();
      },
      { allowHalfOpen: true },
    );
    const c = ws(server.url);
    await c.connect();
    await waitForEnd(c);
    await server.connections[0]!.ended;
    assert.equal(c.state, 'closed');
    assert.deepEqual(
      entries(c.log).slice(-2).map((e) => e.text),
      ['last words', `Connection lost without a close handshake (1006): 127.0.0.1:${server.port} ended the TCP connection (FIN) without sending a close frame`],
    );
    await panelStaysUsable(c);
  });

  it('a server that never answers our close frame is dropped after the close timeout, and the log says so', async () => {
    const server = await hostile((s) => void s.socket.write(upgradeResponse(s.key)), { allowHalfOpen: true });
    const c = ws(server.url, { closeTimeoutMs: 200 });
    await c.connect();
    c.close(1000, 'bye');
    await waitForEnd(c);
    assert.equal((await server.connections[0]!.nextFrame((f) => f.opcode === 0x8)).closeCode, 1000);
    assert.deepEqual(
      entries(c.log).slice(-3).map((e) => `${e.direction} ${e.kind} ${e.text}`),
      [
        'out close bye',
        `meta closed 127.0.0.1:${server.port} did not answer our close frame within 200 ms; dropping the connection`,
        `meta closed Closed by us (1006): 127.0.0.1:${server.port} never answered our close frame`,
      ],
    );
    await panelStaysUsable(c);
  });

  it('a server that answers our close but never ends the TCP connection is dropped too', async () => {
    const server = await hostile(
      (s) => {
        s.socket.write(upgradeResponse(s.key));
        void s.nextFrame((f) => f.opcode === 0x8).then((f) => s.socket.write(craftFrame({ opcode: 0x8, payload: f.payload })));
      },
      { allowHalfOpen: true },
    );
    const c = ws(server.url, { closeTimeoutMs: 200 });
    await c.connect();
    c.close(4001, 'done');
    await waitForEnd(c);
    assert.deepEqual(
      entries(c.log).slice(-2).map((e) => e.text),
      [`127.0.0.1:${server.port} did not end the TCP connection within 200 ms of the close handshake; dropping it`, 'Closed by us: 4001 "done"'],
    );
    assert.equal(c.state, 'closed');
  });

  it('a server that breaks the protocol and then ignores our close is dropped after the close timeout', async () => {
    const server = await hostile(upgradeThen([craftFrame({ opcode: 0x3 })]), { allowHalfOpen: true });
    const c = ws(server.url, { closeTimeoutMs: 200 });
    await c.connect();
    await waitForEnd(c);
    assert.equal(c.lastError?.code, 'PROTOCOL');
    assert.deepEqual(
      entries(c.log).slice(-2).map((e) => e.text),
      [`127.0.0.1:${server.port} did not answer our close frame within 200 ms; dropping the connection`, 'Closed after an error (1006)'],
    );
  });
});

describe('TCP faults', () => {
  it('a peer that resets in the middle of a stream: the data before it is kept, then RESET', async () => {
    const peer = await startTcpServer((s) => {
      s.write('partial respo');
      s.once('data', () => s.resetAndDestroy());
    });
    servers.push(peer);
    const c = tcp({ host: '127.0.0.1', port: peer.port });
    await c.connect();
    await waitForEntry(c.log, 'the partial data', (e) => e.kind === 'data' && e.direction === 'in');
    c.sendText('trigger');
    await waitForEnd(c);
    assert.equal(c.lastError?.code, 'RESET');
    assert.deepEqual(
      entries(c.log).slice(-4).map((e) => `${e.direction} ${e.kind} ${e.text}`),
      [
        'in data partial respo',
        'out data trigger',
        `meta error Connection reset by 127.0.0.1:${peer.port}`,
        'meta closed Closed after an error — 13 bytes in, 7 bytes out',
      ],
    );
    await panelStaysUsable(c);
  });

  it('a peer that half-closes: logged, and we can still send until we close', async () => {
    const got: Buffer[] = [];
    let serverSawEnd!: () => void;
    const ended = new Promise<void>((r) => (serverSawEnd = r));
    const peer = await startTcpServer(
      (s) => {
        s.end('bye from the server');
        s.on('data', (d) => got.push(d));
        s.on('end', () => {
          serverSawEnd();
          s.destroy();
        });
      },
      { allowHalfOpen: true },
    );
    servers.push(peer);
    const c = tcp({ host: '127.0.0.1', port: peer.port });
    await c.connect();
    await waitForEntry(c.log, 'the half-close', (e) => e.kind === 'closed' && /half-closed/.test(e.text));
    assert.equal(c.state, 'open');
    c.sendText('still here');
    c.close();
    await waitForEnd(c);
    await ended;
    assert.equal(Buffer.concat(got).toString(), 'still here');
    assert.deepEqual(
      entries(c.log).filter((e) => e.kind === 'closed').map((e) => e.text),
      [
        'Peer half-closed (FIN received): it will send nothing more; we can still send',
        'Ended our side too (FIN sent)',
        'Closed by the peer — 19 bytes in, 10 bytes out',
      ],
    );
    await panelStaysUsable(c);
  });

  it('a peer that ignores our FIN is dropped after the close timeout', async () => {
    const peer = await startTcpServer(() => {}, { allowHalfOpen: true });
    servers.push(peer);
    const c = tcp({ host: '127.0.0.1', port: peer.port, closeTimeoutMs: 200 });
    await c.connect();
    c.close();
    await waitForEnd(c);
    assert.deepEqual(
      entries(c.log).slice(-2).map((e) => e.text),
      ['The peer did not close within 200 ms; closing the socket', 'Closed by us — 0 bytes in, 0 bytes out'],
    );
  });
});
