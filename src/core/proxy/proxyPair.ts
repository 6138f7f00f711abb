// What every proxy pair (one client joined to one upstream) shares whatever the transport: the one log
// of both legs, holding and releasing messages, edits, drops, injections, and reading less when a hold
// queue is full. Subclasses move the bytes (tcpProxy.ts, wsProxyPair.ts).
import { Direction, Kind } from '../../../shared/logModel';
import { ConnectionBase } from '../connection/connectionBase';
import type { RetentionOptions } from '../connection/connectionTypes';
import { Emitter, type Event } from '../base/dispose';
import { SocketInspectorError } from '../../../shared/errors';
import { HoldQueue, PROXY_DIRECTIONS, type HoldLimits, type ProxyDirection } from './holdQueue';
import { arrow, destinationOf, logDirection, notes } from './proxyNotes';
import type { HeldMessage, ProxyDelivery, ProxyEntryRole, ProxyPauseState, ProxyPayload, ProxyPeerControls } from './proxyTypes';

/** What a held message carries besides its id. */
interface HeldValue {
  readonly kind: Kind;
  readonly payload: Buffer;
  readonly seq: number;
  readonly heldAt: number;
}

/** Why a side is not being read: its hold queue is full, or the other side's socket wants a drain. */
export type ReadStop = 'full' | 'drain';

/** Entry roles are kept for at most this many entries; older ones are pruned once evicted from the log. */
const ROLE_PRUNE_AT = 10_000;

/** Settings of a pair that do not depend on the transport. */
export interface ProxyPairSettings {
  readonly hold?: Partial<HoldLimits>;
  readonly retention?: RetentionOptions;
  readonly paused?: Partial<ProxyPauseState>;
}

/** The transport-free half of a proxy pair. */
export abstract class ProxyPair extends ConnectionBase implements ProxyPeerControls {
  private readonly queue: HoldQueue<HeldValue>;
  private readonly roles = new Map<number, ProxyEntryRole>();
  /** Released entries: the seq of the note logged when each was forwarded. */
  private readonly releasedAt = new Map<number, number>();
  private readonly readStops = { toServer: new Set<ReadStop>(), toClient: new Set<ReadStop>() };
  /** What to do once a direction has no held messages left (pass on a FIN or a close frame). */
  private readonly whenDrained: { toServer?: () => void; toClient?: () => void } = {};
  private readonly heldEmitter = this.register(new Emitter<void>());
  readonly onDidChangeHeld: Event<void> = this.heldEmitter.event;
  /** Bytes received from each side (as logged). */
  protected readonly received = { toServer: 0, toClient: 0 };

  constructor(settings: ProxyPairSettings) {
    super(settings.retention);
    this.queue = new HoldQueue<HeldValue>(settings.hold);
    for (const d of PROXY_DIRECTIONS) if (settings.paused?.[d]) this.queue.setPaused(d, true);
  }

  /** Whether this pair speaks raw TCP (held items are chunks) rather than WebSocket messages. */
  protected abstract readonly isTcp: boolean;

  /** Whether a message can be written toward `direction`'s destination now. */
  protected abstract canDeliver(direction: ProxyDirection): boolean;

  /** Writes a message toward `direction`'s destination (canDeliver was checked); `seq` is its log entry. */
  protected abstract deliver(direction: ProxyDirection, kind: Kind, bytes: Buffer, seq: number): void;

  /** Stops reading from `direction`'s source. */
  protected abstract pauseSource(direction: ProxyDirection): void;

  /** Reads from `direction`'s source again. */
  protected abstract resumeSource(direction: ProxyDirection): void;

  // ---- controls ----

  get paused(): ProxyPauseState {
    return { toServer: this.queue.isPaused('toServer'), toClient: this.queue.isPaused('toClient') };
  }

  get limits(): HoldLimits {
    return this.queue.limits;
  }

  get held(): readonly HeldMessage[] {
    return this.queue.list().map((h) => ({
      id: h.id,
      direction: h.direction,
      kind: h.value.kind,
      payload: h.value.payload,
      seq: h.value.seq,
      heldAt: h.value.heldAt,
    }));
  }

  setPaused(paused: boolean, direction?: ProxyDirection): void {
    let changed = false;
    for (const d of direction ? [direction] : PROXY_DIRECTIONS) {
      if (this.queue.isPaused(d) === paused) continue;
      changed = true;
      this.queue.setPaused(d, paused);
      this.note(paused ? notes.paused(d) : notes.resumed(d));
      if (!paused) this.releaseHeld(d);
    }
    if (changed) this.heldEmitter.fire();
  }

