// WebSocket connections while http.request and https.request are patched the way VS Code's extension
// host patches them (@vscode/proxy-agent createHttpPatch, http.proxySupport "override"): every request
// gets the host's own agent, which makes its socket itself and never calls ws's createConnection.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { WebSocketConnection, WebSocketOptions } from '../../src/core/connection/connectionTypes';
import { SocketInspectorError } from '../../shared/errors';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { createWsProxy, type WsProxyConnection } from '../../src/core/proxy';
import { makeSelfSigned, type SelfSigned } from '../support/certificates';
import { startHandRolledWsServer, switchingProtocols } from '../support/handRolledWsServer';
import { describeLog, entries, shape, waitForEnd, waitForEntry } from '../support/logReading';
import { startTcpServer, startWsServer, type Peer, type WsPeer } from '../support/nodePeers';
import { closeSession, peerAt } from '../support/proxyReading';
import { opensslMissing, requirePeer } from '../support/requirePeer';

type RequestFn = typeof http.request;
type ConnectOptions = net.NetConnectOpts & tls.ConnectionOptions & { host?: string; port?: number };

/** How the agent hands over its socket: at once, or (as a proxy agent does) connected and secured. */
type HandOver = 'fresh' | 'ready';

/**
 * An agent like the extension host's PacProxyAgent on its DIRECT path: it resolves asynchronously (the
 * PAC lookup), then opens the socket itself with net.connect / tls.connect, keeping it alive as Node's
 * global agent does. Every socket it made is in `made`.
 */
function directAgent(secure: boolean, made: net.Socket[], handOver: () => HandOver): http.Agent {
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const createConnection = (options: ConnectOptions, callback: (err: Error | null, socket?: net.Socket) => void) => {
    setImmediate(() => {
      const { host = 'localhost', port } = options;
      const socket = secure
        ? tls.connect({
            host,
            port: Number(port),
            ...(options.servername ? { servername: options.servername } : {}),
            ...(options.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.rejectUnauthorized } : {}),
            ...(options.ca ? { ca: options.ca } : {}),
          })
        : net.connect({ host, port: Number(port) });
      made.push(socket);
      if (handOver() === 'fresh') {
        callback(null, socket);
        return;
      }
      socket.once('error', (e) => callback(e));
      socket.once(secure ? 'secureConnect' : 'connect', () => callback(null, socket));
    });
    return undefined;
  };
  (agent as unknown as { createConnection: typeof createConnection }).createConnection = createConnection;
  return agent;
}

