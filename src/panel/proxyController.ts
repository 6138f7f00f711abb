// What a panel adds when the log on screen is one proxy pair (Proxy TCP…, Proxy WebSocket…): the hold
// switches of each direction, the held list, and forwarding, editing, dropping and injecting messages.
// It follows whichever connection the panel shows and is idle unless that is a proxy peer.
// Vscode-free, like the controller that owns it.
import { RequestError, toErrorInfo } from '../../shared/messageHandler';
import type { ComposerMessage, HeldEditable, HeldSummary, ProxyDirectionName, ProxyHoldInfo } from '../../shared/protocol';
import { MAX_LISTED_HELD, PROXY_PREVIEW_BYTES } from '../../shared/protocol';
import type { Connection } from '../core/connection/connectionTypes';
import { Disposable, type IDisposable } from '../core/base/dispose';
import { prepareOutgoing } from '../core/connection/outgoingMessage';
import { isProxySession, type ProxyPayload, type ProxyPeerControls } from '../core/proxy';
import { serverOf } from '../core/connection/serverConnection';
import type { EditableResult } from '../core/decode/editableMessage';
import { Direction, Kind } from '../../shared/logModel';

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

/**
 * How the panel reads the messages of the pair on screen (PanelDecoding): a held message as JSON to edit
 * and the edit encoded back, by the pair's protocol layer or payload codec.
 */
export interface HeldDecoding {
  editable(direction: number, kind: number, payload: Uint8Array): EditableResult;
  encodeEdited(text: string, direction: number, kind: number, payload: Uint8Array): Uint8Array;
}

/** A held message's direction as the log records it: client → server is Out, server → client In. */
function logDirection(direction: ProxyDirectionName): number {
  return direction === 'toServer' ? Direction.Out : Direction.In;
}

/** The hold state and held list of the proxy pair on screen. */
export class ProxyController extends Disposable {
  private controls: ProxyPeerControls | undefined;
  private kind: 'ws' | 'tcp' = 'tcp';
  private subscription: IDisposable | undefined;
  private changes = 0;

  /**
   * `changed` is called when the held list or a hold switch changes (post soon). `decoding` gives the
   * panel's decoding (a getter: the controller makes it after this), for editing held messages as JSON.
   */
  constructor(
    private readonly changed: () => void,
    private readonly decoding?: () => HeldDecoding,
  ) {
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

  /**
   * A held message's full payload and, where the pair's layer or codec can encode it back, the message
   * as JSON to edit (or why it stays bytes).
   */
  held(id: number): { payload: ArrayBuffer; editable?: HeldEditable; notEditable?: string } {
    const message = this.heldMessage('edit a held message', id);
    const found = this.decoding?.().editable(logDirection(message.direction), message.kind, message.payload);
    return {
      payload: copyOf(message.payload),
      ...(found && 'editable' in found ? { editable: found.editable } : {}),
      ...(found && 'problem' in found ? { notEditable: found.problem } : {}),
    };
  }

  /**
   * Forwards held message `id`: as received, replaced by composer bytes, or with `edited` (the JSON
   * `held` gave, edited) encoded back by the layer or codec. Returns the bytes forwarded. A mistake in
   * the edit throws before anything is forwarded: the message stays held.
   */
  release(id: number, replacement: ComposerMessage | undefined, edited?: string): number {
    const c = this.require('forward a held message');
    const held = c.held.find((m) => m.id === id);
    let payload = replacement ? proxyPayloadOf(replacement, this.kind) : undefined;
    if (edited !== undefined) payload = this.encode(this.heldMessage('forward a held message', id), edited);
    c.release(id, payload);
    return payload ? payloadLength(payload) : (held?.payload.length ?? 0);
  }

  /** The edit as the message to forward: a text message stays text (Socket.IO), anything else goes as bytes. */
  private encode(message: ProxyPeerControls['held'][number], edited: string): ProxyPayload {
    if (!this.decoding) throw new RequestError({ message: 'This panel cannot encode edited JSON.', code: 'PROTOCOL' });
    let bytes: Uint8Array;
    try {
      bytes = this.decoding().encodeEdited(edited, logDirection(message.direction), message.kind, message.payload);
    } catch (e) {
      // The engine's code and input position stay, for the composer to point at the mistake.
      const info = toErrorInfo(e);
      throw new RequestError({ ...info, message: `Message #${message.id} is still held: ${info.message}` });
    }
    if (message.kind === Kind.Text) return { text: new TextDecoder().decode(bytes) };
    return { bytes };
  }

  private heldMessage(action: string, id: number): ProxyPeerControls['held'][number] {
    const message = this.require(action).held.find((m) => m.id === id);
    if (!message) throw new RequestError({ message: `Message #${id} is no longer held.`, code: 'GONE' });
    return message;
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
