// What every TCP connection does once it has a socket, whether we connected it or a listener accepted it:
// log the bytes exactly, half-close, reset, close with a timeout, and say who closed and how much flowed.
import type * as net from 'node:net';
import { Direction, Kind } from '../../../shared/logModel';
import { ConnectionBase } from './connectionBase';
import type { RetentionOptions } from './connectionTypes';
import { fastReceive } from '../receive/fastReceive';

const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

/** Base of TCP connections: the byte log, half-close, reset and the close summary of one socket. */
export abstract class TcpConnectionBase extends ConnectionBase {
  readonly kind = 'tcp' as const;
  readonly handshake = undefined;
  /** The TCP socket: what reset() aborts. */
  protected raw: net.Socket | undefined;
  /** What we read and write: `raw`, or a TLS socket on top of it. */
  protected socket: net.Socket | undefined;
  private wasOpen = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private weEnded = false;
  private peerEnded = false;
  private resetSent = false;
  private closedBy: 'us' | 'peer' | undefined;
  private bytesIn = 0;
  private bytesOut = 0;
  /** One span covering a whole buffer ([0, length)), for appendSpans of a single entry. */
  private readonly wholeSpanStart = new Uint32Array(1);
  private readonly wholeSpanEnd = new Uint32Array(1);

  constructor(
    private readonly closeTimeoutMs: number | undefined,
    retention?: RetentionOptions,
  ) {
    super(retention);
  }

  /** Starts logging `socket` (read and written) and watching its end; `raw` is the TCP socket under it. */
  protected attachStream(raw: net.Socket, socket: net.Socket): void {
    this.raw = raw;
    this.socket = socket;
    this.listen(socket, 'data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
      // A read into the log (see streamOpened) is logged where it lies; anything else is copied in.
      this.wholeSpanEnd[0] = chunk.length;
      this.log.appendSpans(NaN, performance.now(), Direction.In, Kind.Data, chunk, this.wholeSpanStart, this.wholeSpanEnd, 1);
    });
    this.listen(socket, 'end', () => this.onPeerEnd());
    this.listen(socket, 'close', (hadError: boolean) => this.onClose(hadError));
  }

  /** The socket is ready for data: logs the Open entry and resolves connect(). */
  protected streamOpened(text: string): void {
    this.wasOpen = true;
    // Reads go straight into the log from now on (a connected plain TCP socket only, where this process
    // allows it: fastReceive.ts); nothing keeps a view of a read past its 'data' event.
    if (this.socket) this.register(fastReceive.attachTcp(this.socket, this.log));
    this.meta(Kind.Open, text);
    this.opened();
  }

  private onPeerEnd(): void {
    this.peerEnded = true;
    this.closedBy ??= 'peer';
    this.meta(
      Kind.Closed,
      this.weEnded
        ? 'Peer closed its side too (FIN received)'
        : 'Peer half-closed (FIN received): it will send nothing more; we can still send',
    );
    if (!this.weEnded) this.stateDetailChanged();
  }

  /** The peer sent its FIN while our side is still open: nothing more comes, sends still go out. */
  get peerHalfClosed(): boolean {
    return this.peerEnded && !this.weEnded && this.state === 'open';
  }

  private onClose(hadError: boolean): void {
    this.clearCloseTimer();
    if (!this.wasOpen) {
      this.finish('Not connected');
      return;
    }
    const who = this.lastError
      ? 'Closed after an error'
      : this.resetSent
        ? 'Closed by us with a reset (RST)'
        : this.closedBy === 'us'
          ? 'Closed by us'
          : this.closedBy === 'peer'
            ? 'Closed by the peer'
            : hadError
              ? 'Closed after a socket error'
              : 'Closed by the peer';
    this.finish(`${who} — ${this.bytesIn} bytes in, ${this.bytesOut} bytes out`);
  }

  private clearCloseTimer(): void {
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
  }

  private get canSend(): boolean {
    return this.state === 'open' && !this.weEnded && !!this.socket?.writable;
  }

  /** What the socket holds of our sends, not yet written. */
  get queuedBytes(): number {
    return this.socket?.writableLength ?? 0;
  }

  sendText(text: string): void {
    this.sendBytes(Buffer.from(text, 'utf8'));
  }

  /** Logs the bytes as Out when handed to the socket, in call order (as wsConnection does). */
  sendBytes(bytes: Uint8Array): void {
    this.requireOpen(this.canSend, this.weEnded ? 'send after half-closing (FIN sent)' : 'send');
    // Our own copy: the caller may reuse its buffer before the kernel has taken the bytes.
    const copy = Buffer.from(bytes);
    this.bytesOut += copy.length;
    this.log.append(Direction.Out, Kind.Data, copy);
    this.socket!.write(copy);
  }

  halfClose(): void {
    this.requireOpen(this.state === 'open' || this.state === 'closing', 'half-close');
    if (this.weEnded) return;
    this.endOurSide('Half-closed by us (FIN sent): we keep receiving until the peer closes');
  }

  private endOurSide(text: string): void {
    this.weEnded = true;
    this.closedBy ??= 'us';
    this.meta(Kind.Closed, text);
    this.setState('closing');
    this.socket!.end();
  }

  close(): void {
    if (this.state === 'connecting') {
      this.dispose();
      return;
    }
    if (this.state !== 'open' && this.state !== 'closing') return;
    if (!this.weEnded) this.endOurSide(this.peerEnded ? 'Ended our side too (FIN sent)' : 'Closing (FIN sent), waiting for the peer');
    if (!this.closeTimer && !this.peerEnded) {
      const ms = this.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
      // A peer that ignores our FIN would otherwise keep the connection half-open forever.
      this.closeTimer = setTimeout(() => {
        this.closeTimer = undefined;
        this.meta(Kind.Closed, `The peer did not close within ${ms} ms; closing the socket`);
        this.raw?.destroy();
      }, ms);
    }
  }

  reset(): void {
    if (this.state === 'connecting') {
      this.dispose();
      return;
    }
    const raw = this.raw;
    if (!raw || raw.destroyed) return;
    this.resetSent = true;
    this.closedBy ??= 'us';
    this.setState('closing');
    raw.resetAndDestroy();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.clearCloseTimer();
    for (const s of new Set([this.socket, this.raw])) {
      if (!s) continue;
      // Whatever the socket still raises while it dies has no one to tell (our listeners go below).
      s.on('error', () => {});
      s.destroy();
    }
    super.dispose();
  }
}
