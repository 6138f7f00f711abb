import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { EntryLog } from '../../src/core/log/entryLog';
import { FilterScan } from '../../src/panel/filterScan';
import { compileFilter, FILTER_SCAN_BYTES, type CompiledFilter } from '../../src/panel/logFilter';

const enc = (s: string) => new TextEncoder().encode(s);

function compile(text: string, directions: number[] = [], kinds: number[] = []): CompiledFilter {
  const c = compileFilter({ text, directions, kinds });
  if (!c.ok) throw new Error(c.message);
  return c.filter;
}

function test(f: CompiledFilter, payload: string | Uint8Array, direction: number = Direction.In, kind: number = Kind.Text): boolean {
  const bytes = typeof payload === 'string' ? enc(payload) : payload;
  return f.matches(direction, kind, bytes, 0, bytes.length);
}

describe('log filter', () => {
  it('decodes payloads as TextDecoder does: invalid bytes as U+FFFD, a BOM kept, a range of a larger buffer', () => {
    const bad = new Uint8Array([0x61, 0xff, 0x62, 0xe2, 0x82]);
    assert.equal(test(compile('/^a\uFFFDb\uFFFD$/'), bad), true);
    assert.equal(test(compile('/^\uFEFFx$/'), new Uint8Array([0xef, 0xbb, 0xbf, 0x78])), true);
    const slab = enc('xxHELLOyy');
    assert.equal(compile('/^HELLO$/').matches(Direction.In, Kind.Text, slab, 2, 7), true);
  });

  it('matches substrings case-insensitively, ASCII and beyond', () => {
    const f = compile('Hello');
    assert.equal(test(f, 'say HELLO world'), true);
    assert.equal(test(f, 'say hell o'), false);
    const g = compile('ÜBER');
    assert.equal(test(g, 'das ist über alles'), true);
    assert.equal(test(compile(''), 'anything'), true);
  });

  it('finds ASCII text around invalid UTF-8 like the decoded text would', () => {
    assert.equal(test(compile('ok'), new Uint8Array([0xff, 0x6f, 0x6b, 0xc3])), true);
  });

  it('honours /regex/flags, and treats a path like /api/users as text', () => {
    assert.equal(test(compile('/^ping \\d+$/'), 'ping 42'), true);
    assert.equal(test(compile('/^ping \\d+$/'), 'PING 42'), false);
    assert.equal(test(compile('/^ping \\d+$/i'), 'PING 42'), true);
    assert.equal(test(compile('/api/users'), 'GET /api/users HTTP/1.1'), true);
    assert.equal(test(compile('/api/users'), 'api'), false);
    // The global flag must not make repeated tests alternate.
    const g = compile('/a/g');
    assert.deepEqual([test(g, 'a'), test(g, 'a'), test(g, 'a')], [true, true, true]);
  });

  it('answers a regex of literal alternatives exactly as the RegExp would', () => {
    const payloads = ['error: disk', 'WARN low', 'all fine', 'über error', '', 'err or', 'a-b:c', new Uint8Array([0xff, 0x77, 0x61, 0x72, 0x6e])];
    for (const source of ['/error|warn/', '/error|warn/i', '/ERROR/im', '/a-b:c|x y/u', '/er+or/', '/w.rn/', '/error|/']) {
      const f = compile(source);
      const [, body, flags] = /^\/(.*)\/([a-z]*)$/.exec(source)!;
      const re = new RegExp(body!, flags);
      for (const p of payloads) {
        const text = typeof p === 'string' ? p : new TextDecoder().decode(p);
        assert.equal(test(f, p), re.test(text), `${source} on ${JSON.stringify(text)}`);
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

  it('filters by direction and kind sets', () => {
    const f = compile('', [Direction.Out], [Kind.Text, Kind.Binary]);
    assert.equal(test(f, 'x', Direction.Out, Kind.Binary), true);
    assert.equal(test(f, 'x', Direction.In, Kind.Binary), false);
    assert.equal(test(f, 'x', Direction.Out, Kind.Ping), false);
  });

  it('searches only the first FILTER_SCAN_BYTES of a payload', () => {
    const big = new Uint8Array(FILTER_SCAN_BYTES + 10).fill(0x2e);
    big.set(enc('needle'), FILTER_SCAN_BYTES + 2);
    assert.equal(test(compile('needle'), big), false);
    big.set(enc('needle'), 100);
    assert.equal(test(compile('needle'), big), true);
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
