// A keyed list of the few values used last (a panel's kept row indexes, its paged decoded trees): at most
// `capacity` of them, the least recently used dropped first. Meant for a handful: lookups are a linear
// scan, which lets a key be a pair of things compared by `sameKey` (a log and a seq) without a string.

/** At most `capacity` values by key, the least recently used dropped first when another is added. */
export class RecentlyUsed<K, V> {
  /** Least recently used first. */
  private entries: Array<{ readonly key: K; readonly value: V }> = [];

  constructor(
    private readonly capacity: number,
    private readonly sameKey: (a: K, b: K) => boolean = Object.is,
  ) {}

  /** How many values are kept. */
  get size(): number {
    return this.entries.length;
  }

  /** The value kept for `key`, which becomes the most recently used; undefined when none is kept. */
  use(key: K): V | undefined {
    const i = this.entries.findIndex((e) => this.sameKey(e.key, key));
    if (i < 0) return undefined;
    const [entry] = this.entries.splice(i, 1);
    this.entries.push(entry!);
    return entry!.value;
  }

  /** The value kept for `key`, its place left as it is; undefined when none is kept. */
  peek(key: K): V | undefined {
    return this.entries.find((e) => this.sameKey(e.key, key))?.value;
  }

  /** Keeps `value` for `key` as the most recently used (replacing one kept for it), then drops the least recently used beyond the capacity. */
  add(key: K, value: V): void {
    this.entries = this.entries.filter((e) => !this.sameKey(e.key, key));
    this.entries.push({ key, value });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** Drops every value `drop` says to. */
  dropWhere(drop: (key: K, value: V) => boolean): void {
    this.entries = this.entries.filter((e) => !drop(e.key, e.value));
  }

  /** Whether any kept value satisfies `test`. */
  some(test: (key: K, value: V) => boolean): boolean {
    return this.entries.some((e) => test(e.key, e.value));
  }

  /** Drops every value. */
  clear(): void {
    this.entries = [];
  }
}
