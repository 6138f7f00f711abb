// What a panel reads its messages as beyond bytes: the decode settings (layer detection, codec rules,
// .proto files), the protocol layer of the connection on screen (LayerAttachment: chosen or detected,
// spoken only on connections we open) and the decoded entries (EntryDecoding, with its cache). The
// settings belong to the panel: a reconnect, another peer of a listener or either leg of a proxy pair
// is read the same way. Posts `decodeState` when the webview is ready and on every change.
import type { DecodeSettings } from '../../shared/decode/decodeSettings';
import { normalizeDecodeSettings } from '../../shared/decode/decodeSettingsCheck';
import type { DecodedMessage } from '../../shared/decode/decoded';
import type { Direction, Kind } from '../../shared/logModel';
import type { DecodeEvents } from '../../shared/protocol/decode';
import { Disposable, Emitter, toDisposable, type Event, type IDisposable } from '../core/base/dispose';
import type { Connection } from '../core/connection/connectionTypes';
// The registries' index modules import every codec and layer, so each has registered itself.
import { codecFactories } from '../core/decode';
import { layerFactory } from '../core/layers';
import type { AckKeyReader } from '../core/timing';
import { EntryDecoding, type ProtoSchemaLoader } from '../core/decode/entryDecoding';
import { editableMessage, encodeEdited, type EditableResult } from '../core/decode/editableMessage';
import { LayerAttachment, type LayerChoice } from '../core/layers/layerAttachment';
import type { LayerSession } from '../core/layers/protocolLayer';
import type { ShownLog } from './panelContext';
import type { FieldSource } from './logFilter';

export type { LayerChoice } from '../core/layers/layerAttachment';

/** How a panel starts reading its messages. */
export interface PanelDecodingOptions {
  /** Decode settings to start with (a session file's view.decode and layer, the connect command's choice). */
  readonly decode?: DecodeSettings;
  /** The layer's own settings (a session file's `connection.layer`, secrets filled in), used while that layer is chosen. */
  readonly layerSettings?: LayerChoice;
  /** Loads .proto files (bound by the extension to the workspace). */
  readonly loadProtoSchemas?: ProtoSchemaLoader;
}

/** The decode state of one panel. */
export class PanelDecoding extends Disposable implements FieldSource {
  private readonly decoding: EntryDecoding;
  private attachment: LayerAttachment | undefined;
  private attachmentSubscription: IDisposable | undefined;
  private layerSettings: LayerChoice | undefined;
  private statePost: ReturnType<typeof setImmediate> | undefined;
  /** The layer choice and detection the attachment was made with (undefined: not attached yet). */
  private tracked: { layer: string | undefined; detect: boolean } | undefined;
  private readonly changeEmitter = this.register(new Emitter<void>());
  /** Fires when the settings or the layer (found, status) change. */
  readonly onDidChange: Event<void> = this.changeEmitter.event;

  constructor(
    /** The log and connection on screen, and where to post. */
    private readonly shown: ShownLog<DecodeEvents> & { readonly connection: Connection },
    /** Whether the connection on screen is one we opened, so its layer is spoken (else only decoded). */
    private readonly speaks: () => boolean,
    options: PanelDecodingOptions = {},
  ) {
    super();
    this.decoding = new EntryDecoding(options.loadProtoSchemas ? { loadProtoSchemas: options.loadProtoSchemas } : {});
    this.layerSettings = options.layerSettings;
    this.register(toDisposable(() => this.detach()));
    this.register(toDisposable(() => this.statePost && clearImmediate(this.statePost)));
    const initial = { ...(options.layerSettings ? { layer: options.layerSettings.id } : {}), ...options.decode };
    // Without .proto files the settings apply at once, so the first rows and the layer see them.
    void this.decoding.setSettings(normalizeDecodeSettings(initial)).then(() => {
      if (this.isDisposed) return;
      this.retrackIfChanged();
      this.changed();
    });
  }

  /** The settings in force. */
  get settings(): DecodeSettings {
    return this.decoding.settings;
  }

  /** The chosen layer with its settings, for saving (`connection.layer`); undefined when none is chosen. */
  get layerChoice(): LayerChoice | undefined {
    const id = this.settings.layer;
    if (!id) return undefined;
    return this.layerSettings?.id === id ? this.layerSettings : { id };
  }

  /** The protocol layer of the connection on screen, chosen or detected. */
  get layerId(): string | undefined {
    return this.attachment?.layerId;
  }

  /** How the layer of the connection on screen marks acknowledgements, for the Timing panel. */
  get ackKeys(): AckKeyReader | undefined {
    const id = this.attachment?.layerId;
    return id ? layerFactory(id)?.decoder.ackKey : undefined;
  }

  /** The session speaking the layer on the connection on screen, if one was started. */
  get layerSession(): LayerSession | undefined {
    return this.attachment?.session;
  }

  /**
   * Sets the settings the layer starts with while it is chosen (a session's `connection.layer`, its
   * secrets filled in); they apply from the next connection on (a reconnect), the current one keeps its session.
   */
  setLayerSettings(choice: LayerChoice | undefined): void {
    this.layerSettings = choice;
  }

