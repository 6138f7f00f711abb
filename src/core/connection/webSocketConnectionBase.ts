// What every WebSocket connection does once `ws` holds an open socket, whether we connected it or a
// listener accepted it: log every frame with its exact bytes, answer pings with a logged pong, route
// every close frame through the log, send, and summarize how it closed. Out entries are logged when
// handed to `ws`, in call order (which is wire order: ws queues frames behind a pending compression).
import type * as net from 'node:net';
import WebSocket from 'ws';
import { Direction, Kind } from '../../../shared/logModel';
import { ConnectionBase } from './connectionBase';
import type { RetentionOptions } from './connectionTypes';
import { toDisposable } from '../base/dispose';
import { ReadBudget } from '../receive/readBudget';
import { SpanBatch } from '../log/spanBatch';
import { closeWithAnyCode } from '../wireFrames/anyCodeClose';
import { WireFrameTap } from '../wireFrames/wireFrameTap';
import { fastReceive } from '../receive/fastReceive';
import { WireFrameStore, type WireFrame } from '../wireFrames/wireFrameStore';
import { describeReceiverProgress, receiverProgress } from '../receive/wsReceiverProgress';
import { checkFragments, closeText, controlPayload, NO_STATUS, receivedCloseFrame, splitEvenly, validateClose } from './wsFrameRules';

/** A settled promise to queue microtasks on. */
const SETTLED = Promise.resolve();

/** Close code ws reports when the connection ended without a close frame. */
const ABNORMAL = 1006;
/** Longest WebSocket frame header: 2 bytes, 8 of extended length, 4 of mask (RFC 6455 §5.2). */
const MAX_FRAME_HEADER = 14;
/** How long to wait for the peer's close frame after ours (ws would wait 30 s). */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

/** Base of WebSocket connections: frames, pings, closes and sends of one `ws` WebSocket. */
export abstract class WebSocketConnectionBase extends ConnectionBase {
  readonly kind = 'ws' as const;
  protected ws: WebSocket | undefined;
  /** The socket under `ws`, destroyed with the connection. */
  protected socket: net.Socket | undefined;
  private wasOpen = false;
  private inCloseLogged = false;
  private outCloseLogged = false;
  private closeInitiator: 'us' | 'peer' | undefined;
  private autoPongEnabled: boolean;
  private closeTimer: NodeJS.Timeout | undefined;
  /** The peer ended its side of the TCP connection (FIN); a subclass that owns the socket sets it. */
  protected peerEnded = false;
  /** We dropped the socket because the peer never answered our close frame. */
  private closeUnanswered = false;
  /** Every frame as it crossed the wire, linked to the log entry of its message. */
  readonly wireFrames: WireFrameStore;
  /**
   * When the socket's latest read arrived (performance.now()). Every message parsed from one read is
   * stamped with it: one clock call per read instead of one per message, and it is when the bytes
   * reached us rather than when ws got round to emitting them.
   */
  private readTime: number | undefined;
  /**
   * Received messages of the current socket read, logged together (one copy of the read's bytes, see
   * EntryLog.appendSpans) at the end of the read, or before anything else is logged. The gap allowed
   * between two payloads is the largest frame header.
   */
  private readonly received = new SpanBatch((direction, kind, bytes, starts, ends, count) => this.writeReceived(direction, kind, bytes, starts, ends, count), MAX_FRAME_HEADER);
  /** The log's tail space ws is reassembling a large payload into (inPlaceReassembly.ts), until its message arrives. */
  private reserved: Buffer | undefined;
  /** One span covering a whole buffer ([0, length)), for appendSpans of a single entry. */
  private readonly wholeSpanStart = new Uint32Array(1);
  private readonly wholeSpanEnd = new Uint32Array(1);
  private flushQueued = false;
  private readonly flushReceived = (): void => {
    this.flushQueued = false;
    this.received.flush();
  };

  constructor(
    retention?: RetentionOptions & { maxFrames?: number },
    frameOptions: {
      /** Answer every ping with a pong (default true). */
      autoPong?: boolean;
      /** Which end of the WebSocket we are: the client masks what it sends, the server does not. */
      role?: 'client' | 'server';
    } = {},
  ) {
    super(retention);
    this.autoPongEnabled = frameOptions.autoPong ?? true;
    this.role = frameOptions.role ?? 'client';
    const maxFrames = retention?.maxFrames ?? retention?.maxEntries;
    this.wireFrames = new WireFrameStore({ ...(maxFrames !== undefined ? { maxFrames } : {}), entries: this.log });
    this.register(this.log.onDidClear(() => this.wireFrames.clear()));
  }

