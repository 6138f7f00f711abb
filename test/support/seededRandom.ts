// A tiny seeded PRNG for property tests: the same seed gives the same cases on every machine and run,
// so a failure is a reproducible bug, never a flake. Math.random is never used.

/** A deterministic random source (mulberry32). */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.nextUint32() / 0x1_0000_0000) * n);
  }

  /** Integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.nextUint32() / 0x1_0000_0000 < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** `length` uniformly random bytes. */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.nextUint32() & 0xff;
    return out;
  }
}

/** Derives the seed of case `index` from a property's seed, so one failing case can be rerun alone. */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Runs `check` for `cases` cases, each with its own SeededRandom derived from `seed`. A failure is
 * rethrown with the seed, the case index and the case seed in its message, so it reproduces with
 * `new SeededRandom(caseSeed)`.
 */
export function forAll(name: string, seed: number, cases: number, check: (rng: SeededRandom, index: number) => void): void {
  for (let i = 0; i < cases; i++) {
    const s = caseSeed(seed, i);
    try {
      check(new SeededRandom(s), i);
    } catch (e) {
      // The stack of the original failure says where it happened; the wrapper only adds how to reproduce it.
      const reason = e instanceof Error ? (e.stack ?? e.message) : String(e);
      const err = new Error(
        `Property "${name}" failed (seed 0x${seed.toString(16)}, case ${i}, case seed 0x${s.toString(16)}): ${reason}`,
        { cause: e },
      );
      throw err;
    }
  }
}

/**
 * `n` bytes from a fixed-seed xorshift32: random-looking, the same on every run, and fast enough for the
 * browser tests' payloads of tens of MiB.
 */
export function xorshiftBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
