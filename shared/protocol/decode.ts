// The decode slice of the panel protocol: what the connection's protocol layer and payload codecs make
// of its messages (summaries for rows, the Decoded tab, the filter's fields) and the layer composer.
// Host side: src/panel/decodeHandlers.ts. Decoding runs on the host when the webview asks.
import type { DecodedMessage, DecodedNode } from '../decode/decoded';
import type { DecodeSettings } from '../decode/decodeSettings';
import type { LayerSendForm } from '../decode/layerForms';

export type { DecodedMessage, DecodedNode, DecodeSettings, LayerSendForm };

/** Most seqs one getSummaries request may name. */
export const MAX_SUMMARY_SEQS = 1024;

/** Decode requests the webview sends. */
export type DecodeRequests = {
  /**
   * One entry decoded for the Decoded tab; `decoded` is absent when nothing applies to it. `paged`: its
   * trees hold only their first screens (shared/decode/treePaging.ts), and `tree` names the decoded
   * message for getDecodedChildren (absent when nothing was left out).
   */
  getDecoded: { params: { seq: number; paged?: boolean }; result: { seq: number; decoded?: DecodedMessage; tree?: number } };
  /**
   * The next children of a node of a paged tree, from index `from`, themselves paged: `section` 0 is the
   * message's tree, 1 the payload's inside it; `path` the child indices from that root; `auto` whether
   * the node opened by itself (then its children open as treePaging's rule says).
   */
  getDecodedChildren: {
    params: { tree: number; section: number; path: readonly number[]; from: number; auto: boolean };
    result: { children: readonly DecodedNode[] };
  };
  /**
   * One-line summaries for rows on screen, in the order asked; null where nothing applies. `formats`, when
   * given, names what made each (DecodedMessage.format), for the row's badge.
   */
  getSummaries: {
    params: { seqs: readonly number[] };
    result: { summaries: readonly (string | null)[]; formats?: readonly (string | null)[] };
  };
  /** Changes how this connection's messages are read (layer detection, codec rules, .proto files). */
  setDecodeSettings: { params: DecodeSettings; result: { settings: DecodeSettings } };
  /** Sends a layer composer form through the connection's protocol layer; answers with the bytes written. */
  layerSend: { params: LayerSendForm; result: { bytes: number } };
};

/** Decode events the host sends. */
export type DecodeEvents = {
  /**
   * How the panel's messages are read now, and the layer's state (`connected to /chat`); sent on ready and
   * on every change. Summaries the webview holds are stale after it.
   */
  decodeState: { settings: DecodeSettings; layerStatus?: string; codecs: readonly string[]; messageTypes?: readonly string[] };
};
