// Serve as mock: a listener (TCP or WebSocket, as the recording was) whose replies follow a recorded
// client session. Every client gets the greeting, then each request it sends is matched against the
// recorded ones (mockMatcher.ts) and answered with what the server answered then. A request nothing
// matches gets the configured fallback, or no reply; either way the listener's log says why.
import { type AutoReplyOrigin, Direction, Kind, originMatchText } from '../../../shared/logModel';
import { Disposable, toDisposable, type IDisposable } from '../base/dispose';
import { admitSend } from '../connection/sendBackpressure';
import type { ServerPeer, ServerSession } from '../connection/serverTypes';
import { formatHostPort, type ListenAddress } from '../listen/listenAddress';
import type { ListenerOptions } from '../listen/listenerSession';
import { createTcpListener } from '../listen/tcpListener';
import { createWsListener, type WsListenerOptions } from '../listen/wsListener';
import { createFramerDecoder, type FramerDecoder } from '../framing/framerDecoder';
import { describeStrategy, MockMatcher, preview, type MockStrategy } from './mockMatcher';
import { REQUEST_DIRECTION, REQUEST_KINDS, type MockExchange, type MockMessage, type MockScript } from './mockScript';

/** What a mock answers a request that matches nothing with (else nothing). */
export interface MockFallback {
  readonly bytes: Uint8Array;
  /** WebSocket: send as a text message. */
  readonly text: boolean;
}

export interface MockOptions {
  /** Where to listen (default 127.0.0.1, a free port). */
  readonly address?: ListenAddress;
  readonly strategy: MockStrategy;
  readonly fallback?: MockFallback;
  /** Limits and the like of the listener (settings of socketInspector.listen.*). */
  readonly listener?: Omit<WsListenerOptions, 'address'> & Omit<ListenerOptions, 'address'>;
}

/** A running mock: its listener (the panel shows it like any other), and where clients reach it. */
export class MockServer extends Disposable {
  readonly session: ServerSession;
  private readonly watched = new Map<number, IDisposable>();
  private readonly timers = new Set<NodeJS.Immediate>();
  /** What its sends are marked with in a peer's log: one object each, so that each is one run of the log's. */
  private readonly greetingOrigin: AutoReplyOrigin = { rule: 0, match: '', mock: 'greeting' };
  private readonly fallbackOrigin: AutoReplyOrigin = { rule: 0, match: '', mock: 'fallback' };
  private readonly replyOrigins = new Map<MockExchange, AutoReplyOrigin>();

  constructor(
    readonly script: MockScript,
    readonly options: MockOptions,
  ) {
    super();
    // Checks the strategy (a JSON field path) now, before anything listens.
    new MockMatcher(script, options.strategy);
    const address = options.address ?? { host: '127.0.0.1', port: 0 };
    this.session = this.register(
      script.kind === 'ws' ? createWsListener({ ...options.listener, address }) : createTcpListener({ ...options.listener, address }),
    );
    this.register(this.session.onDidAcceptPeer((peer) => this.serve(peer)));
    this.register(
      toDisposable(() => {
        for (const t of this.timers) clearImmediate(t);
        this.timers.clear();
        for (const w of this.watched.values()) w.dispose();
        this.watched.clear();
      }),
    );
  }

  /** Binds; rejects like the listener (the port in use…). */
  async start(): Promise<void> {
    await this.session.start();
    const s = this.script;
    this.note(
      `Serving as mock: ${s.exchanges.length} recorded request${s.exchanges.length === 1 ? '' : 's'}${
        s.greeting.length > 0 ? ` and a greeting of ${s.greeting.length} message${s.greeting.length === 1 ? '' : 's'}` : ''
      }, matched ${describeStrategy(this.options.strategy)}`,
    );
  }

  stop(): Promise<void> {
    return this.session.stop();
  }

