// The Socket.IO layer speaking on one WebSocket connection: waits for the Engine.IO open packet,
// connects the namespaces with the auth payload, answers pings (unless told not to), emits the
// composer's events, pairs ACKs with their events and joins binary attachments to their packet.
//
// It reads the log only through onDidAppend, copying what it needs there, and acts a microtask later:
// sending or noting from inside the listener would append while the log is still announcing an entry.
import type { DecodedMessage } from '../../../../shared/decode/decoded';
import type { LayerSendForm } from '../../../../shared/decode/layerForms';
import { inputError } from '../../../../shared/codecs/inputError';
import { SocketInspectorError } from '../../../../shared/errors';
import { Direction, Kind, type ConnectionState } from '../../../../shared/logModel';
import { Disposable, Emitter, toDisposable } from '../../base/dispose';
import type { WebSocketConnection } from '../../connection/connectionTypes';
import type { LayerSession } from '../protocolLayer';
import { AckPairs, type SocketIoAckPair } from './ackPairs';
import { AttachmentJoins, type AttachmentJoin } from './attachmentJoins';
import { compactJson, jsonMember, parseJsonText } from './jsonText';
import { encodeSioPacket, EngineType, isQuietEvent, parseEngineText, SioType, type SioPacket } from './packetCodec';
import { decodeAttachment, decodeText } from './packetDecode';
import { namespaceProblem, namespacesOf, type SocketIoSettings } from './socketIoSettings';

/** How much of a text message the session reads: the header and the start of the payload are all it acts on. */
const READ_PREFIX_BYTES = 4096;
/** How long send() waits for a namespace's CONNECT answer. */
const CONNECT_WAIT_MS = 10_000;
/** Before the open packet says otherwise (Engine.IO's defaults). */
const DEFAULT_PING_INTERVAL_MS = 25_000;
const DEFAULT_PING_TIMEOUT_MS = 20_000;

type Item =
  | { readonly what: 'text'; readonly seq: number; readonly direction: 'in' | 'out'; readonly text: string; readonly mono: number }
  | { readonly what: 'binary'; readonly seq: number; readonly direction: 'in' | 'out' }
  | { readonly what: 'state'; readonly state: ConnectionState };

interface Waiter {
  readonly namespace: string;
  resolve(): void;
  reject(e: SocketInspectorError): void;
}

/** "0.412 ms", "3.2 ms", "120 ms", "1.50 s". */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** "/", "/ and /chat", "/, /a and /b". */
function listNamespaces(list: readonly string[]): string {
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
}

export class SocketIoSession extends Disposable implements LayerSession {
  readonly id = 'socketio' as const;
  private statusText = 'waiting for open packet';
  private readonly statusEmitter = this.register(new Emitter<string>());
  readonly onDidChangeStatus = this.statusEmitter.event;

  private readonly acks = new AckPairs();
  private readonly joins = new AttachmentJoins();
  private queue: Item[] = [];
  private flushQueued = false;
  private autoPongOn: boolean;

  /** Engine.IO session: set by the open packet. */
  private sid: string | undefined;
  private pingIntervalMs = DEFAULT_PING_INTERVAL_MS;
  private pingTimeoutMs = DEFAULT_PING_TIMEOUT_MS;
  private opened = false;
  private readonly connected = new Set<string>();
  private readonly connecting = new Set<string>();
  private waiters: Waiter[] = [];
  /** A ping came and no pong went since. */
  private pingUnanswered = false;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  /** Why the server ended the session, kept over the socket's close that follows. */
  private endedBy: string | undefined;
  private nextAckId = 0;

  constructor(
    private readonly connection: WebSocketConnection,
    private readonly settings: SocketIoSettings,
  ) {
    super();
    this.autoPongOn = settings.autoPong ?? true;
    const log = connection.log;
    this.register(
      log.onDidAppend((seq) => {
        const kind = log.kind(seq);
        if (kind !== Kind.Text && kind !== Kind.Binary) return;
        const direction = log.direction(seq);
        if (direction === Direction.Meta || direction === undefined) return;
        const dir = direction === Direction.In ? 'in' : 'out';
        if (kind === Kind.Binary) return this.enqueue({ what: 'binary', seq, direction: dir });
        const payload = log.payload(seq)!;
        // On the ingest path: an EVENT without an ack id asks nothing of the session, so it is not read.
        if (isQuietEvent(payload)) return;
        // A copy (a string) of the first bytes: the log's memory is not ours to keep.
        const text = new TextDecoder().decode(payload.subarray(0, READ_PREFIX_BYTES));
        this.enqueue({ what: 'text', seq, direction: dir, text, mono: log.monoTime(seq) });
      }),
    );
    this.register(connection.onDidChangeState((state) => this.enqueue({ what: 'state', state })));
    this.register(toDisposable(() => this.stopWatchdog()));
    this.register(toDisposable(() => this.rejectWaiters(new SocketInspectorError('NOT_OPEN', 'The Socket.IO layer was turned off'))));
  }