  release(id: number, replacement?: ProxyPayload): void {
    const item = this.queue.find(id);
    if (!item) throw this.noSuchHeld(id);
    const d = item.direction;
    if (!this.canDeliver(d)) throw this.closedError(d, `forward #${id}`);
    // Checked before anything is taken, so a bad replacement leaves the message held.
    const edit = replacement ? this.payloadBytes(replacement) : undefined;
    this.queue.take(id);
    if (edit) this.setRole(item.value.seq, 'replaced');
    else this.markReleased([item.value.seq]);
    if (edit) {
      const seq = this.log.append(logDirection(d), edit.kind, edit.bytes);
      this.setRole(seq, 'edited');
      this.note(notes.edited(id, d, { kind: item.value.kind, size: item.size }));
      this.deliver(d, edit.kind, edit.bytes, seq);
    } else {
      this.note(notes.released(id, d));
      this.deliver(d, item.value.kind, item.value.payload, item.value.seq);
    }
    this.afterTaken(d);
  }

  drop(id: number): void {
    const item = this.queue.take(id);
    if (!item) throw this.noSuchHeld(id);
    this.setRole(item.value.seq, 'dropped');
    this.note(notes.dropped(id, item.direction, item.size));
    this.afterTaken(item.direction);
  }

  releaseAll(direction?: ProxyDirection): void {
    for (const d of direction ? [direction] : PROXY_DIRECTIONS) this.releaseHeld(d);
  }

  dropAll(direction?: ProxyDirection): void {
    for (const d of direction ? [direction] : PROXY_DIRECTIONS) {
      const items = this.queue.takeAll(d);
      if (items.length === 0) continue;
      for (const i of items) this.setRole(i.value.seq, 'dropped');
      this.note(notes.droppedAll(items.map((i) => i.id), d));
      this.afterTaken(d);
    }
  }

  inject(direction: ProxyDirection, payload: ProxyPayload): void {
    const { kind, bytes } = this.payloadBytes(payload);
    if (!this.canDeliver(direction)) throw this.closedError(direction, 'inject');
    const seq = this.logInjected(direction, kind, bytes);
    this.deliver(direction, kind, bytes, seq);
  }

  delivery(seq: number): ProxyDelivery {
    const role = this.roles.get(seq);
    if (role === 'held' || role === 'replaced' || role === 'dropped') return 'never';
    return role === 'released' ? this.releasedAt.get(seq) : undefined;
  }

  entryRole(seq: number): ProxyEntryRole | undefined {
    return this.roles.get(seq);
  }

  // ---- for subclasses ----

  /**
   * A message arrived from `direction`'s source: logs it, then forwards it, or holds it while that
   * direction is paused (or older messages of it are still held). Returns the entry's seq, or -1 when
   * the pair has finished and nothing was logged.
   */
  protected receive(direction: ProxyDirection, kind: Kind, bytes: Buffer): number {
    if (this.isFinished) return -1;
    const seq = this.log.append(logDirection(direction), kind, bytes);
    this.received[direction] += bytes.length;
    if (!this.queue.shouldHold(direction)) {
      if (this.canDeliver(direction)) this.deliver(direction, kind, bytes, seq);
      else this.note(notes.notForwarded(direction));
      return seq;
    }
    // Our own copy: a socket's chunk may be a view into a buffer that is reused.
    const payload = Buffer.from(bytes);
    const item = this.queue.hold(direction, payload.length, { kind, payload, seq, heldAt: Date.now() });
    this.setRole(seq, 'held');
    this.note(notes.held(item.id, direction));
    if (this.queue.isFull(direction) && !this.readStops[direction].has('full')) {
      this.note(notes.full(direction, this.queue.count(direction), this.queue.bytes(direction), this.isTcp));
      this.stopReading(direction, 'full', true);
    }
    this.heldEmitter.fire();
    return seq;
  }

  /** Logs something the user sent toward `direction`'s destination (role 'injected', with its note); returns its seq. */
  protected logInjected(direction: ProxyDirection, kind: Kind, bytes: Uint8Array, code?: number): number {
    if (this.isFinished) return -1;
    const seq = this.log.append(logDirection(direction), kind, bytes, code);
    this.setRole(seq, 'injected');
    this.note(notes.injected(direction));
    return seq;
  }

  /** Stops (or resumes, once no reason is left) reading from `direction`'s source. */
  protected stopReading(direction: ProxyDirection, why: ReadStop, stop: boolean): void {
    const stops = this.readStops[direction];
    const before = stops.size > 0;
    if (stop) stops.add(why);
    else stops.delete(why);
    const after = stops.size > 0;
    if (before === after) return;
    if (after) this.pauseSource(direction);
    else this.resumeSource(direction);
  }

  /**
   * Runs `action` (passing on a FIN or a close) once no message of `direction` is held, so it never
   * overtakes them; returns whether it ran at once.
   */
  protected afterHeld(direction: ProxyDirection, action: () => void): boolean {
    if (this.queue.count(direction) === 0) {
      action();
      return true;
    }
    this.whenDrained[direction] = action;
    return false;
  }

