// The proxy slice of the panel protocol: a proxy pair's hold switches and the messages it holds back.
// Host side: src/panel/proxyHandlers.ts and src/panel/proxyController.ts.
import type { ComposerMessage } from '../codecs/composerInput';
import type { Done } from './messages';

/** A direction of a proxy pair: toward the upstream server, or toward the client. */
export type ProxyDirectionName = 'toServer' | 'toClient';

/** A message a paused proxy pair holds back, as the held list shows it. */
export interface HeldSummary {
  /** 1, 2, 3… per pair; log notes call it "#id". */
  readonly id: number;
  readonly direction: ProxyDirectionName;
  /** Kind value (Text, Binary, Data). */
  readonly kind: number;
  /** Byte length. */
  readonly size: number;
  /** The first bytes (at most PROXY_PREVIEW_BYTES); getHeld fetches all of them. */
  readonly preview: ArrayBuffer;
}

/** What a panel showing a proxy pair draws beyond the log: which directions are held and what is held. */
export interface ProxyHoldInfo {
  readonly toServer: boolean;
  readonly toClient: boolean;
  /** Oldest first. */
  readonly held: readonly HeldSummary[];
  /** Held messages beyond `held` (not listed). */
  readonly omitted: number;
}

/** A held message as JSON to edit, made by the pair's protocol layer or payload codec, which encodes the edit back. */
export interface HeldEditable {
  readonly text: string;
  /** The layer or codec id ('socketio', 'protobuf', 'msgpack', 'cbor'…). */
  readonly format: string;
  /** Protobuf: the message type the JSON is of. */
  readonly messageType?: string;
}

/** Bytes of each held message's preview. */
export const PROXY_PREVIEW_BYTES = 256;
/** Most held messages a list carries. */
export const MAX_LISTED_HELD = 200;

/** Proxy requests the webview sends. */
export type ProxyRequests = {
  /** Proxy pairs: holds (true) or forwards each direction; resuming forwards what was held. */
  setHold: { params: { toServer: boolean; toClient: boolean }; result: Done };
  /**
   * Proxy pairs: a held message's full payload (to edit it) and, when the pair's layer or codec can
   * encode it back, the message as JSON (`notEditable`: why a codec that applies could not decode it).
   */
  getHeld: { params: { id: number }; result: { payload: ArrayBuffer; editable?: HeldEditable; notEditable?: string } };
  /**
   * Proxy pairs: forwards a held message, as received, replaced by `replacement`, or with `edited` (the
   * getHeld JSON, edited) encoded back on the host. A mistake in the edit rejects; the message stays held.
   */
  releaseHeld: { params: { id: number; replacement?: ComposerMessage; edited?: string }; result: { bytes: number } };
  /** Proxy pairs: discards a held message. */
  dropHeld: { params: { id: number }; result: Done };
  /** Proxy pairs: forwards (release) or discards (drop) everything held. */
  heldAll: { params: { action: 'release' | 'drop' }; result: Done };
};

/** Proxy events the host sends. */
export type ProxyEvents = {
  /** The proxy pair shown held or released something, or was paused or resumed. */
  held: { proxy: ProxyHoldInfo };
};
