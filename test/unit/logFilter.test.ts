import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { PatternRunner } from '../../src/core/patterns/patternRunner';
import { FilterScan, type OffThreadSlice } from '../../src/panel/filterScan';
import { compileFilter, FILTER_SCAN_BYTES, type CompiledFilter } from '../../src/panel/logFilter';
import type { AutoReplyFilter } from '../../shared/protocol';

const enc = (s: string) => new TextEncoder().encode(s);

function compile(text: string, directions: number[] = [], kinds: number[] = [], autoReplies?: AutoReplyFilter): CompiledFilter {
  const c = compileFilter({ text, directions, kinds, ...(autoReplies ? { autoReplies } : {}) });
  if (!c.ok) throw new Error(c.message);
  return c.filter;
}

const runner = new PatternRunner(300);
after(() => runner.dispose());

/** The seqs a slice on the pattern worker marked. */
function marked(slice: OffThreadSlice): number[] {
  const seqs: number[] = [];
  slice.markInto({ mark: (seq) => seqs.push(seq) });
  return seqs;
}

/** Whether `f` matches one entry, tested as the panel does: here, or on the pattern worker for a regex. */
async function test(f: CompiledFilter, payload: string | Uint8Array, direction: number = Direction.In, kind: number = Kind.Text): Promise<boolean> {
  const bytes = typeof payload === 'string' ? enc(payload) : payload;
  if (!f.offThread) return f.matches((direction << 4) | kind, bytes, 0, bytes.length);
  const log = new EntryLog();
  // Not at the start of its slab: the payload is a range of a larger buffer.
  log.append(Direction.Meta, Kind.Note, enc('before'));
  log.append(direction as Direction, kind as Kind, bytes);
  const scan = new FilterScan(1, f, 1);
  const slice = await scan.advanceOffThread(log, 100, runner);
  assert.equal(slice.tooSlowAt, undefined);
  assert.ok(scan.isCaughtUp(log));
  return marked(slice).includes(1);
}

describe('log filter', () => {
  it('decodes payloads as TextDecoder does: invalid bytes as U+FFFD, a BOM kept, a range of a larger buffer', async () => {
    const bad = new Uint8Array([0x61, 0xff, 0x62, 0xe2, 0x82]);
    assert.equal(await test(compile('/^a\uFFFDb\uFFFD$/'), bad), true);
    assert.equal(await test(compile('/^\uFEFFx$/'), new Uint8Array([0xef, 0xbb, 0xbf, 0x78])), true);
    assert.equal(await test(compile('/^HELLO$/'), 'HELLO'), true);
    const slab = enc('xxHELLOyy');
    assert.equal(compile('hello').matches((Direction.In << 4) | Kind.Text, slab, 2, 7), true);
  });

  it('matches substrings case-insensitively, ASCII and beyond', async () => {
    const f = compile('Hello');
    assert.equal(await test(f, 'say HELLO world'), true);
    assert.equal(await test(f, 'say hell o'), false);
    const g = compile('ÜBER');
    assert.equal(await test(g, 'das ist über alles'), true);
    assert.equal(await test(compile(''), 'anything'), true);
  });

  it('finds ASCII text around invalid UTF-8 like the decoded text would', async () => {
    assert.equal(await test(compile('ok'), new Uint8Array([0xff, 0x6f, 0x6b, 0xc3])), true);
  });

  it('honours /regex/flags, and treats a path like /api/users as text', async () => {
    assert.equal(await test(compile('/^ping \\d+$/'), 'ping 42'), true);
    assert.equal(await test(compile('/^ping \\d+$/'), 'PING 42'), false);
    assert.equal(await test(compile('/^ping \\d+$/i'), 'PING 42'), true);
    assert.equal(await test(compile('/api/users'), 'GET /api/users HTTP/1.1'), true);
    assert.equal(await test(compile('/api/users'), 'api'), false);
    // The global flag must not make repeated tests alternate.
    const g = compile('/a/g');
    assert.deepEqual([await test(g, 'a'), await test(g, 'a'), await test(g, 'a')], [true, true, true]);
  });

  it('answers a regex of literal alternatives exactly as the RegExp would', async () => {
    const payloads = ['error: disk', 'WARN low', 'all fine', 'über error', '', 'err or', 'a-b:c', new Uint8Array([0xff, 0x77, 0x61, 0x72, 0x6e])];
    for (const source of ['/error|warn/', '/error|warn/i', '/ERROR/im', '/a-b:c|x y/u', '/er+or/', '/w.rn/', '/error|/']) {
      const f = compile(source);
      const [, body, flags] = /^\/(.*)\/([a-z]*)$/.exec(source)!;
      const re = new RegExp(body!, flags);
      for (const p of payloads) {
        const text = typeof p === 'string' ? p : new TextDecoder().decode(p);
        assert.equal(await test(f, p), re.test(text), `${source} on ${JSON.stringify(text)}`);
      }
    }
  });

  it('finds text with digits and punctuation, searched natively through the slab, exactly as per entry', () => {
    const log = new EntryLog();
    const payloads: string[] = [];
    let seed = 3;
    const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const parts = ['ID=7', 'id=', '7', 'x', ' ', 'Id=7;', 'id =7', 'i', 'd=7'];
    for (let i = 0; i < 3000; i++) {
      let p = '';
      const k = Math.floor(rnd() * 5);
      for (let j = 0; j < k; j++) p += parts[Math.floor(rnd() * parts.length)];
      payloads.push(p);
      log.append(Direction.In, Kind.Text, enc(p));
    }
    for (const text of ['id=7', 'ID=7;', '=', 'd=7x', ' 7']) {
      const f = compile(text);
      const scan = new FilterScan(1, f, log.firstSeq);
      const found: number[] = [];
      // Small slices: the remembered hit must not outlive a slice.
      while (!scan.isCaughtUp(log)) found.push(...scan.advance(log, 0));
      const expected = payloads.flatMap((p, i) => (p.toLowerCase().includes(text.toLowerCase()) ? [i] : []));
      assert.deepEqual(found, expected, text);
    }
    // An occurrence across two entries' bytes is not a match of either.
    const split = new EntryLog();
    split.append(Direction.In, Kind.Text, enc('abc id'));
    split.append(Direction.In, Kind.Text, enc('=7 def'));
    assert.deepEqual([...new FilterScan(1, compile('id=7'), 0).advance(split, 8)], []);
  });

  it('reports an invalid regular expression instead of throwing', () => {
    const c = compileFilter({ text: '/(oops/', directions: [], kinds: [] });
    assert.equal(c.ok, false);
    assert.match((c as { message: string }).message, /^Invalid regular expression/);
  });

  it('filters by direction and kind sets', async () => {
    const f = compile('', [Direction.Out], [Kind.Text, Kind.Binary]);
    assert.equal(await test(f, 'x', Direction.Out, Kind.Binary), true);
    assert.equal(await test(f, 'x', Direction.In, Kind.Binary), false);
    assert.equal(await test(f, 'x', Direction.Out, Kind.Ping), false);
  });

  it('searches only the first FILTER_SCAN_BYTES of a payload', async () => {
    const big = new Uint8Array(FILTER_SCAN_BYTES + 10).fill(0x2e);
    big.set(enc('needle'), FILTER_SCAN_BYTES + 2);
    assert.equal(await test(compile('needle'), big), false);
    big.set(enc('needle'), 100);
    assert.equal(await test(compile('needle'), big), true);
  });
});

