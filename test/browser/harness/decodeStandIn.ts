// A stand-in for the host side of the decode slice (shared/protocol/decode.ts: getDecoded, getSummaries,
// setDecodeSettings, layerSend and the decodeState event), for browser tests of the webview while the
// real handlers (src/panel/decodeHandlers.ts) are wired elsewhere. It answers from the real entry log:
// each entry's payload goes through a decoder the test writes by hand into DecodedMessage values.
// Test-only: the product never answers these requests with anything but the real host.
import type { EntryLog } from '../../../src/core/log/entryLog';
import type { DecodedMessage, DecodeEvents, DecodeSettings, LayerSendForm } from '../../../shared/protocol';
import type { OpenPanelOptions } from './panelPage';

/** A hand-written reading of one entry's payload; undefined when nothing applies to it. */
export type StandInDecoder = (payload: Uint8Array, seq: number) => DecodedMessage | undefined;

const DECODE_REQUESTS = new Set(['getDecoded', 'getSummaries', 'setDecodeSettings', 'layerSend']);

/** The stand-in host slice and what the page asked of it. */
export class DecodeStandIn {
  /** Every getSummaries request's seqs, in order. */
  readonly summaryRequests: number[][] = [];
  readonly decodedRequests: number[] = [];
  /** Every layerSend form, in order. */
  readonly sent: LayerSendForm[] = [];
  /** When set, layerSend is refused with this message (as the host refuses a form it cannot encode). */
  layerSendError: string | undefined;
  decoder: StandInDecoder;
  private settings: DecodeSettings = {};
  private post: ((message: object) => void) | undefined;

  constructor(
    private readonly log: () => EntryLog,
    decoder: StandInDecoder,
  ) {
    this.decoder = decoder;
  }

  /** The option that plugs this stand-in into openPanel / openLivePanel. */
  get option(): Pick<OpenPanelOptions, 'hostSlice'> {
    return {
      hostSlice: (message, post) => {
        this.post = post;
        return this.handle(message, post);
      },
    };
  }

  /** Where events go before the page has posted anything (its panel's postToPage). */
  attach(post: (message: object) => void): void {
    this.post = post;
  }

  /** Sends a decodeState event, as the host does on ready and on every change. */
  sendState(state: DecodeEvents['decodeState']): void {
    this.settings = state.settings;
    if (!this.post) throw new Error('the stand-in is not attached to a panel');
    this.post({ type: 'decodeState', ...state });
  }

  private decodeSeq(seq: number): DecodedMessage | undefined {
    const payload = this.log().payload(seq);
    // A copy: the log's memory is not held across anything the decoder does.
    return payload === undefined ? undefined : this.decoder(payload.slice(), seq);
  }

  private handle(message: Record<string, unknown>, post: (message: object) => void): boolean {
    const type = message.type;
    const requestId = message.requestId;
    if (typeof type !== 'string' || !DECODE_REQUESTS.has(type) || typeof requestId !== 'number') return false;
    const answer = (result: object): void => post({ type: 'response', requestId, ok: true, result });
    const refuse = (text: string): void => post({ type: 'response', requestId, ok: false, error: { message: text } });
    switch (type) {
      case 'getDecoded': {
        const seq = message.seq as number;
        this.decodedRequests.push(seq);
        const decoded = this.decodeSeq(seq);
        answer(decoded ? { seq, decoded } : { seq });
        break;
      }
      case 'getSummaries': {
        const seqs = message.seqs as number[];
        this.summaryRequests.push(seqs);
        const decoded = seqs.map((seq) => this.decodeSeq(seq));
        answer({ summaries: decoded.map((d) => d?.summary ?? null), formats: decoded.map((d) => d?.format ?? null) });
        break;
      }
      case 'setDecodeSettings': {
        const { type: _type, requestId: _id, ...settings } = message;
        this.settings = settings as DecodeSettings;
        answer({ settings: this.settings });
        break;
      }
      case 'layerSend': {
        const { type: _type, requestId: _id, ...form } = message;
        this.sent.push(form as unknown as LayerSendForm);
        if (this.layerSendError !== undefined) refuse(this.layerSendError);
        else answer({ bytes: 42 });
        break;
      }
    }
    return true;
  }
}
