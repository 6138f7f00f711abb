// The panel's decoding as the extension sees it (decode settings, the chosen layer, .proto files, decoding
// one payload for an export), forwarded to PanelDecoding. A base of PanelController so that its callers
// keep asking the controller, while panelController.ts keeps to coordinating the panel.
import type { DecodeSettings } from '../../shared/decode/decodeSettings';
import type { DecodedMessage } from '../../shared/decode/decoded';
import type { RequestHandlers } from '../../shared/messageHandler';
import type { DecodeRequests, LayerSendForm } from '../../shared/protocol/decode';
import type { SendRequests } from '../../shared/protocol/send';
import { Disposable, type Event } from '../core/base/dispose';
import type { LayerChoice, PanelDecoding } from './panelDecoding';

/** The decoding members of a panel controller. */
export abstract class DecodingPanel extends Disposable {
  /** What reads the messages beyond bytes (protocol layer, payload codecs) when rows are shown. */
  protected abstract readonly decoding: PanelDecoding;
  /** The webview's decode and send requests, also reached from the host (the extension's API: inspector(id)). */
  protected abstract readonly apiRequests: RequestHandlers<DecodeRequests & SendRequests>;

  /** Sends a layer composer form as the webview's composer does (checked the same way); resolves with the bytes written. */
  async layerSend(form: LayerSendForm): Promise<{ bytes: number }> {
    return this.apiRequests.layerSend(form);
  }

  /** Sends what a composer holds as the webview's Send does (`encode`: with the panel's payload codec); resolves with the bytes sent. */
  async send(params: SendRequests['send']['params']): Promise<{ bytes: number; peers?: number }> {
    return this.apiRequests.send(params);
  }

  /** Entry `seq` of the log on screen as the Decoded tab gets it; undefined when nothing decodes it. */
  async decoded(seq: number): Promise<DecodedMessage | undefined> {
    return (await this.apiRequests.getDecoded({ seq })).decoded;
  }

  /** The rows' one-line summaries of the log on screen, as the webview gets them; null where nothing applies. */
  async summaries(seqs: readonly number[]): Promise<readonly (string | null)[]> {
    return (await this.apiRequests.getSummaries({ seqs })).summaries;
  }

  /** How the panel reads messages beyond bytes: layer, detection, codec rules, .proto files. */
  get decodeSettings(): DecodeSettings {
    return this.decoding.settings;
  }

  /** The chosen protocol layer with its settings (for `connection.layer` in a session file). */
  get layerChoice(): LayerChoice | undefined {
    return this.decoding.layerChoice;
  }

  /** Fires when the decode settings or the layer's state change. */
  get onDidChangeDecoding(): Event<void> {
    return this.decoding.onDidChange;
  }

  /** Changes how messages are read; resolves with the settings in force once .proto files loaded. */
  setDecodeSettings(settings: DecodeSettings): Promise<DecodeSettings> {
    return this.decoding.setSettings(settings);
  }

  /** The layer's own settings (secrets filled in) for the connections a reconnect makes. */
  setLayerSettings(choice: LayerChoice | undefined): void {
    this.decoding.setLayerSettings(choice);
  }

  /** Whether a layer or codec rule decodes the messages on screen. */
  get decodes(): boolean {
    return this.decoding.decodes;
  }

  /** One payload decoded as an entry of the log on screen (for exports); undefined when nothing applies. */
  decodePayload(direction: number, kind: number, payload: Uint8Array): DecodedMessage | undefined {
    return this.decoding.decodePayload(direction, kind, payload);
  }

  /** The message types of the loaded .proto files, or why they did not load. */
  get protoSchemas(): { readonly messageTypes?: readonly string[]; readonly problem?: string } {
    return this.decoding.protoSchemas;
  }

  /** Loads the .proto files again (one changed on disk); rows decode anew. */
  reloadProtoSchemas(): Promise<void> {
    return this.decoding.reloadSchemas();
  }
}