/** Replaces http(s).request and .get with wrappers that force `agent`, as createHttpPatch does. */
function patchHttp(): { made: net.Socket[]; handOver: HandOver; restore(): void } {
  const made: net.Socket[] = [];
  const state = { handOver: 'fresh' as HandOver };
  const agents = { http: directAgent(false, made, () => state.handOver), https: directAgent(true, made, () => state.handOver) };
  const originals = {
    http: { request: http.request, get: http.get },
    https: { request: https.request, get: https.get },
  };
  function patch(original: RequestFn, agent: http.Agent): RequestFn {
    return function patched(...args: unknown[]): http.ClientRequest {
      let [url, options, callback] = args as [unknown, unknown, unknown];
      if (typeof url !== 'string' && !(url instanceof URL)) {
        callback = options;
        options = url;
        url = undefined;
      }
      if (typeof options === 'function') {
        callback = options;
        options = undefined;
      }
      const given = (options ?? {}) as http.RequestOptions;
      // The one way around the patch.
      if (given.socketPath) return (original as (...a: unknown[]) => http.ClientRequest)(...args);
      const forced = { ...given, agent };
      const call = original as (...a: unknown[]) => http.ClientRequest;
      return url === undefined ? call(forced, callback) : call(url, forced, callback);
    } as RequestFn;
  }
  http.request = patch(originals.http.request, agents.http);
  http.get = patch(originals.http.get, agents.http);
  https.request = patch(originals.https.request, agents.https);
  https.get = patch(originals.https.get, agents.https);
  return {
    made,
    get handOver() {
      return state.handOver;
    },
    set handOver(value: HandOver) {
      state.handOver = value;
    },
    restore() {
      http.request = originals.http.request;
      http.get = originals.http.get;
      https.request = originals.https.request;
      https.get = originals.https.get;
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

let patched: ReturnType<typeof patchHttp>;
let cert: SelfSigned | undefined;
let wsPeer: WsPeer;
let wssPeer: WsPeer | undefined;
const peers: Peer[] = [];
const connections: WebSocketConnection[] = [];

before(async () => {
  patched = patchHttp();
  wsPeer = await startWsServer();
  if (!opensslMissing()) {
    cert = makeSelfSigned();
    wssPeer = await startWsServer({ credentials: cert });
  }
});
after(async () => {
  for (const c of connections) c.dispose();
  patched.restore();
  await wsPeer.close();
  await wssPeer?.close();
  for (const p of peers) await p.close();
});

async function peer(p: Promise<Peer>): Promise<Peer> {
  const started = await p;
  peers.push(started);
  return started;
}

function open(options: WebSocketOptions): WebSocketConnection {
  const c = createWebSocketConnection(options);
  connections.push(c);
  return c;
}

/** The agent's latest socket, checked to be the one this connection used. */
function agentSocket(madeBefore: number): net.Socket {
  assert.equal(patched.made.length, madeBefore + 1, 'the patched agent made the socket');
  return patched.made.at(-1)!;
}

function needsCert(t: TestContext): boolean {
  return requirePeer(t, 'openssl', opensslMissing());
}

describe('ws:// under a patched http.request', () => {
  it('logs the request and response heads with their exact bytes, and real addresses', async () => {
    const seen: { request?: Buffer; response?: Buffer; remotePort?: number } = {};
    const p = await peer(
      startTcpServer((s) => {
        const chunks: Buffer[] = [];
        s.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          const all = Buffer.concat(chunks);
          const end = all.indexOf('\r\n\r\n');
          if (end < 0 || seen.request) return;
          seen.request = all.subarray(0, end + 4);
          seen.remotePort = s.remotePort;
          const key = /^sec-websocket-key:\s*(\S+)/im.exec(seen.request.toString('latin1'))?.[1] ?? '';
          seen.response = Buffer.from(
            switchingProtocols(key).replace('\r\n\r\n', '\r\nX-Odd-Case:  two  spaces \r\n\r\n'),
            'latin1',
          );
          s.write(seen.response);
        });
      }),
    );
    const made = patched.made.length;
    const c = open({
      url: `ws://127.0.0.1:${p.port}/under/patch?q=%20`,
      headers: { 'X-Custom': 'Kept  As Is' },
      perMessageDeflate: false,
    });
    await c.connect();
    const socket = agentSocket(made);
    assert.deepEqual(shape(c.log), ['meta connecting', 'meta handshake', 'meta handshake', 'meta open'], describeLog(c.log));
    const [request, response] = entries(c.log).filter((e) => e.kind === 'handshake');
    assert.deepEqual(request!.payload, seen.request);
    assert.match(request!.text, /^GET \/under\/patch\?q=%20 HTTP\/1\.1\r\n/);
    assert.match(request!.text, /\r\nX-Custom: Kept {2}As Is\r\n/);
    assert.deepEqual(response!.payload, seen.response);
    assert.equal(c.handshake!.requestLine, 'GET /under/patch?q=%20 HTTP/1.1');
    assert.equal(c.handshake!.status, 101);
    assert.ok(c.handshake!.responseHeaders!.some(([k, v]) => k === 'X-Odd-Case' && v === 'two  spaces'));
    assert.equal(socket.localPort, seen.remotePort);
    assert.equal(entries(c.log).find((e) => e.kind === 'open')!.text, `Connected 127.0.0.1:${seen.remotePort} → 127.0.0.1:${p.port}`);
  });

  it('echoes frames in order over the agent socket', async () => {
    const made = patched.made.length;
    const c = open({ url: wsPeer.url('/echo') });
    await c.connect();
    agentSocket(made);
    assert.equal(c.extensions, '', 'the ws peer here does not accept permessage-deflate');
    c.sendText('über ✓');
    c.sendBytes(new Uint8Array([0, 255, 128]));
    await waitForEntry(c.log, 'binary echo', (e) => e.direction === 'in' && e.kind === 'binary');
    const frames = entries(c.log).filter((e) => e.direction !== 'meta');
    assert.deepEqual(
      frames.map((e) => [e.direction, e.kind, e.payload.toString('hex')]),
      [
        ['out', 'text', Buffer.from('über ✓').toString('hex')],
        ['out', 'binary', '00ff80'],
        ['in', 'text', Buffer.from('über ✓').toString('hex')],
        ['in', 'binary', '00ff80'],
      ],
    );
    assert.match(entries(c.log).find((e) => e.kind === 'open')!.text, /^Connected 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+$/);
    // The frame tap sits on the agent's socket too: one frame per message, masked only when sent.
    assert.deepEqual(
      frames.map((e) => c.framesOf(e.seq).map((f) => [f.opcode, f.masked, f.payloadLength])),
      [[[1, true, 9]], [[2, true, 3]], [[1, false, 9]], [[2, false, 3]]],
    );
  });

  it('reports a reset by the server as RESET', async () => {
    const p = await peer(
      startHandRolledWsServer(
        (s, key) => s.write(switchingProtocols(key)),
        (s) => s.resetAndDestroy(),
      ),
    );
    const made = patched.made.length;
    const c = open({ url: `ws://127.0.0.1:${p.port}/` });
    await c.connect();
    agentSocket(made);
    c.sendText('trigger');
    await waitForEnd(c);
    assert.equal(c.lastError?.code, 'RESET', describeLog(c.log));
    assert.equal(c.lastError?.message, `Connection reset by 127.0.0.1:${p.port}`);
    assert.deepEqual(shape(c.log).slice(-3), ['out text', 'meta error', 'meta closed']);
  });

  it('captures a refused 401 upgrade with its body, and does not leave the socket pooled', async () => {
    const answer = 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="x"\r\nContent-Length: 15\r\n\r\ntoken required\n';
    // The server keeps the connection open, so a keep-alive agent could take the socket back for reuse.
    const p = await peer(startHandRolledWsServer((s) => s.write(answer)));
    const made = patched.made.length;
    const c = open({ url: `ws://127.0.0.1:${p.port}/private` });
    await assert.rejects(c.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'UPGRADE_FAILED');
      assert.equal(e.message, 'Server refused the WebSocket upgrade: 401 Unauthorized');
      return true;
    });
    await waitForEnd(c);
    const socket = agentSocket(made);
    assert.deepEqual(shape(c.log), ['meta connecting', 'meta handshake', 'meta handshake', 'meta error', 'meta closed']);
    const [request, response] = entries(c.log).filter((e) => e.kind === 'handshake');
    assert.match(request!.text, /^GET \/private HTTP\/1\.1\r\n[^]*\r\n\r\n$/);
    assert.equal(response!.payload.toString('latin1'), answer);
    const hs = c.handshake!;
    assert.equal(hs.status, 401);
    assert.deepEqual(hs.responseHeaders, [
      ['WWW-Authenticate', 'Bearer realm="x"'],
      ['Content-Length', '15'],
    ]);
    assert.equal(Buffer.from(hs.responseBody!).toString(), 'token required\n');
    assert.equal(socket.destroyed, true);
  });

  it('names the upgrade as the phase that timed out', async () => {
    const silent = await peer(startTcpServer(() => {}));
    const made = patched.made.length;
    const c = open({ url: `ws://127.0.0.1:${silent.port}/`, handshakeTimeoutMs: 200 });
    await assert.rejects(c.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'TIMEOUT');
      assert.equal(e.message, `The WebSocket upgrade with 127.0.0.1:${silent.port} did not complete within 200 ms: the server accepted the connection but never answered the upgrade request`);
      return true;
    });
    agentSocket(made);
    await waitForEnd(c);
    assert.deepEqual(shape(c.log), ['meta connecting', 'meta handshake', 'meta error', 'meta closed']);
  });
});