  /** Message types the loaded .proto files offer (when the loader lists them), and why they did not load. */
  get protoSchemas(): { readonly messageTypes?: readonly string[]; readonly problem?: string } {
    const types = this.decoding.messageTypes;
    const problem = this.decoding.protoProblem;
    return { ...(types ? { messageTypes: types } : {}), ...(problem !== undefined ? { problem } : {}) };
  }

  /** Replaces the settings; resolves once they apply (after .proto files loaded). */
  async setSettings(settings: DecodeSettings): Promise<DecodeSettings> {
    await this.decoding.setSettings(normalizeDecodeSettings(settings));
    if (this.isDisposed) return this.settings;
    this.retrackIfChanged();
    this.changed();
    return this.settings;
  }

  /** Loads the .proto files again (one changed on disk). */
  async reloadSchemas(): Promise<void> {
    await this.decoding.reloadSchemas();
    if (!this.isDisposed) this.changed();
  }

  /** Follows the connection now on screen: its layer is found again (a reconnect starts the session again). */
  track(): void {
    const connection = this.shown.connection;
    this.detach();
    const s = this.settings;
    this.tracked = { layer: s.layer, detect: s.detectLayer !== false };
    const choice = s.layer ? this.layerChoice : undefined;
    this.attachment = new LayerAttachment(connection, {
      ...(choice ? { choice } : {}),
      detect: s.detectLayer !== false,
      speak: this.speaks(),
    });
    this.attachmentSubscription = this.attachment.onDidChange(() => this.changed());
    // Another connection may have another layer (a chosen one is known at once): listeners look again.
    this.changeEmitter.fire();
  }

  /** Entry `seq` of the log on screen, decoded; undefined when nothing applies. */
  decode(seq: number): DecodedMessage | undefined {
    return this.decoding.decode(this.shown.log, seq, this.attachment?.decoder);
  }

  /** Summaries of entries of the log on screen, in order (null where nothing applies). */
  summaries(seqs: readonly number[]): (string | null)[] {
    return this.decoding.summaries(this.shown.log, seqs, this.attachment?.decoder);
  }

  /** For the filter: the fields of one entry, or undefined when nothing decodes it (not cached: a scan visits every entry). */
  fieldsOf(direction: number, kind: number, payload: Uint8Array): Readonly<Record<string, string>> | undefined {
    const decoded = this.decodePayload(direction, kind, payload);
    return decoded ? EntryDecoding.fieldsOf(decoded) : undefined;
  }

  /** One payload decoded as an entry of the log on screen would be (not cached): exports, the filter. */
  decodePayload(direction: number, kind: number, payload: Uint8Array): DecodedMessage | undefined {
    return this.decoding.decodeInput({ direction: direction as Direction, kind: kind as Kind, payload }, this.attachment?.decoder);
  }

  /** One message of the connection on screen as JSON to edit (a held proxy message), or why it stays bytes. */
  editable(direction: number, kind: number, payload: Uint8Array): EditableResult {
    return editableMessage(this.decoding, { direction: direction as Direction, kind: kind as Kind, payload }, this.attachment?.decoder);
  }

  /** The JSON `editable` gave for this message, edited, encoded back; throws a SocketInspectorError naming a mistake. */
  encodeEdited(text: string, direction: number, kind: number, payload: Uint8Array): Uint8Array {
    return encodeEdited(this.decoding, text, { direction: direction as Direction, kind: kind as Kind, payload }, this.attachment?.decoder);
  }

  /** The composer's JSON encoded with the codec that reads whole messages of `direction` (see EntryDecoding.encodeOutgoing). */
  encodeOutgoing(text: string, direction: 'in' | 'out'): Uint8Array {
    return this.decoding.encodeOutgoing(text, direction);
  }

  /** Whether anything may decode the messages on screen: a layer (chosen or detected) or a codec rule. */
  get decodes(): boolean {
    return this.attachment?.decoder !== undefined || (this.settings.codecs?.length ?? 0) > 0;
  }

  /** Posts `decodeState` now (on ready the answer to `ready` goes first: see postSoon). */
  post(): void {
    if (!this.shown.live) return;
    const status = this.attachment?.status;
    const types = this.decoding.messageTypes;
    const problem = this.decoding.protoProblem;
    this.shown.events.sendEvent('decodeState', {
      settings: this.settings,
      ...(status !== undefined ? { layerStatus: status } : problem !== undefined ? { layerStatus: `.proto files: ${problem}` } : {}),
      codecs: codecFactories().map((f) => f.id),
      ...(types ? { messageTypes: types } : {}),
    });
  }

  /** Posts `decodeState` after the current turn (after the answer to `ready`, or a snapshot). */
  postSoon(): void {
    if (this.statePost || this.isDisposed) return;
    this.statePost = setImmediate(() => {
      this.statePost = undefined;
      this.post();
    });
  }

  /** Attaches again when the layer choice or detection changed since the attachment was made. */
  private retrackIfChanged(): void {
    const s = this.settings;
    if (this.tracked && (this.tracked.layer !== s.layer || this.tracked.detect !== (s.detectLayer !== false))) this.track();
  }

  private changed(): void {
    this.post();
    this.changeEmitter.fire();
  }

  private detach(): void {
    this.attachmentSubscription?.dispose();
    this.attachmentSubscription = undefined;
    this.attachment?.dispose();
    this.attachment = undefined;
  }
}
