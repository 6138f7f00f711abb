// A small least-recently-used cache of decoded entries, so scrolling back over rows already shown costs
// a lookup. Keys name the log (its identity: a reconnect makes a new log), the seq and the settings'
// generation, so a result of other settings or of another log is never found.
import type { DecodedMessage } from '../../../shared/decode/decoded';

const identities = new WeakMap<object, number>();
let nextIdentity = 1;

/** A number naming `log` for as long as it lives (two logs never share one). */
export function logIdentity(log: object): number {
  let id = identities.get(log);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(log, id);
  }
  return id;
}

/**
 * Decoded entries (or their summaries: T = string) by key; null records "nothing applies" so that is not
 * worked out again either.
 */
export class DecodeCache<T = DecodedMessage> {
  private readonly entries = new Map<string, T | null>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached result (refreshed as most recently used), or undefined when not cached. */
  get(key: string): T | null | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Map keeps insertion order: moving the key to the end makes the first key the least recently used.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: T | null): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  clear(): void {
    this.entries.clear();
  }
}
