// The set-up of the WebSocket proxy peer tests: Debian's python3-websockets server upstream (one per test
// file), Proxy WebSocket… sessions in front of it, and our WebSocket connections downstream, the sessions
// and connections closed after each test.
import assert from 'node:assert/strict';
import { after, afterEach, before, type TestContext } from 'node:test';
import type { WebSocketConnection, WebSocketOptions } from '../../src/core/connection/connectionTypes';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { createWsProxy, type ProxySession, type WsProxyConnection } from '../../src/core/proxy';
import { startPythonWsServer } from './processPeers';
import { closeSession, peerAt } from './proxyReading';
import { pythonWebsocketsMissing, requirePeer } from './requirePeer';

export type PythonWsPeer = Awaited<ReturnType<typeof startPythonWsServer>>;

/** What a test file's WebSocket proxy tests use; see useWsProxyPeers. */
export interface WsProxyPeers {
  /** The python3-websockets server (only once needsPython said it is there). */
  python(): PythonWsPeer;
  /** Whether python3-websockets is installed; skips the test when it is not. */
  needsPython(t: TestContext): boolean;
  /** A started proxy session on 127.0.0.1 (an ephemeral port) in front of `upstream`. */
  proxyTo(upstream: string, options?: Partial<Parameters<typeof createWsProxy>[0]>): Promise<ProxySession>;
  /** A WebSocket connection (not yet connected) to `path` on the proxy. */
  clientOf(session: ProxySession, path?: string, options?: Omit<WebSocketOptions, 'url'>): WebSocketConnection;
  /** Pair number `index` of a session, once accepted: a WebSocket pair. */
  pairOf(session: ProxySession, index?: number): Promise<WsProxyConnection>;
}

/**
 * Registers the test file's hooks: the python3-websockets server before all tests (when installed) and
 * closed after them, and the sessions and clients made through the answer disposed after each test.
 */
export function useWsProxyPeers(): WsProxyPeers {
  let python: PythonWsPeer | undefined;
  before(async () => {
    if (!pythonWebsocketsMissing()) python = await startPythonWsServer();
  });
  after(() => python?.close());

  const sessions: ProxySession[] = [];
  const clients: WebSocketConnection[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.dispose();
    for (const s of sessions.splice(0)) await closeSession(s);
  });

  return {
    python() {
      if (!python) throw new Error('python3-websockets is not running: call needsPython first');
      return python;
    },
    needsPython: (t) => requirePeer(t, 'python3-websockets', pythonWebsocketsMissing()),
    async proxyTo(upstream, options = {}) {
      const session = createWsProxy({ listen: '127.0.0.1:0', upstream, ...options });
      sessions.push(session);
      await session.start();
      return session;
    },
    clientOf(session, path = '/', options = {}) {
      const c = createWebSocketConnection({ url: `ws://127.0.0.1:${session.address!.port}${path}`, ...options });
      clients.push(c);
      return c;
    },
    async pairOf(session, index = 0) {
      const pair = (await peerAt(session, index)).connection;
      assert.equal(pair.kind, 'ws');
      return pair as WsProxyConnection;
    },
  };
}
