// The send slice of the panel protocol: what the composer sends, and its history and saved messages.
// Host side: src/panel/sendHandlers.ts.
import type { ComposerFormat, ComposerMessage } from '../codecs/composerInput';
import type { Done } from './messages';
import type { ProxyDirectionName } from './proxy';

export type { ComposerFormat, ComposerMessage };

/** A composer message the user saved for this session. */
export interface SavedMessage extends ComposerMessage {
  readonly id: number;
  readonly name: string;
}

/** Send requests the webview sends. */
export type SendRequests = {
  /**
   * Sends what the composer holds; the host validates it again and answers with the bytes sent.
   * `framed`: frame it with the panel's framer first (TCP, see setFraming).
   * WebSocket: `fragments` > 1 sends the message in that many frames.
   * With `broadcast` (server panels), it goes to every open peer and `peers` says how many.
   * With `inject` (proxy pairs), it goes to that side as if the other side had sent it.
   * With `encode` ("Encode as <codec>"), the input is JSON the panel's payload codec for messages of that
   * direction encodes (shared/decode/encodeRule.ts); the bytes go as a binary message.
   */
  send: {
    params: ComposerMessage & { framed?: boolean; fragments?: number; broadcast?: boolean; inject?: ProxyDirectionName; encode?: boolean };
    result: { bytes: number; peers?: number };
  };
  /** Saves a composer message for this session. */
  saveMessage: { params: { name: string } & ComposerMessage; result: { id: number } };
  /** Deletes a saved message. */
  deleteSaved: { params: { id: number }; result: Done };
};

/** Send events the host sends. */
export type SendEvents = {
  /** The composer's history or saved messages changed. */
  composerLists: { history: readonly ComposerMessage[]; saved: readonly SavedMessage[] };
};
