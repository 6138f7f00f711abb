import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind, type LogEntry } from '../../shared/logModel';
import { exportSourceFromEntries, exportSourceOf, wireEntries, type ExportSource } from '../../src/core/export/exportSource';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { EntryLog } from '../../src/core/log/entryLog';

function entry(seq: number, text: string, direction: Direction = Direction.Out): LogEntry {
  const payload = new TextEncoder().encode(text);
  return { seq, wallTime: 1000 + seq, monoTime: seq, direction, kind: direction === Direction.Meta ? Kind.Note : Kind.Text, length: payload.length, code: 0, payload };
}

function order(source: ExportSource): string[] {
  return [...wireEntries(source)].map((e) => `${new TextDecoder().decode(e.payload)}@${e.wallTime - 1000}`);
}

describe('wireEntries: a log in the order it crossed the wire', () => {
  const log = [entry(0, 'a'), entry(1, 'b held'), entry(2, 'c held'), entry(3, 'd'), entry(4, 'released c', Direction.Meta), entry(5, 'e'), entry(6, 'released b', Direction.Meta)];
  const base = { kind: 'ws' as const, target: 'ws://127.0.0.1:1/' };

  it('is the log itself without a delivery map', () => {
    assert.deepEqual(order(exportSourceFromEntries(base, log)), ['a@0', 'b held@1', 'c held@2', 'd@3', 'released c@4', 'e@5', 'released b@6']);
  });

  it('moves released entries to their release, with its time, and leaves out what never went', () => {
    const delivery = new Map<number, number | 'never'>([
      [1, 6],
      [2, 4],
      [3, 'never'],
    ]);
    const source = exportSourceFromEntries({ ...base, delivery: (seq) => delivery.get(seq) }, log);
    assert.deepEqual(order(source), ['a@0', 'c held@4', 'released c@4', 'e@5', 'b held@6', 'released b@6']);
  });

  it('puts an entry released after the exported range at the end', () => {
    const source = exportSourceFromEntries({ ...base, delivery: (seq) => (seq === 0 ? 99 : undefined) }, log.slice(0, 2));
    assert.deepEqual(order(source), ['b held@1', 'a@0']);
  });
});

describe('exportSourceOf: entries an export may hold across its awaits', () => {
  it('keeps the bytes read, though the log evicts the entry and reuses its memory meanwhile', () => {
    // A log of at most 2 MiB: writing 8 MiB more evicts the first entries and recycles their slabs.
    const log = new EntryLog({ maxBytes: 2 * 1024 * 1024 });
    const chunk = (byte: string) => new Uint8Array(100 * 1024).fill(byte.charCodeAt(0));
    for (let i = 0; i < 4; i++) log.append(Direction.In, Kind.Binary, chunk('A'));
    const connection = { kind: 'ws', target: 'ws://127.0.0.1:1/', log } as unknown as Connection;
    // As an export does while its writes are awaited: entries taken, and held (a held message waits in
    // wireEntries for its release, a prologue keeps the handshake) while the log moves on.
    const source = exportSourceOf(connection, { delivery: (seq) => (seq === 0 ? 3 : undefined) });
    const walk = wireEntries(source)[Symbol.iterator]();
    const held = [walk.next().value as LogEntry, walk.next().value as LogEntry];
    for (let i = 0; i < 80; i++) log.append(Direction.In, Kind.Binary, chunk('B'));
    assert.ok(log.firstSeq > 3, 'the entries read were evicted');
    // Entry 3 was evicted before it was read: left out. Entry 0, read before and held for its release
    // (3), comes last.
    const rest: LogEntry[] = [...{ [Symbol.iterator]: () => walk }];
    const seen = [...held, ...rest].map((e) => `${e.seq}:${e.payload.every((b) => b === 0x41) ? 'A' : 'changed'}`);
    assert.deepEqual(seen, ['1:A', '2:A', '0:A']);
  });
});
