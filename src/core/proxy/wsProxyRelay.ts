// The two WebSocket legs of a proxy pair once they exist: messages, pings, pongs and close frames pass
// both ways, each logged once in the direction it travels, close frames after whatever is held before
// them; a leg lost without a close frame takes the other one down, and the Closed entry says who ended it.
// How the legs are opened is the subclass's (wsProxyPair.ts).
import type * as net from 'node:net';
import WebSocket from 'ws';
import { Direction, Kind } from '../../../shared/logModel';
import { SocketInspectorError } from '../../../shared/errors';
import { closeText, NO_STATUS, receivedCloseFrame } from '../connection/wsFrameRules';
import { WireFrameStore, type WireFrame } from '../wireFrames/wireFrameStore';
import type { ProxyDirection } from './holdQueue';
import { ProxyPair, type ProxyPairSettings } from './proxyPair';

/** One leg of a pair: the client's, or the upstream server's. */
export type Side = 'client' | 'server';

/** Base of WebSocket proxy pairs: relaying and closing between two WebSockets. */
export abstract class WsProxyRelay extends ProxyPair {
  protected readonly isTcp = false;
  /**
   * The frames of the upstream leg as they crossed its wire (Out: to the server, In: from it), linked to
   * the log's entries.
   */
  readonly wireFrames: WireFrameStore;
  /** The client leg's frames, in the same directions (Out: from the client, In: to it), linked alike. */
  readonly clientWireFrames: WireFrameStore;
  protected upstreamWs: WebSocket | undefined;
  /** The client's WebSocket: set once its upgrade completed, which is when the pair is open. */
  protected clientWs: WebSocket | undefined;
  /** A close frame arrived from this side. */
  private readonly closeFrom: Record<Side, { code: number; reason: Buffer } | undefined> = { client: undefined, server: undefined };
  /** This side's socket is gone. */
  protected readonly legDone: Record<Side, boolean> = { client: false, server: false };
  protected firstToClose: Side | 'us' | undefined;

  constructor(pairSettings: ProxyPairSettings) {
    super(pairSettings);
    const retention = pairSettings.retention;
    const maxFrames = retention?.maxFrames ?? retention?.maxEntries;
    this.wireFrames = new WireFrameStore({ ...(maxFrames !== undefined ? { maxFrames } : {}), entries: this.log });
    this.clientWireFrames = new WireFrameStore({ ...(maxFrames !== undefined ? { maxFrames } : {}), entries: this.log });
    this.register(
      this.log.onDidClear(() => {
        this.wireFrames.clear();
        this.clientWireFrames.clear();
      }),
    );
  }

  /** Links entry `seq`, which arrived from `side`, to the frames it came in on that side's leg. */
  protected noteReceived(side: Side, seq: number): void {
    if (seq < 0) return;
    if (side === 'server') this.wireFrames.noteEntry(Direction.In, seq);
    else this.clientWireFrames.noteEntry(Direction.Out, seq);
  }

  /** Links entry `seq`, about to be written to `to`, to the frames it goes out in on that side's leg. */
  protected noteSent(to: Side, seq: number): void {
    if (seq < 0) return;
    if (to === 'server') this.wireFrames.noteEntry(Direction.Out, seq);
    else this.clientWireFrames.noteEntry(Direction.In, seq);
  }

  /** Whether the upstream's WebSocket opened (the client's may still be on its way). */
  protected abstract get upstreamOpen(): boolean;

  /** One leg went away before the pair opened (`side`'s socket is gone; the other's may not be). */
  protected abstract legLostBeforeOpen(side: Side): void;

  /** The socket a message toward `direction` is written to. */
  protected abstract destinationSocket(direction: ProxyDirection): net.Socket | undefined;

  get protocol(): string {
    return this.upstreamWs?.protocol ?? '';
  }

  get extensions(): string {
    return this.upstreamWs?.extensions ?? '';
  }

  /** Always false: a proxy never answers pings itself; each ping is passed on and the other side answers. */
  get autoPong(): boolean {
    return false;
  }

  setAutoPong(enabled: boolean): void {
    if (enabled) {
      throw new SocketInspectorError(
        'PROTOCOL',
        'A proxy does not answer pings itself: each ping is passed on, and the pong comes from the other side',
      );
    }
  }

  framesOf(seq: number): WireFrame[] {
    return this.wireFrames.framesOf(seq);
  }

  /**
   * Relays what `side`'s WebSocket receives toward the other side, and ends the leg with its 'close'.
   * Subscribe to its 'error' yourself.
   */
  protected relayFrom(ws: WebSocket, side: Side): void {
    const direction: ProxyDirection = side === 'client' ? 'toServer' : 'toClient';
    this.interceptClose(ws, side);
    this.listen(ws, 'message', (data: Buffer, isBinary: boolean) => {
      const seq = this.receive(direction, isBinary ? Kind.Binary : Kind.Text, data);
      this.noteReceived(side, seq);
    });
    this.listen(ws, 'ping', (data: Buffer) => this.passControl(direction, Kind.Ping, data));
    this.listen(ws, 'pong', (data: Buffer) => this.passControl(direction, Kind.Pong, data));
    this.listen(ws, 'close', () => this.onLegDone(side));
  }