  private readonly role: 'client' | 'server';

  /** Who the peer is in messages ("127.0.0.1:8080"). */
  protected abstract get peerName(): string;

  /** How long close() waits for the peer's close frame, and then for the TCP connection to end. */
  protected get closeTimeoutMs(): number {
    return DEFAULT_CLOSE_TIMEOUT_MS;
  }

  get autoPong(): boolean {
    return this.autoPongEnabled;
  }

  setAutoPong(enabled: boolean): void {
    this.autoPongEnabled = enabled;
  }

  framesOf(seq: number): WireFrame[] {
    return this.wireFrames.framesOf(seq);
  }

  private writeReceived(direction: Direction, kind: Kind, bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, count: number): void {
    const first = this.log.nextSeq;
    this.log.appendSpans(NaN, this.readTime ?? performance.now(), direction, kind, bytes, starts, ends, count);
    this.wireFrames.noteEntries(direction as typeof Direction.In | typeof Direction.Out, kind, first, starts, ends, count);
  }

  /** A received message, bytes[start, end), logged with the rest of its read (see `received`). */
  private readonly receivedSpan = (binary: boolean, bytes: Uint8Array, start: number, end: number): void => {
    this.received.add(Direction.In, binary ? Kind.Binary : Kind.Text, bytes, start, end);
    if (!this.flushQueued) {
      this.flushQueued = true;
      // A reaction on a settled promise, not queueMicrotask: Node gives each queueMicrotask callback an
      // AsyncResource of its own (an async id, a bound function, a scope to run in), a cost paid on every
      // socket read, which for a ping-pong is every message.
      SETTLED.then(this.flushReceived);
    }
  };

  /** Tail space for ws to reassemble an n-byte payload into; whatever waits to be logged goes first. */
  private readonly reserve = (n: number): Buffer => {
    this.received.flush();
    const view = this.log.reserve(n);
    this.reserved = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    return this.reserved;
  };

  /** Appends a message entry (data or control frame) and tells the frame store, which links it to its frames. */
  private logMessage(direction: typeof Direction.In | typeof Direction.Out, kind: Kind, payload: Uint8Array, code = 0, mono = performance.now()): void {
    this.received.flush();
    const seq = this.log.append(direction, kind, payload, code, mono);
    this.wireFrames.noteEntry(direction, seq);
  }

  protected override flushPending(): void {
    this.received.flush();
  }

  get protocol(): string {
    return this.ws?.protocol ?? '';
  }

  get extensions(): string {
    return this.ws?.extensions ?? '';
  }

  /**
   * Logs everything `ws` receives and every close it sends from now on. Call before it can emit
   * anything; a subclass that must act on 'close' first (clear its timers) subscribes before this.
   */
  protected attachFrames(ws: WebSocket): void {
    this.ws = ws;
    this.interceptClose(ws);
    this.listen(ws, 'message', (data: Buffer, isBinary: boolean) => {
      if (data === this.reserved) {
        // Reassembled in the log's tail, and nothing was logged since: appended where it lies.
        this.reserved = undefined;
        this.wholeSpanEnd[0] = data.length;
        this.writeReceived(Direction.In, isBinary ? Kind.Binary : Kind.Text, data, this.wholeSpanStart, this.wholeSpanEnd, 1);
        return;
      }
      // A view into ws's buffer (usually the socket read's), copied when the batch is written.
      this.receivedSpan(isBinary, data, 0, data.length);
    });
    this.listen(ws, 'ping', (data: Buffer) => {
      this.logMessage(Direction.In, Kind.Ping, data, 0, this.readTime ?? performance.now());
      if (this.autoPongEnabled && ws.readyState === WebSocket.OPEN) this.sendControl('pong', data);
    });
    this.listen(ws, 'pong', (data: Buffer) => this.logMessage(Direction.In, Kind.Pong, data, 0, this.readTime ?? performance.now()));
    this.listen(ws, 'error', (e: unknown) => this.fail(this.toError(e)));
    this.listen(ws, 'close', (code: number, reason: Buffer) => this.onClose(code, reason));
  }

  /** The WebSocket is open: logs the Open entry and resolves connect(). */
  protected framesOpened(text: string): void {
    this.wasOpen = true;
    this.tapFrames();
    this.meta(Kind.Open, text);
    this.opened();
  }

