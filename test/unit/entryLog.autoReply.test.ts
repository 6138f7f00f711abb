// Auto-replies in the entry log: a bit of the entry's dirKind byte (beside direction and kind) says an
// auto-reply rule sent it, and the log keeps which rule, as runs of seqs, bounded and forgotten with the
// entries. The bit travels in entry batches as it is; every reader takes direction and kind around it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchDirection, batchIsAutoReply, batchKind, decodeEntryBatch, encodeEntryList, encodeEntryRange } from '../../shared/entryBatch';
import { AUTO_REPLY_BIT, Direction, dirKindDirection, dirKindKind, isAutoReplyDirKind, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { MAX_AUTO_REPLY_RUNS } from '../../src/core/log/autoReplyRuns';

const text = (s: string) => new TextEncoder().encode(s);
const ping = { rule: 1, match: '/^ping$/' };
const hello = { rule: 2, match: 'hello' };

describe('auto-replies in the entry log', () => {
  it('pack the mark into bit 6 of dirKind, leaving direction (bits 4-5) and kind (bits 0-3) whole', () => {
    for (const direction of [Direction.In, Direction.Out, Direction.Meta]) {
      for (let kind = 0; kind <= Kind.Note; kind++) {
        for (const auto of [false, true]) {
          const dk = (direction << 4) | kind | (auto ? AUTO_REPLY_BIT : 0);
          assert.equal(dirKindDirection(dk), direction);
          assert.equal(dirKindKind(dk), kind);
          assert.equal(isAutoReplyDirKind(dk), auto);
        }
      }
    }
    assert.equal(AUTO_REPLY_BIT, 0x40);
  });

  it('mark the Out entries appended while autoReplying runs, with the rule; nothing else', () => {
    const log = new EntryLog();
    const typed = log.append(Direction.Out, Kind.Text, text('typed'));
    let inside: number[] = [];
    log.autoReplying(ping, () => {
      inside = [log.append(Direction.In, Kind.Text, text('flushed first')), log.append(Direction.Out, Kind.Text, text('pong'))];
    });
    const after = log.append(Direction.Out, Kind.Binary, text('later'));
    const [received, reply] = inside as [number, number];
    assert.deepEqual([typed, received, reply, after].map((s) => log.isAutoReply(s)), [false, false, true, false]);
    assert.deepEqual(log.autoReplyOrigin(reply), ping);
    assert.equal(log.autoReplyOrigin(typed), undefined);
    assert.equal(log.autoReplyOrigin(received), undefined);
    assert.equal(log.direction(reply), Direction.Out);
    assert.equal(log.kind(reply), Kind.Text);
    const e = log.get(reply)!;
    assert.deepEqual([e.direction, e.kind, e.autoReply], [Direction.Out, Kind.Text, ping]);
    assert.equal(log.get(typed)!.autoReply, undefined);
    assert.deepEqual(log.totals(Direction.Out), { entries: 3, bytes: 14 });
  });

  it('mark spans appended as Out, and keep each rule for its own replies', () => {
    const log = new EntryLog();
    const chunk = text('a\nb\nc\n');
    log.autoReplying(ping, () => log.appendSpans(NaN, performance.now(), Direction.Out, Kind.Data, chunk, [0, 2], [1, 3], 2));
    log.autoReplying(hello, () => log.append(Direction.Out, Kind.Data, text('hi')));
    log.autoReplying(ping, () => log.append(Direction.Out, Kind.Data, text('pong')));
    assert.deepEqual([0, 1, 2, 3].map((s) => [log.isAutoReply(s), log.autoReplyOrigin(s)?.rule]), [
      [true, 1],
      [true, 1],
      [true, 2],
      [true, 1],
    ]);
    assert.deepEqual([0, 1, 2, 3].map((s) => log.direction(s)), [Direction.Out, Direction.Out, Direction.Out, Direction.Out]);
  });

  it('travel in entry batches (ranges and lists) with direction and kind intact', () => {
    const log = new EntryLog();
    log.append(Direction.In, Kind.Text, text('ping'));
    log.autoReplying(ping, () => log.append(Direction.Out, Kind.Text, text('pong')));
    log.append(Direction.Out, Kind.Text, text('typed'));
    for (const batch of [decodeEntryBatch(encodeEntryRange(log, 0, 3, 64)), decodeEntryBatch(encodeEntryList(log, [0, 1, 2], 64))]) {
      assert.deepEqual([0, 1, 2].map((i) => [batchDirection(batch, i), batchKind(batch, i), batchIsAutoReply(batch, i)]), [
        [Direction.In, Kind.Text, false],
        [Direction.Out, Kind.Text, true],
        [Direction.Out, Kind.Text, false],
      ]);
    }
  });

  it('forget the rule with the entry: evicted, cleared, and at most MAX_AUTO_REPLY_RUNS runs', () => {
    const log = new EntryLog({ maxEntries: 4 });
    log.autoReplying(ping, () => log.append(Direction.Out, Kind.Text, text('pong')));
    log.autoReplying(hello, () => log.append(Direction.Out, Kind.Text, text('hi')));
    for (let i = 0; i < 3; i++) log.append(Direction.In, Kind.Text, text('x'));
    assert.equal(log.firstSeq, 1);
    assert.equal(log.autoReplyOrigin(0), undefined);
    assert.deepEqual(log.autoReplyOrigin(1), hello);
    assert.equal(log.autoReplyRunCount, 1, 'the run of the evicted entry is gone');
    log.clear();
    assert.equal(log.autoReplyRunCount, 0);

    // Rules taking turns make a run per reply; beyond the bound the oldest replies keep their mark only.
    const big = new EntryLog();
    const n = MAX_AUTO_REPLY_RUNS + 10;
    for (let i = 0; i < n; i++) big.autoReplying(i % 2 === 0 ? ping : hello, () => big.append(Direction.Out, Kind.Text, text('r')));
    assert.ok(big.autoReplyRunCount <= MAX_AUTO_REPLY_RUNS && big.autoReplyRunCount > MAX_AUTO_REPLY_RUNS * 0.9, `${big.autoReplyRunCount} runs`);
    assert.equal(big.isAutoReply(0), true);
    assert.equal(big.autoReplyOrigin(0), undefined, 'the oldest rule forgotten');
    for (const seq of [n - 2, n - 1]) assert.deepEqual(big.autoReplyOrigin(seq), seq % 2 === 0 ? ping : hello);
  });
});
