// Which protocol layer one connection speaks, and the LayerSession speaking it. The layer is the one
// chosen (session file `connection.layer`, the connect command), or, unless detection is off, the one
// the wire shows: the handshake's path and subprotocol once open, else the first message received. A
// session is started only where `speak` says so (connections we open); a listener's peers and a proxy
// pair's legs are decoded with the layer but never spoken for. Detection reads the log only in
// onDidAppend, synchronously, and stops listening as soon as it has decided.
import type { LayerId } from '../../../shared/decode/decoded';
import { Direction } from '../../../shared/logModel';
import { Disposable, Emitter, type Event, type IDisposable } from '../base/dispose';
import type { Connection } from '../connection/connectionTypes';
import { isDecodable } from '../decode/entryDecoding';
import { detectLayer, layerFactory, type LayerEvidence, type LayerFactory } from './layerRegistry';
import type { LayerDecoder, LayerSession } from './protocolLayer';

/** A chosen layer and its settings (already checked by the layer's parseSettings; absent: its defaults). */
export interface LayerChoice {
  readonly id: LayerId;
  readonly settings?: unknown;
}

export interface LayerAttachmentOptions {
  /** The layer chosen for the connection; undefined lets detection find one. */
  readonly choice?: LayerChoice;
  /** Whether to detect a layer when none is chosen. */
  readonly detect: boolean;
  /** Whether to start a LayerSession (connections we open), or only decode (peers, proxy legs). */
  readonly speak: boolean;
}

/** Most entries looked at for a first received message when attaching to a log that has some already. */
const FIRST_MESSAGE_LOOKAHEAD = 64;

/** The request path of a WebSocket handshake (`GET /socket.io/?EIO=4 HTTP/1.1` → `/socket.io/?EIO=4`). */
function requestPath(connection: Connection): string | undefined {
  const line = connection.handshake?.requestLine;
  return line?.split(' ')[1];
}

/** The WebSocket subprotocol the server chose, when there is one. */
function subprotocol(connection: Connection): string | undefined {
  const protocol = (connection as { protocol?: unknown }).protocol;
  return typeof protocol === 'string' && protocol !== '' ? protocol : undefined;
}

/** The protocol layer of one connection: which, and its speaking session. Dispose with the connection. */
export class LayerAttachment extends Disposable {
  private factory: LayerFactory<unknown> | undefined;
  /** The chosen layer's settings: some packets decode only with them (an MQTT packet's protocol version). */
  private layerSettings: unknown;
  private boundDecoder: LayerDecoder | undefined;
  private layerSession: LayerSession | undefined;
  private sessionSubscription: IDisposable | undefined;
  private watching: IDisposable[] = [];
  private lastStatus: string | undefined;
  private detected = false;
  private readonly changeEmitter = this.register(new Emitter<void>());
  /** Fires when the layer is found or its status changes. */
  readonly onDidChange: Event<void> = this.changeEmitter.event;

  constructor(
    readonly connection: Connection,
    private readonly options: LayerAttachmentOptions,
  ) {
    super();
    if (options.choice) {
      const factory = layerFactory(options.choice.id);
      if (factory) this.take(factory, options.choice.settings);
      else this.lastStatus = `The ${options.choice.id} layer is not available in this build.`;
    } else if (options.detect) {
      this.startDetection();
    }
  }

  /** The layer's id, chosen or detected; undefined while none is known. */
  get layerId(): LayerId | undefined {
    return this.factory?.id;
  }

  /** The decoder of the layer, for display. */
  get decoder(): LayerDecoder | undefined {
    const factory = this.factory;
    if (!factory || this.layerSettings === undefined) return factory?.decoder;
    if (this.boundDecoder?.id !== factory.id) {
      const decoder = factory.decoder;
      const settings = this.layerSettings;
      this.boundDecoder = {
        id: decoder.id,
        decode: (input) => decoder.decode({ ...input, settings }),
        ...(decoder.summarize ? { summarize: (input) => decoder.summarize!({ ...input, settings }) } : {}),
        ...(decoder.toEditableText ? { toEditableText: (input) => decoder.toEditableText!({ ...input, settings }) } : {}),
        ...(decoder.fromEditableText ? { fromEditableText: (text, input) => decoder.fromEditableText!(text, { ...input, settings }) } : {}),
      };
    }
    return this.boundDecoder;
  }