describe('wss:// under a patched https.request', () => {
  it('refuses a self-signed certificate by default: rejectUnauthorized reaches the agent', async (t) => {
    if (!needsCert(t)) return;
    const made = patched.made.length;
    const c = open({ url: wssPeer!.url('/secure') });
    await assert.rejects(c.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'TLS');
      assert.match(e.message, /Allow self-signed/);
      return true;
    });
    agentSocket(made);
    await waitForEnd(c);
    assert.equal(c.tls, undefined);
  });

  it('connects with allowSelfSigned: TLS info, then both heads, then frames', async (t) => {
    if (!needsCert(t)) return;
    const made = patched.made.length;
    const c = open({ url: wssPeer!.url('/secure?x=1'), tls: { allowSelfSigned: true } });
    await c.connect();
    const socket = agentSocket(made);
    assert.ok(socket instanceof tls.TLSSocket);
    assert.deepEqual(shape(c.log), ['meta connecting', 'meta handshake', 'meta handshake', 'meta handshake', 'meta open'], describeLog(c.log));
    const info = c.tls!;
    assert.equal(info.authorized, false);
    assert.equal(info.authorizationError, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(info.peerCertificate!.fingerprint256, cert!.fingerprint256);
    const [tlsEntry, request, response] = entries(c.log).slice(1, 4);
    assert.match(tlsEntry!.text, /^TLS TLSv1\.3, TLS_/);
    assert.ok(tlsEntry!.text.includes(`SHA-256: ${cert!.fingerprint256}`));
    assert.match(request!.text, /^GET \/secure\?x=1 HTTP\/1\.1\r\n/);
    // The server's rawHeaders are what crossed the wire, in order and case.
    const raw = wssPeer!.requests.at(-1)!.rawHeaders;
    const lines = [];
    for (let i = 0; i < raw.length; i += 2) lines.push(`${raw[i]}: ${raw[i + 1]}\r\n`);
    assert.equal(request!.text, `GET /secure?x=1 HTTP/1.1\r\n${lines.join('')}\r\n`);
    assert.match(response!.text, /^HTTP\/1\.1 101 Switching Protocols\r\n[^]*\r\n\r\n$/);
    assert.equal(
      entries(c.log).at(-1)!.text,
      `Connected 127.0.0.1:${socket.localPort} → 127.0.0.1:${wssPeer!.port}`,
    );
    c.sendText('secret ✓');
    const echo = await waitForEntry(c.log, 'echo', (e) => e.direction === 'in' && e.kind === 'text');
    assert.equal(echo.text, 'secret ✓');
    // Frames are read from the TLS socket's cleartext side.
    assert.deepEqual(c.framesOf(echo.seq).map((f) => [f.opcode, f.fin, f.masked, f.payloadLength, f.anomalies]), [[1, true, false, 10, 0]]);
  });

  it('verifies the certificate given as CA, and applies servername', async (t) => {
    if (!needsCert(t)) return;
    const made = patched.made.length;
    const ok = open({ url: wssPeer!.url('/secure'), tls: { ca: cert!.cert } });
    await ok.connect();
    agentSocket(made);
    assert.equal(ok.tls!.authorized, true);
    assert.match(entries(ok.log)[1]!.text, /Certificate verified/);

    const wrongName = open({ url: wssPeer!.url('/secure'), tls: { ca: cert!.cert, servername: 'other.test' } });
    await assert.rejects(wrongName.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'TLS');
      assert.equal(e.details.systemCode, 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.match(e.message, /is not valid for "other\.test"/);
      return true;
    });
    agentSocket(made + 1);
  });

  it('names the TLS handshake as the phase that timed out', async () => {
    const silent = await peer(startTcpServer(() => {}));
    const made = patched.made.length;
    const c = open({ url: `wss://127.0.0.1:${silent.port}/`, handshakeTimeoutMs: 200 });
    await assert.rejects(c.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'TIMEOUT');
      assert.equal(e.message, `The TLS handshake with 127.0.0.1:${silent.port} did not complete within 200 ms`);
      return true;
    });
    agentSocket(made);
    await waitForEnd(c);
  });
});