  /** ws://host:port or tcp://host:port once listening. */
  get url(): string | undefined {
    const a = this.session.address;
    return a ? `${this.script.kind === 'ws' ? 'ws' : 'tcp'}://${formatHostPort(a.host, a.port)}` : undefined;
  }

  private note(text: string): void {
    if (!this.isDisposed) this.session.log.appendText(Direction.Meta, Kind.Note, text);
  }

  private serve(peer: ServerPeer): void {
    const matcher = new MockMatcher(this.script, this.options.strategy);
    const log = peer.connection.log;
    let framer: FramerDecoder | undefined;
    const requests: Array<{ seq: number; bytes: Uint8Array }> = [];
    let seq = 0;
    if (this.script.framer) {
      framer = createFramerDecoder(this.script.framer, (m) => requests.push({ seq, bytes: m.slice() }), {
        onError: (e) => this.note(`#${peer.id}: ${e.message}`),
      });
    }
    const subscriptions = [
      log.onDidAppend((s) => {
        if (log.direction(s) !== REQUEST_DIRECTION || !REQUEST_KINDS.has(log.kind(s) ?? -1)) return;
        // Copied now: the log reuses its memory.
        const payload = log.payload(s)!;
        seq = s;
        if (framer) framer.push(payload);
        else requests.push({ seq: s, bytes: payload.slice() });
        for (const r of requests.splice(0)) this.answer(peer, matcher, r.seq, r.bytes);
      }),
      peer.connection.onDidChangeState((state) => {
        if (state === 'closed' || state === 'error') this.unwatch(peer.id);
      }),
    ];
    this.watched.set(peer.id, toDisposable(() => subscriptions.forEach((d) => d.dispose())));
    if (this.script.greeting.length > 0) this.later(peer, this.script.greeting, this.greetingOrigin);
  }

  private unwatch(id: number): void {
    this.watched.get(id)?.dispose();
    this.watched.delete(id);
  }

  private answer(peer: ServerPeer, matcher: MockMatcher, seq: number, request: Uint8Array): void {
    const m = matcher.match(request);
    if ('exchange' in m) {
      this.later(peer, m.exchange.replies, this.replyOrigin(m.exchange));
      return;
    }
    const fallback = this.options.fallback;
    this.note(
      `#${peer.id} message #${seq} ${preview(request)}: no recorded reply (${describeStrategy(this.options.strategy)}: ${m.reason}); ${
        fallback ? 'sent the fallback' : 'not answered'
      }`,
    );
    if (fallback) this.later(peer, [{ ...fallback, seq: 0 }], this.fallbackOrigin);
  }

  private replyOrigin(exchange: MockExchange): AutoReplyOrigin {
    let origin = this.replyOrigins.get(exchange);
    if (!origin) {
      origin = { rule: exchange.request.seq, match: originMatchText(preview(exchange.request.bytes)), mock: 'reply' };
      this.replyOrigins.set(exchange, origin);
    }
    return origin;
  }

  /**
   * Sends after the append notification that asked for it, so the request is logged before its reply;
   * the peer's log marks the sends as auto-replies of `origin`.
   */
  private later(peer: ServerPeer, messages: readonly MockMessage[], origin: AutoReplyOrigin): void {
    const handle = setImmediate(() => {
      this.timers.delete(handle);
      for (const m of messages) {
        if (peer.connection.state !== 'open' || !admitSend(this.session, peer)) return;
        try {
          const connection = peer.connection;
          connection.log.autoReplying(origin, () => (m.text ? connection.sendText(new TextDecoder().decode(m.bytes)) : connection.sendBytes(m.bytes)));
        } catch (e) {
          this.note(`#${peer.id}: a recorded reply was not sent: ${(e as Error).message}`);
          return;
        }
      }
    });
    this.timers.add(handle);
  }
}

/** Makes a mock of `script` (not yet listening: call start()). */
export function createMockServer(script: MockScript, options: MockOptions): MockServer {
  return new MockServer(script, options);
}