  /**
   * Starts recording wire frames. A client's ws emits 'open' right after taking the socket over, before the
   * first frame byte flows (see WireFrameTap), with the negotiated extensions known; a server's ws is handed
   * the socket in handleUpgrade's callback, which is where an accepted peer opens.
   */
  private tapFrames(): void {
    const ws = this.ws;
    const socket = (ws as unknown as { _socket?: net.Socket } | undefined)?._socket ?? this.socket;
    if (!ws || !socket) return;
    const tap = this.register(new WireFrameTap(this.wireFrames, () => ws.extensions.includes('permessage-deflate'), this.role));
    tap.attach(socket);
    // The fast receive paths this process allows (fastReceive.ts): reassembly in the log, the plain-frame
    // bypass and reads straight into the log, as fastPaths.ts puts them on each role. Decided once, here.
    this.register(
      fastReceive.attachWs(ws, socket, this.log, {
        role: this.role,
        compressed: ws.extensions.includes('permessage-deflate'),
        reserve: this.reserve,
        onMessage: this.receivedSpan,
        holds: (buffer) => this.received.holds(buffer),
      }),
    );
    // A flood is handled in slices, so the host's event loop keeps turning (readBudget.ts). ws's own
    // pause and resume keep its backpressure (a resume waits for its receiver to drain).
    const budget = this.register(
      new ReadBudget(
        () => ws.pause(),
        () => ws.resume(),
      ),
    );
    // Ahead of ws's own reader, so every read is timed before its messages are parsed.
    const onRead = (chunk: Buffer): void => {
      this.readTime = performance.now();
      budget.onRead(chunk.length);
    };
    socket.prependListener('data', onRead);
    this.register(toDisposable(() => socket.off('data', onRead)));
  }

