// Feeds a framer the same bytes cut in every way that matters, so a test states the expected messages
// once and checks that no chunk boundary changes them: whole, every 2-way split, one byte at a time,
// and seeded random multi-splits.
import assert from 'node:assert/strict';
import { parseHex } from '../../shared/codecs/hexInput';
import { toHex } from '../../shared/codecs/hexDump';
import { createFramerDecoder, type FramerDecoderOptions } from '../../src/core/framing/framerDecoder';
import type { FramerSpec } from '../../shared/framerSpec';
import { SeededRandom, caseSeed } from './seededRandom';

/** Bytes from a hex literal: `hex('68 69 0a')`. */
export const hex = (text: string): Uint8Array => parseHex(text);

/** What a decoder produced: messages as spaced hex and errors as `error <code>`, in order; the error texts; the tail left at the end. */
export interface DecodeOutcome {
  readonly events: readonly string[];
  readonly errorMessages: readonly string[];
  readonly remainder: string;
}

/** Decodes `chunks` with a fresh decoder; messages are copied as they come (their views are short-lived). */
export function decode(spec: FramerSpec, chunks: readonly Uint8Array[], options: Omit<FramerDecoderOptions, 'onError'> = {}): DecodeOutcome {
  const events: string[] = [];
  const errorMessages: string[] = [];
  const decoder = createFramerDecoder(spec, (m) => events.push(toHex(m, ' ')), {
    ...options,
    onError: (e) => {
      events.push(`error ${e.code}`);
      errorMessages.push(e.message);
    },
  });
  let pendingSeen = 0;
  for (const c of chunks) {
    decoder.push(c);
    pendingSeen = decoder.pending;
  }
  const remainder = decoder.takeRemainder();
  assert.equal(remainder.length, pendingSeen, 'pending counts exactly the bytes takeRemainder returns');
  assert.equal(decoder.pending, 0, 'takeRemainder forgets the tail');
  return { events, errorMessages, remainder: toHex(remainder, ' ') };
}

/** Cuts `bytes` at the given sorted offsets. */
export function cut(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const o of offsets) {
    out.push(bytes.subarray(from, o));
    from = o;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** Every way of cutting the input this suite tries, each with a name that says how it was cut. */
export function* splits(bytes: Uint8Array, seed: number, randomCases = 40): Generator<[string, Uint8Array[]]> {
  yield ['whole', [bytes]];
  for (let i = 0; i <= bytes.length; i++) yield [`split at ${i}`, cut(bytes, [i])];
  yield ['one byte at a time', Array.from(bytes, (_, i) => bytes.subarray(i, i + 1))];
  for (let c = 0; c < randomCases; c++) {
    const s = caseSeed(seed, c);
    const rng = new SeededRandom(s);
    const offsets = new Set<number>();
    const count = rng.range(1, Math.max(1, Math.min(12, bytes.length)));
    for (let k = 0; k < count; k++) offsets.add(rng.range(0, bytes.length));
    // Empty chunks are legal input too (a zero-length read).
    yield [`random cut #${c} (case seed 0x${s.toString(16)})`, cut(bytes, [...offsets].sort((a, b) => a - b))];
  }
}

/**
 * Asserts that `input` decodes to `expected` (message hex strings and `error <code>` lines, then the
 * remainder), and that every other cut gives exactly the same outcome, error texts included.
 */
export function assertEverySplit(
  spec: FramerSpec,
  input: Uint8Array,
  expected: { events: readonly string[]; remainder?: string },
  options: Omit<FramerDecoderOptions, 'onError'> = {},
  seed = 0x5eed,
): void {
  const whole = decode(spec, [input], options);
  assert.deepEqual({ events: whole.events, remainder: whole.remainder }, { events: expected.events, remainder: expected.remainder ?? '' });
  for (const [name, chunks] of splits(input, seed)) {
    assert.deepEqual(decode(spec, chunks, options), whole, `cut: ${name}`);
  }
}
