import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind, type LogEntry } from '../../shared/logModel';
import { exportSourceFromEntries, wireEntries, type ExportSource } from '../../src/core/export/exportSource';

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