  /**
   * Routes every close ws sends through the log: ours, the echo of a peer's close, and the 1009/1002
   * ws sends on a bad frame. Also logs a just-received close frame first, so In precedes its echo.
   */
  private interceptClose(ws: WebSocket): void {
    const close = WebSocket.prototype.close;
    ws.close = (code?: number, data?: string | Buffer) => {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CLOSING) this.noteReceivedClose(ws);
      if (ws.readyState === WebSocket.OPEN) {
        const reason = data === undefined ? Buffer.alloc(0) : Buffer.from(data);
        this.logClose(Direction.Out, code ?? NO_STATUS, reason);
      }
      close.call(ws, code, data);
    };
  }

  private noteReceivedClose(ws: WebSocket): void {
    const frame = receivedCloseFrame(ws);
    if (frame && !this.inCloseLogged) this.logClose(Direction.In, frame.code, frame.reason);
  }

  private logClose(direction: typeof Direction.In | typeof Direction.Out, code: number, reason: Uint8Array): void {
    if (direction === Direction.In) this.inCloseLogged = true;
    else {
      this.outCloseLogged = true;
      this.startCloseTimer();
    }
    this.closeInitiator ??= direction === Direction.In ? 'peer' : 'us';
    if (this.isFinished) return;
    this.logMessage(direction, Kind.Close, reason, code);
    if (this.state === 'open') this.setState('closing');
  }

  /**
   * Once our close frame is out, a peer that never answers it, or answers but never ends the TCP
   * connection, is dropped after closeTimeoutMs, and the log says which.
   */
  private startCloseTimer(): void {
    if (this.closeTimer || this.isFinished) return;
    const ms = this.closeTimeoutMs;
    this.closeTimer = setTimeout(() => {
      this.closeTimer = undefined;
      if (this.isFinished) return;
      const seconds = ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
      this.closeUnanswered = !this.inCloseLogged;
      this.meta(
        Kind.Closed,
        this.closeUnanswered
          ? `${this.peerName} did not answer our close frame within ${seconds}; dropping the connection`
          : `${this.peerName} did not end the TCP connection within ${seconds} of the close handshake; dropping it`,
      );
      this.ws?.terminate();
    }, ms);
  }

  private clearCloseTimer(): void {
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
  }

  /** Why a connection ended without a close frame from the peer (code 1006). */
  private lostText(): string {
    if (this.closeUnanswered) return `Closed by us (1006): ${this.peerName} never answered our close frame`;
    const where = describeReceiverProgress(this.ws && receiverProgress(this.ws));
    const how = this.peerEnded
      ? `${this.peerName} ended the TCP connection (FIN)${where}${this.outCloseLogged ? ' without answering our close frame' : ' without sending a close frame'}`
      : `the TCP connection ended${where} without a close frame from ${this.peerName}`;
    return `Connection lost without a close handshake (1006): ${how}`;
  }

  private onClose(code: number, reason: Buffer): void {
    this.clearCloseTimer();
    // ws reports 1006 exactly when no close frame arrived; anything else is a frame we have not logged yet.
    if (this.wasOpen && !this.inCloseLogged && code !== ABNORMAL) this.logClose(Direction.In, code, reason);
    let text: string;
    if (!this.wasOpen) text = 'Not connected';
    else if (this.inCloseLogged && this.outCloseLogged) {
      text = `Closed by ${this.closeInitiator === 'us' ? 'us' : 'the peer'}: ${closeText(code, reason)}`;
    } else if (this.lastError) {
      // A reset mid-frame says how far the frame got; after a frame error the reader stopped on purpose.
      const where = !this.inCloseLogged && !this.outCloseLogged ? describeReceiverProgress(this.ws && receiverProgress(this.ws)) : '';
      text = `Closed after an error (${closeText(code, reason)})${where}`;
    } else if (code === ABNORMAL) text = this.lostText();
    else text = `Closed: ${closeText(code, reason)}`;
    this.finish(text, this.wasOpen ? code : 0);
  }

  private get canSend(): boolean {
    return this.state === 'open' && this.ws?.readyState === WebSocket.OPEN;
  }

  /** What ws and the socket hold of our sends, not yet written (ws's bufferedAmount). */
  get queuedBytes(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  sendText(text: string): void {
    this.requireOpen(this.canSend, 'send');
    // Encoded here so the log holds exactly the bytes ws frames.
    const bytes = Buffer.from(text, 'utf8');
    this.logMessage(Direction.Out, Kind.Text, bytes);
    this.ws!.send(bytes, { binary: false }, () => {});
  }

  sendBytes(bytes: Uint8Array): void {
    this.requireOpen(this.canSend, 'send');
    // Our own copy: the caller may reuse its buffer while a compressed send is still queued.
    const copy = Buffer.from(bytes);
    this.logMessage(Direction.Out, Kind.Binary, copy);
    this.ws!.send(copy, { binary: true }, () => {});
  }

  sendFragmented(payload: Uint8Array, options: { binary: boolean; fragments: number }): void {
    const { binary, fragments } = options;
    checkFragments(fragments);
    this.requireOpen(this.canSend, 'send');
    const parts = splitEvenly(payload, fragments);
    this.logMessage(Direction.Out, binary ? Kind.Binary : Kind.Text, Buffer.concat(parts));
    // ws frames each part as one frame: the first with the opcode, the rest as continuations, FIN on
    // the last. With permessage-deflate the message is compressed across its frames (RSV1 on the first).
    parts.forEach((part, i) => this.ws!.send(part, { binary, fin: i === parts.length - 1 }, () => {}));
  }

  ping(payload?: Uint8Array): void {
    const bytes = controlPayload('ping', payload);
    this.requireOpen(this.canSend, 'ping');
    this.sendControl('ping', bytes);
  }

  pong(payload?: Uint8Array): void {
    const bytes = controlPayload('pong', payload);
    this.requireOpen(this.canSend, 'pong');
    this.sendControl('pong', bytes);
  }

  private sendControl(kind: 'ping' | 'pong', bytes: Buffer): void {
    this.logMessage(Direction.Out, kind === 'ping' ? Kind.Ping : Kind.Pong, bytes);
    if (kind === 'ping') this.ws!.ping(bytes, undefined, () => {});
    else this.ws!.pong(bytes, undefined, () => {});
  }

  close(code = 1000, reason = ''): void {
    const bytes = validateClose(code, reason);
    if (this.state === 'idle') return;
    if (this.state === 'connecting') {
      this.dispose();
      return;
    }
    this.closeFrame(code, bytes);
  }

  /** Starts the close handshake with any code (1001 when a server goes away), even one ws refuses to send. */
  protected closeFrame(code: number, reason: Buffer): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    closeWithAnyCode(this.ws, code, reason);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.clearCloseTimer();
    const noop = () => {};
    // What ws and the sockets still raise while they die has no one to tell; our listeners go below.
    for (const emitter of [this.ws, this.socket]) emitter?.on('error', noop);
    if (this.ws && this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    this.socket?.destroy();
    super.dispose();
  }
}