  /** Number of messages held in a direction. */
  protected heldCount(direction: ProxyDirection): number {
    return this.queue.count(direction);
  }

  /** Notes the directions this pair starts paused in (its session was paused when it was accepted). */
  protected notePausedAtStart(): void {
    for (const d of PROXY_DIRECTIONS) if (this.queue.isPaused(d)) this.note(notes.paused(d));
  }

  /** Appends a note (Kind.Note) unless the pair has finished. */
  protected note(text: string): void {
    if (!this.isFinished) this.log.appendText(Direction.Meta, Kind.Note, text);
  }

  /** Notes every still-held message as never forwarded, then writes the Closed entry. */
  protected finishPair(text: string, why = 'the connection closed', code?: number): void {
    if (this.isFinished) return;
    for (const d of PROXY_DIRECTIONS) {
      const items = this.queue.takeAll(d);
      for (const i of items) this.setRole(i.value.seq, 'dropped');
      if (items.length > 0) this.note(notes.discarded(items.map((i) => i.id), why));
      delete this.whenDrained[d];
    }
    this.finish(text, code);
    this.heldEmitter.fire();
  }

  /** The bytes and kind a user payload becomes on this transport. */
  protected payloadBytes(payload: ProxyPayload): { kind: Kind; bytes: Buffer } {
    if (typeof payload !== 'object' || payload === null) {
      throw new SocketInspectorError('PROTOCOL', 'A payload is { text } or { bytes }');
    }
    if ('text' in payload && typeof payload.text === 'string') {
      return { kind: this.isTcp ? Kind.Data : Kind.Text, bytes: Buffer.from(payload.text, 'utf8') };
    }
    if ('bytes' in payload && payload.bytes instanceof Uint8Array) {
      return { kind: this.isTcp ? Kind.Data : Kind.Binary, bytes: Buffer.from(payload.bytes) };
    }
    throw new SocketInspectorError('PROTOCOL', 'A payload is { text: string } or { bytes: Uint8Array }');
  }

  /** NOT_OPEN for an action toward a side that cannot take it. */
  protected closedError(direction: ProxyDirection, what: string): SocketInspectorError {
    const side = destinationOf(direction);
    const why =
      this.state === 'connecting'
        ? 'the pair is still connecting'
        : this.isFinished
          ? 'the pair is closed'
          : `the ${side} side is closed`;
    return new SocketInspectorError('NOT_OPEN', `Cannot ${what} (${arrow(direction)}): ${why}`);
  }

  private releaseHeld(direction: ProxyDirection): void {
    if (this.queue.count(direction) === 0) return;
    if (!this.canDeliver(direction)) {
      this.note(`${this.queue.count(direction)} held ${this.isTcp ? 'chunks' : 'messages'} (${arrow(direction)}) stay held: the ${destinationOf(direction)} side is closed; drop them`);
      return;
    }
    const items = this.queue.takeAll(direction);
    this.markReleased(items.map((i) => i.value.seq));
    this.note(notes.releasedAll(items.map((i) => i.id), direction));
    for (const item of items) this.deliver(direction, item.value.kind, item.value.payload, item.value.seq);
    this.afterTaken(direction);
  }

  /** After messages left the queue: read again if there is room, pass on a deferred end, tell the UI. */
  private afterTaken(direction: ProxyDirection): void {
    if (this.readStops[direction].has('full') && !this.queue.isFull(direction)) {
      this.note(notes.reading(direction));
      this.stopReading(direction, 'full', false);
    }
    const pending = this.whenDrained[direction];
    if (pending && this.queue.count(direction) === 0) {
      delete this.whenDrained[direction];
      pending();
    }
    this.heldEmitter.fire();
  }

  private setRole(seq: number, role: ProxyEntryRole): void {
    this.roles.set(seq, role);
    if (this.roles.size > ROLE_PRUNE_AT) {
      const first = this.log.firstSeq;
      for (const s of this.roles.keys()) if (s < first) this.roles.delete(s);
      for (const s of this.releasedAt.keys()) if (s < first) this.releasedAt.delete(s);
    }
  }

  /** Held entries forwarded as received: they left when the note that says so (logged next) was logged. */
  private markReleased(seqs: readonly number[]): void {
    const at = this.log.nextSeq;
    for (const seq of seqs) {
      this.setRole(seq, 'released');
      this.releasedAt.set(seq, at);
    }
  }

  private noSuchHeld(id: number): SocketInspectorError {
    return new SocketInspectorError('NOT_OPEN', `No message #${id} is held: it was already forwarded or dropped, or never existed`);
  }
}
