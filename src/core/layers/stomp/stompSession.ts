// The STOMP layer speaking on one connection: CONNECT when the connection opens, CONNECTED read for the
// version and heart-beats, heart-beats kept both ways, receipts paired with the frame that asked, ERROR
// frames in the status. It reads the log only through onDidAppend (parsing at once, keeping no views)
// and adds notes (Kind.Note) after the entries they speak of; it never changes what was recorded.
import { Disposable, Emitter } from '../../base/dispose';
import type { Connection } from '../../connection/connectionTypes';
import { SocketInspectorError } from '../../../../shared/errors';
import type { LayerSendForm } from '../../../../shared/decode/layerForms';
import { Direction, Kind } from '../../../../shared/logModel';
import type { LayerSession } from '../protocolLayer';
import { encodeStompFrame } from './stompEncoder';
import { headerValue, STOMP_SUBPROTOCOLS, type StompFrame, type StompHeader, type StompVersion } from './stompFrame';
import { frameOfForm, isStompForm } from './stompFormFrame';
import { HeartBeatTimers, negotiateHeartBeat, parseHeartBeat, SILENCE_FACTOR } from './stompHeartBeat';
import { headerPairs, parseStomp, type ParsedFrame } from './stompParser';
import { isQuietMessage } from './quietMessage';
import { StompReader } from './stompReader';
import { ReceiptBook } from './stompReceipts';
import { DEFAULT_ACCEPT_VERSION, DEFAULT_HEART_BEAT, DEFAULT_VIRTUAL_HOST, type StompSettings } from './stompSettings';

/** Most destinations whose subscription id we remember (for UNSUBSCRIBE by destination). */
const MAX_SUBSCRIPTIONS = 1024;
/** Most notes waiting for the end of the current append. */
const MAX_QUEUED_NOTES = 256;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A duration in a note: 0.042 ms, 2.1 ms, 250 ms, 1.25 s. */
function ms(value: number): string {
  if (value < 1) return `${value.toFixed(3)} ms`;
  if (value < 100) return `${value.toFixed(1)} ms`;
  if (value < 1000) return `${Math.round(value)} ms`;
  return `${(value / 1000).toFixed(2)} s`;
}

type Phase = 'waiting' | 'connecting' | 'connected' | 'disconnecting' | 'disconnected' | 'failed' | 'closed';

/** A note, and the entry it speaks of when it starts with ↑. */
interface QueuedNote {
  readonly text: string;
  readonly about?: number;
}

export class StompSession extends Disposable implements LayerSession {
  readonly id = 'stomp' as const;
  private phase: Phase = 'waiting';
  private statusText = 'waiting for the connection to open';
  private readonly statusEmitter = this.register(new Emitter<string>());
  readonly onDidChangeStatus = this.statusEmitter.event;

  private readonly reader = new StompReader();
  private readonly receipts = new ReceiptBook();
  private readonly subscriptions = new Map<string, string>();
  private subscriptionCount = 0;
  private heartBeat: HeartBeatTimers | undefined;
  /** The version CONNECTED named; until then the newest we accept. */
  private version: StompVersion = '1.2';
  private notes: QueuedNote[] = [];
  private notesScheduled = false;

  constructor(
    private readonly connection: Connection,
    private readonly settings: StompSettings,
  ) {
    super();
    this.register(connection.log.onDidAppend((seq) => this.onAppend(seq)));
    this.register(connection.onDidChangeState((state) => this.onState(state)));
    this.register({ dispose: () => this.stopHeartBeats() });
    this.register({ dispose: () => this.receipts.clear() });
    if (connection.state === 'open') this.begin();
  }

  get status(): string {
    return this.statusText;
  }

  /** The version in use: the one CONNECTED named, once it came. */
  get negotiatedVersion(): StompVersion | undefined {
    return this.phase === 'waiting' || this.phase === 'connecting' ? undefined : this.version;
  }

  /** The heart-beat intervals agreed on (ms; 0 = none), once CONNECTED came. */
  get heartBeatIntervals(): { readonly outgoingMs: number; readonly incomingMs: number } | undefined {
    return this.heartBeat?.intervals;
  }

  private setStatus(text: string): void {
    if (text === this.statusText) return;
    this.statusText = text;
    this.statusEmitter.fire(text);
  }

  private onState(state: Connection['state']): void {
    if (state === 'open' && this.phase === 'waiting') this.begin();
    else if (state === 'closed' || state === 'error') {
      this.stopHeartBeats();
      this.reader.reset();
      if (this.phase !== 'failed' && this.phase !== 'disconnected') this.setStatus('connection closed');
      this.phase = 'closed';
    }
  }

