// The messages a paused proxy pair holds back, per direction, in arrival order, with the caps that make
// the proxy stop reading instead of growing without bound. Pure bookkeeping: no sockets, no log.
import { SocketInspectorError } from '../../../shared/errors';

/** Which way a proxied message travels. */
export type ProxyDirection = 'toServer' | 'toClient';

/** Both directions, client→server first. */
export const PROXY_DIRECTIONS: readonly ProxyDirection[] = ['toServer', 'toClient'];

/** Caps per direction; when either is reached the proxy stops reading from that side. */
export interface HoldLimits {
  /** Most messages (WebSocket messages, TCP chunks) held in one direction. */
  readonly maxMessages: number;
  /** Most payload bytes held in one direction. */
  readonly maxBytes: number;
}

/** 1000 messages or 16 MiB per direction. */
export const DEFAULT_HOLD_LIMITS: HoldLimits = { maxMessages: 1000, maxBytes: 16 * 1024 * 1024 };

/** One held item: its id (1, 2, 3… per queue, never reused), direction, payload size and what it carries. */
export interface Held<T> {
  readonly id: number;
  readonly direction: ProxyDirection;
  readonly size: number;
  readonly value: T;
}

function checkLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new SocketInspectorError('BAD_URL', `The hold limit "${name}" must be a whole number ≥ 1 (found ${value})`);
  }
  return value;
}

/** Held messages of one proxy pair, with the paused flag of each direction. */
export class HoldQueue<T> {
  readonly limits: HoldLimits;
  private nextId = 1;
  /** All held items in arrival order, which is id order. */
  private items: Held<T>[] = [];
  private readonly paused = { toServer: false, toClient: false };
  private readonly counts = { toServer: 0, toClient: 0 };
  private readonly sizes = { toServer: 0, toClient: 0 };

  constructor(limits: Partial<HoldLimits> = {}) {
    this.limits = {
      maxMessages: checkLimit('maxMessages', limits.maxMessages, DEFAULT_HOLD_LIMITS.maxMessages),
      maxBytes: checkLimit('maxBytes', limits.maxBytes, DEFAULT_HOLD_LIMITS.maxBytes),
    };
  }

  isPaused(direction: ProxyDirection): boolean {
    return this.paused[direction];
  }

  /** Sets the flag only; the caller forwards what takeAll() returns when resuming. */
  setPaused(direction: ProxyDirection, paused: boolean): void {
    this.paused[direction] = paused;
  }

  /**
   * Whether a message arriving now must be held: its direction is paused, or older messages of that
   * direction are still held (forwarding it first would reorder the stream).
   */
  shouldHold(direction: ProxyDirection): boolean {
    return this.paused[direction] || this.counts[direction] > 0;
  }

  /** Holds an item and gives it the next id. Always accepts: a message already read has to go somewhere. */
  hold(direction: ProxyDirection, size: number, value: T): Held<T> {
    const item: Held<T> = { id: this.nextId++, direction, size, value };
    this.items.push(item);
    this.counts[direction]++;
    this.sizes[direction] += size;
    return item;
  }

  /** Whether a direction reached a cap: time to stop reading from its source. */
  isFull(direction: ProxyDirection): boolean {
    return this.counts[direction] >= this.limits.maxMessages || this.sizes[direction] >= this.limits.maxBytes;
  }

  /** The held item with this id, left in place. */
  find(id: number): Held<T> | undefined {
    return this.items.find((i) => i.id === id);
  }

  /** Removes and returns the item with this id; undefined when no such item is held. */
  take(id: number): Held<T> | undefined {
    const index = this.items.findIndex((i) => i.id === id);
    if (index < 0) return undefined;
    const [item] = this.items.splice(index, 1);
    this.forget(item!);
    return item;
  }

  /** Removes and returns every item of a direction (or of both), oldest first. */
  takeAll(direction?: ProxyDirection): Held<T>[] {
    const taken: Held<T>[] = [];
    const kept: Held<T>[] = [];
    for (const item of this.items) (direction === undefined || item.direction === direction ? taken : kept).push(item);
    this.items = kept;
    for (const item of taken) this.forget(item);
    return taken;
  }

  /** Held items, oldest first (a copy). */
  list(): Held<T>[] {
    return this.items.slice();
  }

  /** Items held in a direction, or in both. */
  count(direction?: ProxyDirection): number {
    return direction ? this.counts[direction] : this.counts.toServer + this.counts.toClient;
  }

  /** Payload bytes held in a direction, or in both. */
  bytes(direction?: ProxyDirection): number {
    return direction ? this.sizes[direction] : this.sizes.toServer + this.sizes.toClient;
  }

  private forget(item: Held<T>): void {
    this.counts[item.direction]--;
    this.sizes[item.direction] -= item.size;
  }
}
