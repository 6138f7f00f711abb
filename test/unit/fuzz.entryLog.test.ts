// Seeded property tests for EntryLog retention: random append sequences under random caps, checked
// against a plain array model of what was appended.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { forAll, type SeededRandom } from '../support/seededRandom';

interface ModelEntry {
  readonly direction: Direction;
  readonly kind: Kind;
  readonly payload: Uint8Array;
  readonly code: number;
  readonly mono: number;
}

const DIRECTIONS: readonly Direction[] = [Direction.In, Direction.Out, Direction.Meta];
const KINDS: readonly Kind[] = Object.values(Kind);

/** A payload cheap to make at any size but different per entry, so a mix-up between entries shows. */
function payloadOf(rng: SeededRandom, length: number): Uint8Array {
  const p = new Uint8Array(length);
  const base = rng.int(256);
  const step = rng.range(1, 255);
  for (let j = 0; j < length; j++) p[j] = (base + j * step) & 0xff;
  if (length > 0) p[rng.int(length)] = rng.int(256);
  return p;
}

/** Number of newest model entries the caps keep: the longest suffix within both caps, never fewer than one. */
function expectedRetained(model: readonly ModelEntry[], maxEntries: number, maxBytes: number): number {
  let count = 0;
  let bytes = 0;
  for (let i = model.length - 1; i >= 0; i--) {
    const length = model[i]!.payload.length;
    if (count > 0 && (count + 1 > maxEntries || bytes + length > maxBytes)) break;
    count++;
    bytes += length;
  }
  return count;
}

/** Checks the log's counters, and (when `full`) every retained entry, against the model since the last clear. */
function checkAgainstModel(
  log: EntryLog,
  model: readonly ModelEntry[],
  seqBase: number,
  caps: { maxEntries: number; maxBytes: number },
  full: boolean,
): void {
  const appendedBytes = model.reduce((sum, e) => sum + e.payload.length, 0);
  const size = expectedRetained(model, caps.maxEntries, caps.maxBytes);
  assert.equal(log.size, size, 'size is the longest suffix within the caps');
  assert.ok(log.size <= caps.maxEntries, `size ${log.size} > maxEntries ${caps.maxEntries}`);
  assert.ok(log.retainedBytes <= caps.maxBytes || log.size === 1,
    `retainedBytes ${log.retainedBytes} > maxBytes ${caps.maxBytes} with ${log.size} entries`);
  assert.equal(log.nextSeq, seqBase + model.length);
  assert.equal(log.firstSeq, log.nextSeq - log.size);
  assert.equal(log.dropped.entries + log.size, model.length, 'dropped + retained = appended');
  assert.equal(log.dropped.bytes + log.retainedBytes, appendedBytes, 'dropped + retained bytes = appended bytes');
  for (const d of DIRECTIONS) {
    const mine = model.filter((e) => e.direction === d);
    assert.deepEqual(log.totals(d), { entries: mine.length, bytes: mine.reduce((s, e) => s + e.payload.length, 0) });
  }
  if (!full) return;
  assert.equal(log.get(log.firstSeq - 1), undefined);
  assert.equal(log.get(log.nextSeq), undefined);
  let retainedBytes = 0;
  for (let seq = log.firstSeq; seq < log.nextSeq; seq++) {
    const m = model[seq - seqBase]!;
    const e = log.get(seq)!;
    assert.ok(e, `entry ${seq} missing`);
    assert.equal(e.seq, seq);
    assert.equal(e.direction, m.direction);
    assert.equal(e.kind, m.kind);
    assert.equal(e.code, m.code);
    assert.equal(e.length, m.payload.length);
    assert.equal(e.monoTime, m.mono);
    assert.ok(Buffer.from(e.payload).equals(m.payload), `payload of ${seq} differs`);
    assert.ok(Buffer.from(log.payload(seq)!).equals(m.payload));
    assert.equal(log.direction(seq), m.direction);
    assert.equal(log.kind(seq), m.kind);
    assert.equal(log.length(seq), m.payload.length);
    assert.equal(log.code(seq), m.code);
    retainedBytes += m.payload.length;
  }
  assert.equal(log.retainedBytes, retainedBytes);
}

