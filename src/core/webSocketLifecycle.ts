// What every WebSocket connection does once `ws` holds an open socket, whether we connected it or a
// listener accepted it: log every frame with its exact bytes, answer pings with a logged pong, route
// every close frame through the log, send, and summarize how it closed. Out entries are logged when
// handed to `ws`, in call order (which is wire order: ws queues frames behind a pending compression).
import type * as net from 'node:net';
import WebSocket from 'ws';
import { Direction, Kind } from '../../shared/logModel';
import { ConnectionLifecycle } from './connectionLifecycle';
import type { RetentionOptions } from './connectionTypes';
import { SocketInspectorError } from './errors';

/** Close code of a close frame without a status: there is no code on the wire (RFC 6455 §7.1.5). */
const NO_STATUS = 1005;
/** Close code ws reports when the connection ended without a close frame. */
const ABNORMAL = 1006;

function closeText(code: number, reason: Uint8Array): string {
  const text = new TextDecoder().decode(reason);
  return `${code}${text ? ` "${text}"` : ''}`;
}

/** Checks a close code and reason the user wants to send; returns the reason's bytes. */
export function validateClose(code: number, reason: string): Buffer {
  if (!Number.isInteger(code) || !(code === 1000 || (code >= 3000 && code <= 4999))) {
    throw new SocketInspectorError(
      'PROTOCOL',
      `Close code ${code} cannot be sent: use 1000 (normal) or an application code from 3000 to 4999`,
    );
  }
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length > 123) {
    throw new SocketInspectorError(
      'PROTOCOL',
      `The close reason is ${bytes.length} bytes in UTF-8; a close frame allows at most 123`,
    );
  }
  return bytes;
}

function controlPayload(kind: 'ping' | 'pong', payload: Uint8Array | undefined): Buffer {
  const bytes = payload ? Buffer.from(payload) : Buffer.alloc(0);
  if (bytes.length > 125) {
    throw new SocketInspectorError('PROTOCOL', `A ${kind} payload can be at most 125 bytes (this one is ${bytes.length})`);
  }
  return bytes;
}

/** The ws internals read to log a received close frame when it arrives rather than when the socket ends. */
interface WsCloseState {
  _closeFrameReceived?: boolean;
  _closeCode?: number;
  _closeMessage?: Buffer;
}

/** Base of WebSocket connections: frames, pings, closes and sends of one `ws` WebSocket. */
export abstract class WebSocketLifecycle extends ConnectionLifecycle {
  readonly kind = 'ws' as const;
  protected ws: WebSocket | undefined;
  /** The socket under `ws`, destroyed with the connection. */
  protected socket: net.Socket | undefined;
  private wasOpen = false;
  private inCloseLogged = false;
  private outCloseLogged = false;
  private closeInitiator: 'us' | 'peer' | undefined;

  constructor(retention?: RetentionOptions) {
    super(retention);
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
      // A view into ws's buffer; FrameLog.append copies it.
      this.log.append(Direction.In, isBinary ? Kind.Binary : Kind.Text, data);
    });
    this.listen(ws, 'ping', (data: Buffer) => {
      this.log.append(Direction.In, Kind.Ping, data);
      if (ws.readyState === WebSocket.OPEN) this.sendControl('pong', data);
    });
    this.listen(ws, 'pong', (data: Buffer) => this.log.append(Direction.In, Kind.Pong, data));
    this.listen(ws, 'error', (e: unknown) => this.fail(this.toError(e)));
    this.listen(ws, 'close', (code: number, reason: Buffer) => this.onClose(code, reason));
  }

  /** The WebSocket is open: logs the Open entry and resolves connect(). */
  protected framesOpened(text: string): void {
    this.wasOpen = true;
    this.meta(Kind.Open, text);
    this.opened();
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
    const state = ws as unknown as WsCloseState;
    if (state._closeFrameReceived && !this.inCloseLogged) {
      this.logClose(Direction.In, state._closeCode ?? NO_STATUS, state._closeMessage ?? Buffer.alloc(0));
    }
  }

  private logClose(direction: Direction, code: number, reason: Uint8Array): void {
    if (direction === Direction.In) this.inCloseLogged = true;
    else this.outCloseLogged = true;
    this.closeInitiator ??= direction === Direction.In ? 'peer' : 'us';
    if (this.isFinished) return;
    this.log.append(direction, Kind.Close, reason, code);
    if (this.state === 'open') this.setState('closing');
  }

  private onClose(code: number, reason: Buffer): void {
    // ws reports 1006 exactly when no close frame arrived; anything else is a frame we have not logged yet.
    if (this.wasOpen && !this.inCloseLogged && code !== ABNORMAL) this.logClose(Direction.In, code, reason);
    let text: string;
    if (!this.wasOpen) text = 'Not connected';
    else if (this.inCloseLogged && this.outCloseLogged) {
      text = `Closed by ${this.closeInitiator === 'us' ? 'us' : 'the peer'}: ${closeText(code, reason)}`;
    } else if (this.lastError) text = `Closed after an error (${closeText(code, reason)})`;
    else if (code === ABNORMAL) text = 'Connection lost without a close handshake (1006)';
    else text = `Closed: ${closeText(code, reason)}`;
    this.finish(text, this.wasOpen ? code : 0);
  }

  private get canSend(): boolean {
    return this.state === 'open' && this.ws?.readyState === WebSocket.OPEN;
  }

  sendText(text: string): void {
    this.requireOpen(this.canSend, 'send');
    // Encoded here so the log holds exactly the bytes ws frames.
    const bytes = Buffer.from(text, 'utf8');
    this.log.append(Direction.Out, Kind.Text, bytes);
    this.ws!.send(bytes, { binary: false }, () => {});
  }

  sendBytes(bytes: Uint8Array): void {
    this.requireOpen(this.canSend, 'send');
    // Our own copy: the caller may reuse its buffer while a compressed send is still queued.
    const copy = Buffer.from(bytes);
    this.log.append(Direction.Out, Kind.Binary, copy);
    this.ws!.send(copy, { binary: true }, () => {});
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
    this.log.append(Direction.Out, kind === 'ping' ? Kind.Ping : Kind.Pong, bytes);
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

  /** Starts the close handshake with any code (1001 when a server goes away), unchecked. */
  protected closeFrame(code: number, reason: Buffer): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.close(code, reason);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    const noop = () => {};
    // What ws and the sockets still raise while they die has no one to tell; our listeners go below.
    for (const emitter of [this.ws, this.socket]) emitter?.on('error', noop);
    if (this.ws && this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    this.socket?.destroy();
    super.dispose();
  }
}