  /** The connection is open: check the subprotocol and say CONNECT. */
  private begin(): void {
    this.phase = 'connecting';
    const ws = this.connection.kind === 'ws' ? (this.connection as Connection & { protocol?: string }) : undefined;
    if (ws && !(STOMP_SUBPROTOCOLS as readonly string[]).includes(ws.protocol ?? '')) {
      const chose = ws.protocol ? `chose the subprotocol "${ws.protocol}"` : 'chose no subprotocol';
      this.queueNote({ text: `STOMP: the server ${chose} (STOMP's are ${STOMP_SUBPROTOCOLS.join(', ')}); speaking STOMP anyway` });
    }
    const [outgoing, incoming] = this.settings.heartBeat ?? DEFAULT_HEART_BEAT;
    const headers: StompHeader[] = [
      ['accept-version', this.settings.acceptVersion ?? DEFAULT_ACCEPT_VERSION],
      ['host', this.settings.host ?? DEFAULT_VIRTUAL_HOST],
    ];
    if (this.settings.login !== undefined) headers.push(['login', this.settings.login]);
    if (this.settings.passcode !== undefined) headers.push(['passcode', this.settings.passcode]);
    headers.push(['heart-beat', `${outgoing},${incoming}`]);
    try {
      this.write({ command: 'CONNECT', headers, body: new Uint8Array(0) });
      this.setStatus('CONNECT sent, waiting for CONNECTED');
    } catch (e) {
      this.phase = 'failed';
      this.setStatus(`could not send CONNECT: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Encodes and sends one frame: a text message when it is UTF-8 (binary otherwise), raw bytes on TCP. */
  private write(frame: StompFrame): number {
    const bytes = encodeStompFrame(frame, this.version);
    if (this.connection.kind !== 'ws') {
      this.connection.sendBytes(bytes);
      return bytes.length;
    }
    let text: string | undefined;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      text = undefined;
    }
    if (text !== undefined) this.connection.sendText(text);
    else this.connection.sendBytes(bytes);
    return bytes.length;
  }

  async send(form: LayerSendForm): Promise<{ bytes: number }> {
    if (!isStompForm(form)) throw new SocketInspectorError('PROTOCOL', `This connection speaks STOMP; a ${form.layer} form cannot be sent on it`);
    if (this.phase !== 'connected') {
      const why = this.phase === 'connecting' ? 'no CONNECTED frame yet' : this.phase === 'waiting' ? 'the connection is not open' : this.statusText;
      throw new SocketInspectorError('NOT_OPEN', `STOMP is not connected (${why})`);
    }
    const frame = frameOfForm(form, {
      version: this.version,
      newSubscriptionId: () => `sub-${this.subscriptionCount++}`,
      subscriptionIdOf: (destination) => this.subscriptions.get(destination),
    });
    const bytes = this.write(frame);
    const destination = headerValue(frame.headers, 'destination');
    const id = headerValue(frame.headers, 'id');
    if (frame.command === 'SUBSCRIBE' && destination !== undefined && id !== undefined) {
      this.subscriptions.delete(destination);
      this.subscriptions.set(destination, id);
      if (this.subscriptions.size > MAX_SUBSCRIPTIONS) this.subscriptions.delete(this.subscriptions.keys().next().value as string);
    } else if (frame.command === 'UNSUBSCRIBE') {
      for (const [d, i] of this.subscriptions) if (i === id) this.subscriptions.delete(d);
    }
    return { bytes };
  }

  /** Every entry of the log, as it is appended: our own frames (receipts asked, heart-beat clock) and the server's. */
  private onAppend(seq: number): void {
    const log = this.connection.log;
    const kind = log.kind(seq);
    if (kind !== Kind.Text && kind !== Kind.Binary && kind !== Kind.Data) return;
    const direction = log.direction(seq);
    const payload = log.payload(seq);
    if (payload === undefined) return;
    const mono = log.monoTime(seq);
    if (direction === Direction.Out) this.onSent(seq, payload, mono);
    else if (direction === Direction.In) this.onReceived(seq, payload, mono);
  }

  private onSent(seq: number, payload: Uint8Array, mono: number): void {
    this.heartBeat?.noteSent(mono);
    // Frames sent by the composer's raw modes count too: whoever sent it, a receipt answers it.
    for (const item of parseStomp(payload, { version: this.version }).items) {
      if (item.type !== 'frame') continue;
      const receipt = headerValue(headerPairs(item), 'receipt');
      if (receipt !== undefined) this.receipts.ask(receipt, { seq, command: item.command, monoTime: mono });
      if (item.command === 'DISCONNECT' && this.phase === 'connected') {
        this.phase = 'disconnecting';
        this.stopHeartBeats();
        this.setStatus(receipt !== undefined ? `DISCONNECT sent, waiting for receipt ${receipt}` : 'DISCONNECT sent');
      }
    }
  }

  private onReceived(seq: number, payload: Uint8Array, mono: number): void {
    this.heartBeat?.noteReceived(mono);
    // On the ingest path: a whole MESSAGE frame between frames asks for nothing (quietMessage.ts).
    if (this.reader.heldBytes === 0 && isQuietMessage(payload)) return;
    const { items, error } = this.reader.push(payload);
    for (const item of items) if (item.type === 'frame') this.onFrame(item, seq, mono);
    if (error) {
      this.queueNote({ text: `↑ STOMP: malformed input from the server, dropped (${error.message}, at byte ${error.offset} of what was read)`, about: seq });
    }
  }

  private onFrame(frame: ParsedFrame, seq: number, mono: number): void {
    const headers = headerPairs(frame);
    switch (frame.command) {
      case 'CONNECTED':
        this.onConnected(headers);
        break;
      case 'RECEIPT': {
        const id = headerValue(headers, 'receipt-id');
        if (id === undefined) {
          this.queueNote({ text: '↑ RECEIPT without a receipt-id header', about: seq });
          break;
        }
        this.pairReceipt('receipt', id, seq, mono);
        break;
      }
      case 'ERROR': {
        const message = headerValue(headers, 'message') ?? '(no message header)';
        this.phase = 'failed';
        this.stopHeartBeats();
        this.setStatus(`ERROR: ${message}`);
        const id = headerValue(headers, 'receipt-id');
        if (id !== undefined) this.pairReceipt('ERROR', id, seq, mono);
        break;
      }
      default:
        break;
    }
  }

  private onConnected(headers: readonly StompHeader[]): void {
    const version = headerValue(headers, 'version') ?? '1.0';
    this.version = version === '1.2' || version === '1.1' ? version : '1.0';
    this.reader.version = this.version;
    this.phase = 'connected';
    this.stopHeartBeats();
    const intervals = negotiateHeartBeat(this.settings.heartBeat ?? DEFAULT_HEART_BEAT, parseHeartBeat(headerValue(headers, 'heart-beat')));
    this.heartBeat = new HeartBeatTimers(intervals, {
      sendBeat: () => this.sendBeat(),
      serverSilent: (quietMs) => {
        const text = `no heart-beat from the server for ${SILENCE_FACTOR}× ${intervals.incomingMs} ms`;
        this.setStatus(text);
        this.queueNote({ text: `STOMP: ${text} (nothing received for ${ms(quietMs)})` });
      },
      serverHeard: (afterMs) => {
        this.setStatus(this.connectedStatus());
        this.queueNote({ text: `STOMP: the server is heard again after ${ms(afterMs)} of silence` });
      },
    });
    this.setStatus(this.connectedStatus());
  }

  private connectedStatus(): string {
    const hb = this.heartBeat?.intervals;
    const beats = hb && (hb.outgoingMs > 0 || hb.incomingMs > 0) ? ` · heart-beat out ${hb.outgoingMs || 'none'}${hb.outgoingMs ? ' ms' : ''}, in ${hb.incomingMs || 'none'}${hb.incomingMs ? ' ms' : ''}` : ' · no heart-beats';
    return `connected · STOMP ${this.version}${beats}`;
  }

  private sendBeat(): void {
    if (this.connection.state !== 'open') return;
    try {
      if (this.connection.kind === 'ws') this.connection.sendText('\n');
      else this.connection.sendBytes(new Uint8Array([0x0a]));
    } catch {
      // The connection closed under us; onState stops the clock.
    }
  }

  private pairReceipt(what: 'receipt' | 'ERROR', id: string, seq: number, mono: number): void {
    const request = this.receipts.answer(id);
    if (request === undefined) {
      this.queueNote({ text: `↑ ${what} ${id} answers no frame seen asking for it`, about: seq });
      return;
    }
    const after = ms(mono - request.monoTime);
    const text =
      what === 'receipt'
        ? `↑ receipt ${id} for #${request.seq} (${request.command}) after ${after}`
        : `↑ ERROR answers #${request.seq} (${request.command}, receipt ${id}) after ${after}`;
    this.queueNote({ text, about: seq });
    if (request.command === 'DISCONNECT' && what === 'receipt') {
      this.phase = 'disconnected';
      this.setStatus(`disconnected (receipt ${id})`);
    }
  }

  /**
   * Notes are written once the append in progress is over (the log is in the middle of a batch while
   * it tells us). A note about an entry starts with ↑ only when it lands right after that entry.
   */
  private queueNote(note: QueuedNote): void {
    if (this.notes.length >= MAX_QUEUED_NOTES) return;
    this.notes.push(note);
    if (this.notesScheduled) return;
    this.notesScheduled = true;
    queueMicrotask(() => this.flushNotes());
  }

  private flushNotes(): void {
    this.notesScheduled = false;
    const notes = this.notes;
    this.notes = [];
    if (this.isDisposed) return;
    const log = this.connection.log;
    // The last note written here and the entry it was about: notes about one entry follow each other.
    let lastSeq: number | undefined;
    let lastAbout: number | undefined;
    for (const note of notes) {
      let text = note.text;
      if (note.about !== undefined && text.startsWith('↑ ')) {
        const previous = log.nextSeq - 1;
        const adjacent = previous === note.about || (previous === lastSeq && lastAbout === note.about);
        if (!adjacent) text = `${text.slice(2)} (about #${note.about})`;
      }
      lastSeq = log.appendText(Direction.Meta, Kind.Note, text);
      lastAbout = note.about;
    }
  }

  private stopHeartBeats(): void {
    this.heartBeat?.dispose();
    this.heartBeat = undefined;
  }
}