  get status(): string {
    return this.statusText;
  }

  get autoPong(): boolean {
    return this.autoPongOn;
  }

  /** Turns the automatic answer to Engine.IO pings on or off (off: watch the server time us out). */
  setAutoPong(enabled: boolean): void {
    this.autoPongOn = enabled;
  }

  /** The Engine.IO session id from the open packet. */
  get engineSid(): string | undefined {
    return this.sid;
  }

  /** Namespaces connected now, in the order they connected. */
  get namespaces(): readonly string[] {
    return [...this.connected];
  }

  /** ACKs paired with their events, oldest first. */
  ackPairs(): readonly SocketIoAckPair[] {
    return this.acks.list();
  }

  /** The pair a log entry (an event or its ACK) is part of. */
  ackPairOf(seq: number): SocketIoAckPair | undefined {
    return this.acks.pairOf(seq);
  }

  /** The binary packet a log entry is, or is an attachment of, with its attachments' seqs. */
  joinOf(seq: number): AttachmentJoin | undefined {
    return this.joins.joinOf(seq);
  }

  /**
   * A binary packet decoded with its attachments in place of the placeholders, or an attachment with its
   * place (`attachment 1/2 of #15 (chat)`); undefined for other entries (the decoder alone is enough).
   */
  decoded(seq: number): DecodedMessage | undefined {
    const join = this.joins.joinOf(seq);
    const log = this.connection.log;
    const payload = log.payload(seq);
    if (!join || !payload) return undefined;
    if (seq === join.packetSeq) {
      return decodeText(payload, {
        attachment: (num) => {
          const s = join.attachmentSeqs[num];
          return s === undefined ? undefined : { seq: s, bytes: log.payload(s) };
        },
      });
    }
    const index = join.attachmentSeqs.indexOf(seq);
    const name = join.event === '' ? '' : ` (${join.event})`;
    return decodeAttachment(payload.slice(), `${index + 1}/${join.expected} of #${join.packetSeq}${name}`);
  }

  async send(form: LayerSendForm): Promise<{ bytes: number }> {
    if (form.layer !== 'socketio') throw new SocketInspectorError('PROTOCOL', `The Socket.IO layer cannot send a form of the ${form.layer} layer`);
    const namespace = form.namespace === undefined || form.namespace === '' ? (this.settings.namespace ?? '/') : form.namespace;
    const problem = namespaceProblem(namespace);
    if (problem) throw new SocketInspectorError('PROTOCOL', `Namespace: ${problem}`);
    if (typeof form.event !== 'string' || form.event === '') throw new SocketInspectorError('PROTOCOL', 'Enter the event name');
    const args = parseJsonText(form.args);
    if (args.error) throw inputError('INVALID_JSON', 'Invalid JSON in the arguments', form.args, args.error.offset, args.error.reason);
    if (args.node.kind !== 'array') {
      throw inputError('INVALID_JSON', 'The arguments', form.args, args.node.start, 'they are a JSON array, e.g. ["hi", {"to": 3}]');
    }
    const json = [JSON.stringify(form.event), ...args.node.items.map((n) => compactJson(form.args, n))].join(',');
    await this.ready(namespace);
    const ackId = form.ack ? this.nextAckId++ : undefined;
    const text = encodeSioPacket({ type: SioType.Event, namespace, ackId, json: `[${json}]` });
    this.connection.sendText(text);
    return { bytes: Buffer.byteLength(text) };
  }