describe('filter scan', () => {
  it('finds every match in order, in slices, and then follows new entries', () => {
    const log = new EntryLog();
    for (let i = 0; i < 100_000; i++) log.append(i % 3 === 0 ? Direction.Out : Direction.In, Kind.Text, enc(`m ${i}`));
    const scan = new FilterScan(7, compile('', [Direction.Out]), log.firstSeq);
    const found: number[] = [];
    let slices = 0;
    while (!scan.isCaughtUp(log)) {
      // A zero budget still makes progress: the clock is read only every couple of thousand entries.
      found.push(...scan.advance(log, 0));
      slices++;
    }
    assert.ok(slices > 1, 'the scan was cut into slices');
    assert.equal(found.length, 33_334);
    assert.equal(found[0], 0);
    assert.equal(found.at(-1), 99_999);
    assert.ok(found.every((s, i) => i === 0 || s > found[i - 1]!));
    log.append(Direction.Out, Kind.Text, enc('late'));
    log.append(Direction.In, Kind.Text, enc('late in'));
    assert.deepEqual([...scan.advance(log, 10)], [100_000]);
    assert.equal(scan.scannedTo, log.nextSeq);
  });

  it('runs a regular expression that is not literal alternatives on the pattern worker, never here', () => {
    assert.deepEqual(compile('/(a+)+$/').offThread, { regex: { body: '(a+)+$', flags: '' } });
    assert.deepEqual(compile('/^x/gi').offThread, { regex: { body: '^x', flags: 'i' } });
    assert.throws(() => compile('/(a+)+$/').matches((Direction.In << 4) | Kind.Text, enc('a'), 0, 1), /pattern worker/);
    for (const fast of ['/error|warn/i', 'plain text', '']) assert.equal(compile(fast).offThread, undefined, fast);
  });

  it('gives up a catastrophic regex on the worker without blocking the event loop, and names the entry', async () => {
    const log = new EntryLog();
    log.append(Direction.In, Kind.Text, enc('aaa'));
    log.append(Direction.In, Kind.Text, enc('a'.repeat(40) + '!'));
    log.append(Direction.In, Kind.Text, enc(' '.repeat(1024 * 1024)));
    const scan = new FilterScan(1, compile('/(a+)+$/'), log.firstSeq);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const slice = await scan.advanceOffThread(log, 100, runner);
    delay.disable();
    assert.equal(slice.tooSlowAt, 1);
    assert.deepEqual(marked(slice), [0], 'the entries before it keep their result');
    assert.ok(delay.max / 1e6 < 100, `the event loop was blocked for ${(delay.max / 1e6).toFixed(1)} ms`);
  });

  it('applies the direction and kind masks before the pattern: other entries never reach the worker', async () => {
    const log = new EntryLog();
    log.append(Direction.In, Kind.Text, enc('a'.repeat(40) + '!'));
    log.append(Direction.Out, Kind.Text, enc('aaa'));
    log.append(Direction.Out, Kind.Binary, enc('aaa'));
    const scan = new FilterScan(1, compile('/(a+)+$/', [Direction.Out], [Kind.Text]), log.firstSeq);
    const slice = await scan.advanceOffThread(log, 100, runner);
    assert.equal(slice.tooSlowAt, undefined);
    assert.deepEqual(marked(slice), [1]);
    assert.ok(scan.isCaughtUp(log));
  });

  it('matches what the log held when the slice began, though the log recycles that memory while the worker runs', async () => {
    const log = new EntryLog({ maxBytes: 2 * 1024 * 1024 });
    for (let i = 0; i < 4; i++) log.append(Direction.In, Kind.Text, enc(`keep ${i} ok`));
    const views = [0, 1, 2, 3].map((seq) => log.payload(seq)!);
    const scan = new FilterScan(1, compile('/^keep \\d ok$/'), log.firstSeq);
    const running = scan.advanceOffThread(log, 100, runner);
    assert.ok(scan.busy);
    // Evicts every entry the slice took and writes new ones into their memory before the worker answers.
    const filler = new Uint8Array(200 * 1024).fill(0x67);
    for (let i = 0; i < 100; i++) log.append(Direction.In, Kind.Text, filler);
    assert.ok(views.every((v) => v[0] === 0x67), 'the slabs were reused');
    const slice = await running;
    assert.equal(scan.busy, false);
    assert.deepEqual(marked(slice), [0, 1, 2, 3]);
    assert.equal(scan.scannedTo, 4);
  });

  /** A listener's peer log: the peer's messages, the user's own sends, and a rule's replies (marked auto-replies). */
  function peerLogWithAutoReplies(): EntryLog {
    const log = new EntryLog();
    const rule = { rule: 1, match: 'ping' };
    log.append(Direction.Meta, Kind.Open, enc('open'));
    for (let i = 0; i < 3; i++) {
      log.append(Direction.In, Kind.Text, enc(`ping ${i}`));
      log.autoReplying(rule, () => log.append(Direction.Out, Kind.Text, enc(`pong ${i}`)));
    }
    log.append(Direction.Out, Kind.Text, enc('pong by hand'));
    return log;
  }

  it('shows only the auto-replies, or all but them, from the mark in the entry (by itself, with text and direction)', () => {
    const log = peerLogWithAutoReplies();
    const seqs = (f: CompiledFilter): number[] => [...new FilterScan(1, f, log.firstSeq).advance(log, 100)];
    assert.deepEqual(seqs(compile('', [], [], 'only')), [2, 4, 6]);
    assert.deepEqual(seqs(compile('', [], [], 'none')), [0, 1, 3, 5, 7]);
    assert.deepEqual(seqs(compile('pong', [], [], 'none')), [7]);
    assert.deepEqual(seqs(compile('pong 1', [], [], 'only')), [4]);
    assert.deepEqual(seqs(compile('', [Direction.Out], [], 'none')), [7]);
    assert.deepEqual(seqs(compile('', [Direction.In], [], 'only')), []);
    assert.deepEqual(seqs(compile('', [Direction.Out])), [2, 4, 6, 7], 'without the choice, auto-replies are entries like any');
  });

  it('applies the auto-reply choice before a pattern on the worker too', async () => {
    const log = peerLogWithAutoReplies();
    const only = await new FilterScan(1, compile('/^p(o|i)ng (\\d)$/', [], [], 'only'), log.firstSeq).advanceOffThread(log, 100, runner);
    assert.deepEqual(marked(only), [2, 4, 6]);
    const none = await new FilterScan(1, compile('/^p(o|i)ng (\\d)$/', [], [], 'none'), log.firstSeq).advanceOffThread(log, 100, runner);
    assert.deepEqual(marked(none), [1, 3, 5]);
  });

  it('skips entries evicted while it was scanning', () => {
    const log = new EntryLog({ maxEntries: 1000 });
    for (let i = 0; i < 1000; i++) log.append(Direction.In, Kind.Text, enc(`a${i}`));
    const scan = new FilterScan(1, compile('a'), log.firstSeq);
    for (let i = 0; i < 500; i++) log.append(Direction.In, Kind.Text, enc(`a${1000 + i}`));
    const seqs = [...scan.advance(log, 100)];
    assert.equal(seqs[0], 500);
    assert.equal(seqs.length, 1000);
  });
});