  /** Pings and pongs are never held: they are forwarded at once (the log still shows each). */
  private passControl(direction: ProxyDirection, kind: Kind, data: Buffer): void {
    if (this.isFinished) return;
    const seq = this.log.append(direction === 'toServer' ? Direction.Out : Direction.In, kind, data);
    this.noteReceived(direction === 'toServer' ? 'client' : 'server', seq);
    const target = this.destination(direction);
    if (target?.readyState !== WebSocket.OPEN) return;
    this.noteSent(direction === 'toServer' ? 'server' : 'client', seq);
    if (kind === Kind.Ping) target.ping(data, undefined, () => {});
    else target.pong(data, undefined, () => {});
  }

  /**
   * Sees each close frame as ws handles it (ws answers a close frame by calling close() on itself), so
   * it is logged when it arrives and passed on, after whatever is held in its direction.
   */
  private interceptClose(ws: WebSocket, side: Side): void {
    const close = WebSocket.prototype.close;
    ws.close = (code?: number, data?: string | Buffer) => {
      const frame = receivedCloseFrame(ws);
      if (frame && !this.closeFrom[side]) this.onCloseFrame(side, frame.code, frame.reason);
      close.call(ws, code, data);
    };
  }

  private onCloseFrame(side: Side, code: number, reason: Buffer): void {
    this.closeFrom[side] = { code, reason };
    this.firstToClose ??= side;
    const direction: ProxyDirection = side === 'client' ? 'toServer' : 'toClient';
    const seq = this.isFinished ? -1 : this.log.append(side === 'client' ? Direction.Out : Direction.In, Kind.Close, reason, code);
    this.noteReceived(side, seq);
    if (this.state === 'open') this.setState('closing');
    const to: Side = side === 'client' ? 'server' : 'client';
    const held = this.heldCount(direction);
    const now = this.afterHeld(direction, () => this.forwardClose(to, code, reason, seq));
    if (!now) this.note(`The ${side}'s close (${closeText(code, reason)}) is passed on to the ${to} after the ${held} held message${held === 1 ? '' : 's'}`);
  }

  private forwardClose(to: Side, code: number, reason: Buffer, seq: number): void {
    const target = to === 'server' ? this.upstreamWs : this.clientWs;
    if (target?.readyState !== WebSocket.OPEN) return;
    this.noteSent(to, seq);
    try {
      if (code === NO_STATUS) target.close();
      else target.close(code, reason);
    } catch {
      // A code that may not be sent (ws checks): close without one rather than not at all.
      target.close();
    }
  }

  /** One leg's socket is gone. A leg lost without a close frame takes the other one down the same way. */
  protected onLegDone(side: Side): void {
    if (this.legDone[side]) return;
    this.legDone[side] = true;
    const other: Side = side === 'client' ? 'server' : 'client';
    const otherWs = other === 'server' ? this.upstreamWs : this.clientWs;
    const opened = this.upstreamOpen && !!this.clientWs;
    if (opened && !this.closeFrom[side] && !this.legDone[other]) {
      this.meta(Kind.Closed, `The ${side} connection was lost without a close frame (1006); dropping the ${other} connection too`);
      this.firstToClose ??= side;
      // What is held toward the surviving side can still be released before it goes; what is held
      // toward the lost side is discarded when the pair finishes.
      this.afterHeld(other === 'server' ? 'toServer' : 'toClient', () => otherWs?.terminate());
    } else if (!opened) this.legLostBeforeOpen(side);
    const serverDone = this.legDone.server || !this.upstreamWs;
    if (this.legDone.client && serverDone) this.onBothDone();
  }

  private onBothDone(): void {
    if (!this.clientWs) {
      this.finishPair('Not connected');
      return;
    }
    const first = this.firstToClose;
    const frame = first === 'client' || first === 'server' ? this.closeFrom[first] : undefined;
    let text: string;
    if (this.lastError) text = 'Closed after an error';
    else if (first === 'us') text = 'Closed by us';
    else if (first && frame) text = `Closed by the ${first}: ${closeText(frame.code, frame.reason)}`;
    else if (first) text = `Closed: the ${first} connection was lost (1006)`;
    else text = 'Closed';
    this.finishPair(text, 'the connection closed', frame?.code);
  }

  // ---- transport of ProxyPair ----

  private destination(direction: ProxyDirection): WebSocket | undefined {
    return direction === 'toServer' ? this.upstreamWs : this.clientWs;
  }

  protected canDeliver(direction: ProxyDirection): boolean {
    if (this.isFinished || !this.clientWs) return false;
    return this.destination(direction)?.readyState === WebSocket.OPEN;
  }

  protected deliver(direction: ProxyDirection, kind: Kind, bytes: Buffer, seq: number): void {
    this.noteSent(direction === 'toServer' ? 'server' : 'client', seq);
    // A failed send surfaces as the socket's error or close; nothing to add here.
    this.destination(direction)!.send(bytes, { binary: kind === Kind.Binary }, () => {});
    // The destination's socket buffer is full: stop reading this direction's source until it drains.
    if (this.destinationSocket(direction)?.writableNeedDrain) this.stopReading(direction, 'drain', true);
  }

  protected pauseSource(direction: ProxyDirection): void {
    (direction === 'toServer' ? this.clientWs : this.upstreamWs)?.pause();
  }

  protected resumeSource(direction: ProxyDirection): void {
    (direction === 'toServer' ? this.clientWs : this.upstreamWs)?.resume();
  }
}