/** Runs one random sequence of appends (and the odd clear) against the model. */
function runSequence(rng: SeededRandom, big: boolean): void {
  const caps = big
    ? { maxEntries: rng.range(1, 40), maxBytes: rng.range(0, 3 * 1024 * 1024) }
    : { maxEntries: rng.range(1, 30), maxBytes: rng.pick([0, 1, rng.range(0, 64), rng.range(0, 600), 1 << 20]) };
  const log = new EntryLog(caps);
  let model: ModelEntry[] = [];
  let seqBase = 0;
  let mono = 0;
  const ops = rng.range(1, big ? 30 : 120);
  for (let k = 0; k < ops; k++) {
    if (rng.chance(0.02)) {
      log.clear();
      seqBase += model.length;
      model = [];
    } else {
      const length = big
        ? rng.pick([0, rng.int(100), rng.range(100_000, 700_000), rng.range(1_000_000, 1_200_000)])
        : rng.pick([0, rng.int(8), rng.int(40), rng.int(200)]);
      const entry: ModelEntry = {
        direction: rng.pick(DIRECTIONS),
        kind: rng.pick(KINDS),
        payload: payloadOf(rng, length),
        code: rng.chance(0.2) ? rng.range(1, 65535) : 0,
        mono: (mono += rng.int(5)),
      };
      if (!big && rng.chance(0.25)) {
        // Several messages of one chunk, as a framer writes them: payloads with bytes between them.
        const count = rng.range(1, 12);
        const parts: Uint8Array[] = [];
        const starts: number[] = [];
        const ends: number[] = [];
        let at = 0;
        const payloads: Uint8Array[] = [];
        for (let j = 0; j < count; j++) {
          const gap = rng.pick([0, 1, 2, rng.int(5)]);
          parts.push(new Uint8Array(gap).fill(0x0a));
          at += gap;
          const p = payloadOf(rng, rng.pick([0, rng.int(8), rng.int(40)]));
          parts.push(p);
          payloads.push(p.slice());
          starts.push(at);
          at += p.length;
          ends.push(at);
        }
        const chunk = new Uint8Array(at);
        let o = 0;
        for (const part of parts) {
          chunk.set(part, o);
          o += part.length;
        }
        const direction = rng.pick(DIRECTIONS);
        const kind = rng.pick(KINDS);
        mono += rng.int(5);
        const before = log.nextSeq;
        log.appendSpans(mono + rng.pick([1000, 1000.5]), mono, direction, kind, chunk, starts, ends, count);
        assert.equal(log.nextSeq, before + count);
        chunk.fill(0xaa);
        for (const p of payloads) model.push({ direction, kind, payload: p, code: 0, mono });
      } else {
        const seq = log.append(entry.direction, entry.kind, entry.payload, entry.code, entry.mono);
        assert.equal(seq, seqBase + model.length);
        // The log copies the payload: changing the caller's buffer afterwards must not change the entry.
        const kept = entry.payload.slice();
        entry.payload.fill(0xaa);
        model.push({ ...entry, payload: kept });
      }
    }
    checkAgainstModel(log, model, seqBase, caps, big || k % 8 === 0 || k === ops - 1);
  }
  log.dispose();
}

describe('fuzz: EntryLog retention', () => {
  it('small payloads, random caps: counters and retained entries match the model', () => {
    forAll('EntryLog small', 0xf1a6, 1200, (rng) => runSequence(rng, false));
  });

  it('payloads around the segment slab size: entries crossing segments stay exact', () => {
    forAll('EntryLog big', 0xb16, 30, (rng) => runSequence(rng, true));
  });

  it('more entries than one segment holds: seqs, caps and payloads stay exact across segments', () => {
    forAll('EntryLog many', 0x3a11, 3, (rng) => {
      const maxEntries = rng.range(100, 40_000);
      const maxBytes = rng.range(50_000, 400_000);
      const log = new EntryLog({ maxEntries, maxBytes });
      const model: ModelEntry[] = [];
      const n = rng.range(20_000, 40_000);
      for (let i = 0; i < n; i++) {
        const entry: ModelEntry = {
          direction: rng.pick(DIRECTIONS),
          kind: rng.pick(KINDS),
          payload: payloadOf(rng, rng.int(12)),
          code: rng.chance(0.01) ? rng.range(1, 65535) : 0,
          mono: i,
        };
        log.append(entry.direction, entry.kind, entry.payload, entry.code, entry.mono);
        model.push(entry);
      }
      checkAgainstModel(log, model, 0, { maxEntries, maxBytes }, true);
      log.dispose();
    });
  });
});
