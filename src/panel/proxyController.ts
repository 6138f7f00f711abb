// What a panel adds when the log on screen is one proxy pair (Proxy TCP…, Proxy WebSocket…): the hold
// switches of each direction, the held list, and forwarding, editing, dropping and injecting messages.
// It follows whichever connection the panel shows and is idle unless that is a proxy peer.
// Vscode-free, like the controller that owns it.
import { RequestError } from '../../shared/messageHandler';
import type { ComposerMessage, HeldSummary, ProxyDirectionName, ProxyHoldInfo } from '../../shared/protocol';
import { MAX_LISTED_HELD, PROXY_PREVIEW_BYTES } from '../../shared/protocol';
import type { Connection } from '../core/connection/connectionTypes';
import { Disposable, type IDisposable } from '../core/base/dispose';
import { prepareOutgoing } from '../core/connection/outgoingMessage';
import { isProxySession, type ProxyPayload, type ProxyPeerControls } from '../core/proxy';
import { serverOf } from '../core/connection/serverConnection';

/** Finds the proxy controls of `shown` when it is a peer of the proxy session `root` stands for. */
export function proxyControlsOf(root: Connection, shown: Connection): ProxyPeerControls | undefined {
  const session = serverOf(root);
  if (!session || !isProxySession(session)) return undefined;
  return session.peers.find((p) => p.connection === shown)?.controls;
}

/** A composer message as a proxy payload: text stays a text message, the other formats are bytes. */
export function proxyPayloadOf(message: ComposerMessage, kind: 'ws' | 'tcp'): ProxyPayload {
  const outgoing = prepareOutgoing(message, kind);
  return outgoing.text !== undefined ? { text: outgoing.text } : { bytes: outgoing.bytes };
}

/** The hold state and held list of the proxy pair on screen. */
export class ProxyController extends Disposable {
  private controls: ProxyPeerControls | undefined;
  private kind: 'ws' | 'tcp' = 'tcp';
  private subscription: IDisposable | undefined;
  private changes = 0;

  /** `changed` is called when the held list or a hold switch changes (post soon). */
  constructor(private readonly changed: () => void) {
    super();
  }

  /** Increments on every change; the controller posts when it differs from what it sent. */
  get version(): number {
    return this.changes;
  }

  /** Follows the connection now on screen (a proxy peer of `root`, or anything else). */
  track(root: Connection, shown: Connection): void {
    const controls = proxyControlsOf(root, shown);
    if (controls === this.controls) return;
    this.subscription?.dispose();
    this.subscription = undefined;
    this.controls = controls;
    this.kind = shown.kind;
    if (controls) {
      this.subscription = controls.onDidChangeHeld(() => {
        this.changes++;
        this.changed();
      });
    }
    this.changes++;
  }

  /** The hold state for the webview, or undefined when no proxy pair is shown. */
  info(): ProxyHoldInfo | undefined {
    const c = this.controls;
    if (!c) return undefined;
    const all = c.held;
    const listed = all.slice(0, MAX_LISTED_HELD).map(
      (m): HeldSummary => ({
        id: m.id,
        direction: m.direction,
        kind: m.kind,
        size: m.payload.length,
        preview: copyOf(m.payload.subarray(0, PROXY_PREVIEW_BYTES)),
      }),
    );
    return { toServer: c.paused.toServer, toClient: c.paused.toClient, held: listed, omitted: all.length - listed.length };
  }

  /** Holds or forwards each direction. */
  setHold(toServer: boolean, toClient: boolean): void {
    const c = this.require('hold messages');
    if (c.paused.toServer !== toServer) c.setPaused(toServer, 'toServer');
    if (c.paused.toClient !== toClient) c.setPaused(toClient, 'toClient');
  }

  /** A held message's full payload. */
  held(id: number): ArrayBuffer {
    const message = this.require('edit a held message').held.find((m) => m.id === id);
    if (!message) throw new RequestError({ message: `Message #${id} is no longer held.`, code: 'GONE' });
    return copyOf(message.payload);
  }

  /** Forwards held message `id`, as received or replaced; returns the bytes forwarded. */
  release(id: number, replacement: ComposerMessage | undefined): number {
    const c = this.require('forward a held message');
    const held = c.held.find((m) => m.id === id);
    const payload = replacement ? proxyPayloadOf(replacement, this.kind) : undefined;
    c.release(id, payload);
    return payload ? payloadLength(payload) : (held?.payload.length ?? 0);
  }

  /** Discards held message `id`. */
  drop(id: number): void {
    this.require('drop a held message').drop(id);
  }

  /** Forwards or discards everything held. */
  all(action: 'release' | 'drop'): void {
    const c = this.require(action === 'release' ? 'forward held messages' : 'drop held messages');
    if (action === 'release') c.releaseAll();
    else c.dropAll();
  }

  /** Sends `message` to one side as if the other had sent it; returns its length in bytes. */
  inject(message: ComposerMessage, direction: ProxyDirectionName): number {
    const c = this.require('inject a message');
    const payload = proxyPayloadOf(message, this.kind);
    c.inject(direction, payload);
    return payloadLength(payload);
  }

  private require(action: string): ProxyPeerControls {
    if (!this.controls) {
      throw new RequestError({ message: `Cannot ${action}: choose a client of a proxy in the peer selector first.`, code: 'NOT_A_PEER' });
    }
    return this.controls;
  }

  override dispose(): void {
    this.subscription?.dispose();
    this.subscription = undefined;
    super.dispose();
  }
}

function payloadLength(payload: ProxyPayload): number {
  return 'text' in payload ? new TextEncoder().encode(payload.text).length : payload.bytes.length;
}

/** A standalone ArrayBuffer holding `bytes` (never a view into a pooled buffer). */
function copyOf(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.length);
  new Uint8Array(out).set(bytes);
  return out;
}
