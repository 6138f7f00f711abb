// Every way a connection can fail, each against a real peer (or a real absence of one): the error code,
// a message a person can act on, the log entries, and no unhandled rejection or uncaught exception.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { SocketInspectorError, type ErrorCode } from '../../shared/errors';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { frame, startHandRolledWsServer, switchingProtocols } from '../support/handRolledWsServer';
import { describeLog, entries, shape, waitForEnd } from '../support/logReading';
import { closedPort, startRawUpgradeServer, type Peer } from '../support/nodePeers';

const connections: Connection[] = [];
const peers: Peer[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
before(() => process.on('unhandledRejection', onUnhandled));
after(async () => {
  for (const c of connections) c.dispose();
  for (const p of peers) await p.close();
  process.off('unhandledRejection', onUnhandled);
});

async function peer(p: Promise<Peer>): Promise<Peer> {
  const started = await p;
  peers.push(started);
  return started;
}

function ws(url: string, extra: Partial<Parameters<typeof createWebSocketConnection>[0]> = {}) {
  const c = createWebSocketConnection({ url, ...extra });
  connections.push(c);
  return c;
}

function tcp(host: string, port: number) {
  const c = createTcpConnection({ host, port });
  connections.push(c);
  return c;
}

/** connect() rejects with `code`; the log ends with the same message as an error entry, then closed. */
async function failsWith(c: Connection, code: ErrorCode, message: RegExp | string): Promise<SocketInspectorError> {
  let error: SocketInspectorError | undefined;
  await assert.rejects(c.connect(), (e: unknown) => {
    assert.ok(e instanceof SocketInspectorError, String(e));
    assert.equal(e.code, code, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    error = e;
    return true;
  });
  await waitForEnd(c);
  assert.equal(c.state, 'error');
  assert.equal(c.lastError, error);
  const errorsLogged = entries(c.log).filter((e) => e.kind === 'error');
  assert.deepEqual(errorsLogged.map((e) => e.text), [error!.message], describeLog(c.log));
  assert.equal(entries(c.log).at(-1)!.kind, 'closed');
  return error!;
}

describe('input errors', () => {
  it('a non-WebSocket URL is BAD_URL, logged', async () => {
    const c = ws('http://127.0.0.1:1/chat');
    await failsWith(c, 'BAD_URL', /did you mean ws:\/\/127\.0\.0\.1:1\/chat\?/);
    assert.deepEqual(shape(c.log), ['meta connecting', 'meta error', 'meta closed']);
  });

  it('ports out of range are BAD_PORT, for WebSocket and TCP', async () => {
    await failsWith(ws('ws://127.0.0.1:70000/'), 'BAD_PORT', /70000 is out of range/);
    await failsWith(tcp('127.0.0.1', 70000), 'BAD_PORT', 'Port 70000 is out of range (1–65535)');
    await failsWith(tcp('127.0.0.1', 0), 'BAD_PORT', /Port 0 is out of range/);
  });

  it('an invalid subprotocol or header is reported, not thrown', async () => {
    await failsWith(ws('ws://127.0.0.1:1/', { protocols: ['a b'] }), 'PROTOCOL', /"a b" is not a valid subprotocol/);
    await failsWith(ws('ws://127.0.0.1:1/', { headers: { 'Bad Header': 'x' } }), 'PROTOCOL', /request header cannot be sent/);
  });
});

describe('network errors', () => {
  it('an unresolvable host is UNRESOLVABLE_HOST', async () => {
    const e = await failsWith(tcp('no-such-host.invalid', 80), 'UNRESOLVABLE_HOST', /Cannot resolve host "no-such-host\.invalid"/);
    assert.equal(e.details.systemCode, 'ENOTFOUND');
    await failsWith(ws('ws://no-such-host.invalid/'), 'UNRESOLVABLE_HOST', /no-such-host\.invalid/);
  });

  it('a port nobody listens on is REFUSED', async () => {
    const port = await closedPort();
    const e = await failsWith(tcp('127.0.0.1', port), 'REFUSED', `Connection refused by 127.0.0.1:${port} — nothing is listening there`);
    assert.equal(e.details.systemCode, 'ECONNREFUSED');
    await failsWith(ws(`ws://127.0.0.1:${port}/`), 'REFUSED', `Connection refused by 127.0.0.1:${port} — nothing is listening there`);
    await failsWith(ws(`ws://[::1]:${port}/`), 'REFUSED', `Connection refused by [::1]:${port} — nothing is listening there`);
  });

  it('a connect() nobody awaits fails quietly: logged, no unhandled rejection', async () => {
    const port = await closedPort();
    const a = tcp('127.0.0.1', port);
    const b = ws(`ws://127.0.0.1:${port}/`);
    void a.connect();
    void b.connect();
    await waitForEnd(a);
    await waitForEnd(b);
    // Unhandled rejections are reported after the microtask queue drains; give that a macrotask.
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(unhandled, []);
    assert.equal(a.lastError?.code, 'REFUSED');
    assert.equal(b.lastError?.code, 'REFUSED');
  });

  it('a server resetting an open WebSocket is RESET', async () => {
    const p = await peer(
      startHandRolledWsServer(
        (s, key) => s.write(switchingProtocols(key)),
        (s) => s.resetAndDestroy(),
      ),
    );
    const c = ws(`ws://127.0.0.1:${p.port}/`);
    await c.connect();
    c.sendText('trigger');
    await waitForEnd(c);
    assert.equal(c.lastError?.code, 'RESET');
    assert.equal(c.lastError?.message, `Connection reset by 127.0.0.1:${p.port}`);
    assert.deepEqual(shape(c.log).slice(-3), ['out text', 'meta error', 'meta closed']);
  });
});

describe('refused and broken upgrades', () => {
  it('404 with a body is UPGRADE_FAILED with status and body', async () => {
    const p = await peer(
      startRawUpgradeServer(() => 'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nno such ws'),
    );
    const e = await failsWith(ws(`ws://127.0.0.1:${p.port}/missing`), 'UPGRADE_FAILED', 'Server refused the WebSocket upgrade: 404 Not Found');
    assert.equal(e.details.status, 404);
    const c = connections.at(-1)!;
    assert.equal(Buffer.from(c.handshake!.responseBody!).toString(), 'no such ws');
    assert.deepEqual(c.handshake!.responseHeaders, [
      ['Content-Type', 'text/plain'],
      ['Content-Length', '10'],
    ]);
  });

  it('500 with a long chunked body keeps the first 4 KiB, de-chunked, and says it was cut', async () => {
    const body = 'x'.repeat(3000) + 'y'.repeat(3000);
    const chunked = `${(3000).toString(16)}\r\n${body.slice(0, 3000)}\r\n${(3000).toString(16)}\r\n${body.slice(3000)}\r\n0\r\n\r\n`;
    const p = await peer(
      startRawUpgradeServer(() => `HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`),
    );
    const e = await failsWith(ws(`ws://127.0.0.1:${p.port}/`), 'UPGRADE_FAILED', 'Server refused the WebSocket upgrade: 500 Internal Server Error');
    assert.equal(e.details.status, 500);
    const hs = connections.at(-1)!.handshake!;
    assert.equal(Buffer.from(hs.responseBody!).toString(), body.slice(0, 4096));
    assert.equal(hs.responseBodyTruncated, true);
  });

  it('an answer that is not HTTP is PROTOCOL', async () => {
    const p = await peer(startRawUpgradeServer(() => 'SSH-2.0-OpenSSH_9.2\r\n\r\n'));
    await failsWith(ws(`ws://127.0.0.1:${p.port}/`), 'PROTOCOL', /did not answer with valid HTTP/);
  });

  it('a 101 with a wrong Sec-WebSocket-Accept is UPGRADE_FAILED', async () => {
    const p = await peer(startHandRolledWsServer((s) => s.write(switchingProtocols('not-the-key'))));
    const e = await failsWith(ws(`ws://127.0.0.1:${p.port}/`), 'UPGRADE_FAILED', /Invalid Sec-WebSocket-Accept header/);
    assert.equal(e.details.status, 101);
    assert.equal(connections.at(-1)!.handshake!.status, 101);
  });

  it('a server that hangs up without answering is RESET', async () => {
    const p = await peer(startHandRolledWsServer((s) => s.end()));
    await failsWith(ws(`ws://127.0.0.1:${p.port}/`), 'RESET', /closed the connection without answering/);
  });
});

describe('hostile frames after the upgrade', () => {
  it('a reserved opcode is PROTOCOL and we close with 1002', async () => {
    const p = await peer(startHandRolledWsServer((s, key) => s.write(Buffer.concat([Buffer.from(switchingProtocols(key)), frame(0x3, 'boo')]))));
    const c = ws(`ws://127.0.0.1:${p.port}/`);
    await c.connect().catch(() => {});
    await waitForEnd(c);
    assert.equal(c.lastError?.code, 'PROTOCOL', describeLog(c.log));
    assert.equal(c.lastError?.details.systemCode, 'WS_ERR_INVALID_OPCODE');
    assert.equal(entries(c.log).find((e) => e.kind === 'close' && e.direction === 'out')?.code, 1002);
  });

  it('invalid UTF-8 in a text frame is PROTOCOL and we close with 1007', async () => {
    const p = await peer(startHandRolledWsServer((s, key) => s.write(Buffer.concat([Buffer.from(switchingProtocols(key)), frame(0x1, new Uint8Array([0xc3, 0x28]))]))));
    const c = ws(`ws://127.0.0.1:${p.port}/`);
    await c.connect().catch(() => {});
    await waitForEnd(c);
    assert.equal(c.lastError?.code, 'PROTOCOL');
    assert.equal(c.lastError?.details.systemCode, 'WS_ERR_INVALID_UTF8');
    assert.equal(entries(c.log).find((e) => e.kind === 'close' && e.direction === 'out')?.code, 1007);
    assert.ok(!entries(c.log).some((e) => e.kind === 'text' && e.direction === 'in'));
  });

  it('frames that arrive in the same packet as the 101 are logged in order, close included', async () => {
    const close = Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from('done')]);
    const p = await peer(
      startHandRolledWsServer((s, key) =>
        s.write(
          Buffer.concat([
            Buffer.from(switchingProtocols(key)),
            frame(0x1, 'first'),
            frame(0x9, 'ping!'),
            frame(0x2, new Uint8Array([0, 1])),
            frame(0x8, close),
          ]),
        ),
      ),
    );
    const c = ws(`ws://127.0.0.1:${p.port}/`);
    await c.connect();
    await waitForEnd(c);
    assert.equal(c.state, 'closed', describeLog(c.log));
    assert.equal(c.handshake!.statusLine, 'HTTP/1.1 101 Switching Protocols');
    const frames = entries(c.log).filter((e) => e.direction !== 'meta');
    assert.deepEqual(
      frames.map((e) => [e.direction, e.kind, e.code, e.payload.toString('latin1')]),
      [
        ['in', 'text', 0, 'first'],
        ['in', 'ping', 0, 'ping!'],
        ['out', 'pong', 0, 'ping!'],
        ['in', 'binary', 0, '\x00\x01'],
        ['in', 'close', 1000, 'done'],
        ['out', 'close', 1000, 'done'],
      ],
    );
  });
});