describe('a socket the agent connected before handing it over, as a proxy agent does', () => {
  after(() => {
    patched.handOver = 'fresh';
  });

  it('wss://: logs TLS, both heads and the open entry in order', async (t) => {
    if (!needsCert(t)) return;
    patched.handOver = 'ready';
    const made = patched.made.length;
    const c = open({ url: wssPeer!.url('/ready'), tls: { allowSelfSigned: true } });
    await c.connect();
    const socket = agentSocket(made);
    assert.deepEqual(shape(c.log), ['meta connecting', 'meta handshake', 'meta handshake', 'meta handshake', 'meta open'], describeLog(c.log));
    const [tlsEntry, request, response] = entries(c.log).slice(1, 4);
    assert.match(tlsEntry!.text, /^TLS TLSv1\.3, TLS_/);
    assert.equal(c.tls!.peerCertificate!.fingerprint256, cert!.fingerprint256);
    assert.match(request!.text, /^GET \/ready HTTP\/1\.1\r\n/);
    assert.match(response!.text, /^HTTP\/1\.1 101 /);
    assert.equal(entries(c.log).at(-1)!.text, `Connected 127.0.0.1:${socket.localPort} → 127.0.0.1:${wssPeer!.port}`);
  });

  it("wss:// upstream of a proxy: logs the upstream's TLS, then its request and its 101, in order", async (t) => {
    if (!needsCert(t)) return;
    patched.handOver = 'ready';
    const session = createWsProxy({ listen: '127.0.0.1:0', upstream: wssPeer!.url(''), tls: { allowSelfSigned: true } });
    t.after(() => closeSession(session));
    await session.start();
    const made = patched.made.length;
    const c = open({ url: `ws://127.0.0.1:${session.address!.port}/proxied` });
    await c.connect();
    const pair = (await peerAt(session, 0)).connection as WsProxyConnection;
    assert.equal(patched.made.length, made + 2, 'the agent made both the client socket and the upstream one');
    const handshakes = entries(pair.log)
      .filter((e) => e.kind === 'handshake')
      .map((e) => e.text.split('\r\n')[0]);
    assert.equal(handshakes.length, 5, describeLog(pair.log));
    assert.equal(handshakes[0], 'GET /proxied HTTP/1.1', "the client's request");
    assert.match(handshakes[1]!, /^Upstream TLS TLSv1\.3, TLS_/);
    assert.equal(handshakes[2], 'GET /proxied HTTP/1.1', 'the request sent upstream');
    assert.match(handshakes[3]!, /^HTTP\/1\.1 101 /, "the upstream's answer");
    assert.match(handshakes[4]!, /^HTTP\/1\.1 101 /, "the client's answer");
    assert.equal(pair.tls!.peerCertificate!.fingerprint256, cert!.fingerprint256);
    assert.equal(pair.handshake!.requestLine, 'GET /proxied HTTP/1.1');
  });

  it('ws://: a timeout names the upgrade, not the TCP connection', async () => {
    patched.handOver = 'ready';
    const silent = await peer(startTcpServer(() => {}));
    const made = patched.made.length;
    const c = open({ url: `ws://127.0.0.1:${silent.port}/`, handshakeTimeoutMs: 200 });
    await assert.rejects(c.connect(), (e: SocketInspectorError) => {
      assert.equal(e.code, 'TIMEOUT');
      assert.equal(e.message, `The WebSocket upgrade with 127.0.0.1:${silent.port} did not complete within 200 ms: the server accepted the connection but never answered the upgrade request`);
      return true;
    });
    agentSocket(made);
    await waitForEnd(c);
  });
});