  /** The session speaking the layer, when one was started. */
  get session(): LayerSession | undefined {
    return this.layerSession;
  }

  /** A short state for the toolbar: the session's, or what is known without one. */
  get status(): string | undefined {
    if (this.layerSession) return this.layerSession.status;
    if (this.lastStatus !== undefined) return this.lastStatus;
    if (!this.factory) return undefined;
    return this.detected ? `${this.factory.label} (detected)` : this.factory.label;
  }

  override dispose(): void {
    this.stopDetection();
    this.endSession();
    super.dispose();
  }

  private take(factory: LayerFactory<unknown>, settings: unknown): void {
    this.factory = factory;
    this.layerSettings = settings;
    this.boundDecoder = undefined;
    if (!this.options.speak) return;
    const c = this.connection;
    if (c.state === 'closed' || c.state === 'error') return;
    try {
      this.layerSession = factory.start(c, settings ?? factory.parseSettings({}, 'connection.layer'));
    } catch (e) {
      this.lastStatus = `${factory.label} did not start: ${e instanceof Error ? e.message : String(e)}`;
      return;
    }
    this.sessionSubscription = this.layerSession.onDidChangeStatus(() => this.changeEmitter.fire());
    // The session ends with the connection; its last status stays on show.
    this.watching.push(
      c.onDidChangeState((state) => {
        if (state === 'closed' || state === 'error') this.endSession();
      }),
    );
  }

  private endSession(): void {
    if (this.layerSession) this.lastStatus = this.layerSession.status;
    this.sessionSubscription?.dispose();
    this.sessionSubscription = undefined;
    this.layerSession?.dispose();
    this.layerSession = undefined;
  }

  private startDetection(): void {
    const c = this.connection;
    const log = c.log;
    // Attached to a log that already holds messages (a peer shown later, a reconnect): decide from those.
    const end = Math.min(log.nextSeq, log.firstSeq + FIRST_MESSAGE_LOOKAHEAD);
    for (let seq = log.firstSeq; seq < end; seq++) {
      if (this.isFirstMessage(seq)) {
        this.decide(log.payload(seq));
        return;
      }
    }
    if (c.state === 'open' && this.tryDetect({})) return;
    this.watching.push(
      c.onDidChangeState((state) => {
        if (state === 'open') this.tryDetect({});
      }),
      log.onDidAppend((seq) => {
        if (this.isFirstMessage(seq)) this.decide(log.payload(seq));
      }),
    );
  }

  private isFirstMessage(seq: number): boolean {
    const log = this.connection.log;
    const direction = log.direction(seq);
    return direction === Direction.In && isDecodable(direction, log.kind(seq)!);
  }

  /** The first message decides: a layer detected now, or none. */
  private decide(firstMessage: Uint8Array | undefined): void {
    if (!this.tryDetect(firstMessage ? { firstMessage } : {})) this.stopDetection();
  }

  private tryDetect(extra: Pick<LayerEvidence, 'firstMessage'>): boolean {
    if (this.factory || this.isDisposed) return true;
    const path = requestPath(this.connection);
    const protocol = subprotocol(this.connection);
    const evidence: LayerEvidence = { ...(path ? { path } : {}), ...(protocol ? { subprotocol: protocol } : {}), ...extra };
    const factory = detectLayer(evidence);
    if (!factory) return false;
    this.stopDetection();
    this.detected = true;
    this.take(factory, undefined);
    this.changeEmitter.fire();
    return true;
  }

  private stopDetection(): void {
    for (const d of this.watching) d.dispose();
    this.watching = [];
  }
}