  /** Resolves once `namespace` is connected, connecting it first if needed. */
  private ready(namespace: string): Promise<void> {
    if (this.connected.has(namespace)) return Promise.resolve();
    if (this.isDisposed) return Promise.reject(new SocketInspectorError('NOT_OPEN', 'The Socket.IO layer was turned off'));
    const state = this.connection.state;
    if (state !== 'open' && state !== 'connecting') {
      return Promise.reject(new SocketInspectorError('NOT_OPEN', 'Cannot emit: the connection is not open'));
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new SocketInspectorError('TIMEOUT', `Namespace ${namespace} did not answer CONNECT within ${CONNECT_WAIT_MS / 1000} s`));
      }, CONNECT_WAIT_MS);
      const waiter: Waiter = {
        namespace,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
      if (this.opened) this.connectNamespace(namespace);
    });
  }

  private settle(namespace: string, error?: SocketInspectorError): void {
    const [done, rest] = [this.waiters.filter((w) => w.namespace === namespace), this.waiters.filter((w) => w.namespace !== namespace)];
    this.waiters = rest;
    for (const w of done) (error ? w.reject(error) : w.resolve());
  }

  private rejectWaiters(error: SocketInspectorError): void {
    const all = this.waiters;
    this.waiters = [];
    for (const w of all) w.reject(error);
  }

  private enqueue(item: Item): void {
    this.queue.push(item);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushQueued = false;
    const items = this.queue;
    this.queue = [];
    for (const item of items) {
      if (this.isDisposed) return;
      if (item.what === 'text') this.onText(item);
      else if (item.what === 'binary') this.onBinary(item.direction, item.seq);
      else this.onState(item.state);
    }
  }

  private setStatus(text: string): void {
    if (text === this.statusText) return;
    this.statusText = text;
    this.statusEmitter.fire(text);
  }

  private connectedStatus(): void {
    if (this.connected.size > 0) this.setStatus(`connected to ${listNamespaces([...this.connected])}`);
    else if (this.connecting.size > 0) this.setStatus(`connecting to ${listNamespaces([...this.connecting])}`);
  }

  /** Appends a note; "↑" when it follows the entry it describes, else it names that entry. */
  private note(aboutSeq: number, text: string): void {
    const log = this.connection.log;
    const adjacent = log.nextSeq - 1 === aboutSeq;
    log.appendText(Direction.Meta, Kind.Note, adjacent ? `↑ ${text}` : `#${aboutSeq}: ${text}`);
  }

  private trySend(text: string): boolean {
    if (this.connection.state !== 'open') return false;
    try {
      this.connection.sendText(text);
      return true;
    } catch {
      return false;
    }
  }

  private onText(item: Extract<Item, { what: 'text' }>): void {
    const parsed = parseEngineText(item.text);
    const p = parsed.packet;
    if (!p) return;
    if (item.direction === 'out') {
      if (p.type === EngineType.Pong) this.pingUnanswered = false;
      if (p.type === EngineType.Message && p.sio) this.onSio('out', p.sio, item, item.text);
      return;
    }
    switch (p.type) {
      case EngineType.Open: {
        const sid = jsonMember(p.open, 'sid');
        const interval = jsonMember(p.open, 'pingInterval');
        const timeout = jsonMember(p.open, 'pingTimeout');
        this.sid = sid?.kind === 'string' ? sid.value : undefined;
        if (interval?.kind === 'number') this.pingIntervalMs = Number(item.text.slice(interval.start, interval.end));
        if (timeout?.kind === 'number') this.pingTimeoutMs = Number(item.text.slice(timeout.start, timeout.end));
        this.opened = true;
        this.endedBy = undefined;
        this.armWatchdog();
        for (const ns of [...namespacesOf(this.settings), ...this.waiters.map((w) => w.namespace)]) this.connectNamespace(ns);
        this.connectedStatus();
        break;
      }
      case EngineType.Ping:
        this.pingUnanswered = true;
        this.armWatchdog();
        if (this.autoPongOn && this.trySend(`3${p.body}`)) this.pingUnanswered = false;
        break;
      case EngineType.Close:
        this.endedBy = 'closed by server (Engine.IO close)';
        this.connected.clear();
        this.setStatus(this.endedBy);
        break;
      case EngineType.Message:
        if (p.sio) this.onSio('in', p.sio, item, item.text);
        break;
      default:
        break;
    }
  }

  private connectNamespace(ns: string): void {
    if (this.connected.has(ns) || this.connecting.has(ns)) return;
    const auth = this.settings.auth;
    const text = encodeSioPacket({ type: SioType.Connect, namespace: ns, json: auth === undefined ? undefined : JSON.stringify(auth) });
    if (this.trySend(text)) this.connecting.add(ns);
  }

  private onSio(direction: 'in' | 'out', sio: SioPacket, item: { seq: number; mono: number }, text: string): void {
    const ns = sio.namespace;
    switch (sio.type) {
      case SioType.Connect:
        if (direction === 'out') {
          this.connecting.add(ns);
          break;
        }
        this.connecting.delete(ns);
        this.connected.add(ns);
        this.endedBy = undefined;
        this.connectedStatus();
        this.settle(ns);
        break;
      case SioType.ConnectError: {
        if (direction === 'out') break;
        this.connecting.delete(ns);
        const data = sio.data;
        const message = data?.kind === 'string' ? data : jsonMember(data, 'message');
        const reason = message?.kind === 'string' ? message.value : data ? compactJson(text, data) : 'no reason given';
        this.setStatus(`CONNECT_ERROR ${ns}: ${reason}`);
        this.settle(ns, new SocketInspectorError('PROTOCOL', `The server refused namespace ${ns}: ${reason}`));
        break;
      }
      case SioType.Disconnect:
        this.connected.delete(ns);
        this.connecting.delete(ns);
        if (direction === 'in') {
          if (this.connected.size === 0) {
            this.endedBy = 'closed by server (DISCONNECT)';
            this.setStatus(this.endedBy);
          } else {
            this.setStatus(`connected to ${listNamespaces([...this.connected])} (server disconnected ${ns})`);
          }
        } else {
          this.connectedStatus();
        }
        break;
      case SioType.Event:
      case SioType.BinaryEvent:
        if (sio.ackId !== undefined) this.acks.expect(direction, ns, sio.ackId, item.seq, item.mono);
        break;
      case SioType.Ack:
      case SioType.BinaryAck:
        if (sio.ackId !== undefined) {
          const pair = this.acks.answer(direction, ns, sio.ackId, item.seq, item.mono);
          if (pair) this.note(item.seq, `ack ${pair.ackId} for #${pair.eventSeq} after ${formatMs(pair.rttMs)}`);
        }
        break;
      default:
        break;
    }
    if (sio.attachments !== undefined) {
      const first = sio.data?.kind === 'array' ? sio.data.items[0] : undefined;
      const isEvent = sio.type === SioType.BinaryEvent;
      const event = isEvent ? (first?.kind === 'string' ? first.value : (/^\s*\["((?:[^"\\]|\\.)*)"/.exec(text.slice(text.indexOf('[')))?.[1] ?? '?')) : '';
      if (!this.joins.begin(direction, item.seq, event, sio.attachments)) {
        this.note(item.seq, `binary packet claims ${sio.attachments} attachments: too many to join`);
      }
    }
  }

  private onBinary(direction: 'in' | 'out', seq: number): void {
    const r = this.joins.attach(direction, seq);
    if (!r?.complete) return;
    const { join } = r;
    const what = join.event === '' ? 'binary ack' : `binary event ${join.event}`;
    const n = join.expected;
    this.note(seq, `${what}: ${n} attachment${n === 1 ? '' : 's'} joined (${join.attachmentSeqs.map((s) => `#${s}`).join(', ')})`);
  }

  private onState(state: ConnectionState): void {
    if (state === 'connecting') {
      // A reconnect: a new Engine.IO session starts.
      this.opened = false;
      this.sid = undefined;
      this.connected.clear();
      this.connecting.clear();
      this.endedBy = undefined;
      this.pingUnanswered = false;
      this.setStatus('waiting for open packet');
      return;
    }
    if (state !== 'closed' && state !== 'error') return;
    this.stopWatchdog();
    this.connected.clear();
    this.connecting.clear();
    this.rejectWaiters(new SocketInspectorError('NOT_OPEN', 'The connection closed before the namespace connected'));
    if (this.endedBy !== undefined) return;
    if (this.opened && this.pingUnanswered && !this.autoPongOn) {
      this.endedBy = 'ping timeout';
      this.connection.log.appendText(
        Direction.Meta,
        Kind.Note,
        `Ping timeout: the server closed the connection after its ping went unanswered (auto-pong is off; pingTimeout ${this.pingTimeoutMs} ms)`,
      );
      this.setStatus(this.endedBy);
      return;
    }
    const error = this.connection.lastError;
    this.setStatus(state === 'error' && error ? `connection failed: ${error.message}` : 'connection closed');
  }

  private armWatchdog(): void {
    this.stopWatchdog();
    const limit = this.pingIntervalMs + this.pingTimeoutMs;
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      if (this.isDisposed || this.endedBy !== undefined || this.connection.state !== 'open') return;
      this.endedBy = 'ping timeout';
      this.connection.log.appendText(
        Direction.Meta,
        Kind.Note,
        `Ping timeout: no ping from the server for ${limit} ms (pingInterval ${this.pingIntervalMs} + pingTimeout ${this.pingTimeoutMs})`,
      );
      this.setStatus(this.endedBy);
    }, limit);
    this.watchdog.unref?.();
  }

  private stopWatchdog(): void {
    if (this.watchdog !== undefined) clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }
}
