import * as assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import { PatternBatch, PatternRunner, type PatternItems, type PatternSource } from '../../src/core/patterns/patternRunner';

const encoder = new TextEncoder();

function items(...texts: string[]): PatternItems {
  const parts = texts.map((t) => encoder.encode(t));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  const ends = new Uint32Array(parts.length);
  let at = 0;
  parts.forEach((p, i) => {
    bytes.set(p, at);
    at += p.length;
    ends[i] = at;
  });
  return { bytes, ends };
}

const regex = (body: string, flags = ''): PatternSource => ({ regex: { body, flags } });

/** Runs body while measuring how long the event loop is blocked at most (ms). */
async function maxLoopDelay(body: () => Promise<void>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  try {
    await body();
  } finally {
    histogram.disable();
  }
  return histogram.max / 1e6;
}

describe('PatternRunner', () => {
  test('reports, for each item, the first pattern that matches it', async () => {
    const runner = new PatternRunner();
    try {
      const result = await runner.run([{ substring: 'ping' }, regex('^\\{"id":\\d+'), regex('é$', 'u')], items('a ping', '{"id":7}', 'café', 'nothing', ''));
      assert.ok(result.ok);
      assert.deepEqual([...result.firstMatch], [0, 1, 2, -1, -1]);
    } finally {
      runner.dispose();
    }
  });

  test('decodes invalid UTF-8 as U+FFFD, as the host does', async () => {
    const runner = new PatternRunner();
    try {
      const bytes = new Uint8Array([0x61, 0xff, 0x62]);
      const result = await runner.run([regex('^a\\uFFFDb$')], { bytes, ends: Uint32Array.of(3) });
      assert.ok(result.ok);
      assert.deepEqual([...result.firstMatch], [0]);
    } finally {
      runner.dispose();
    }
  });

  test('gives up a catastrophic pattern within its deadline, without blocking the event loop, and names it', async () => {
    const runner = new PatternRunner(200);
    try {
      let result: Awaited<ReturnType<PatternRunner['run']>> | undefined;
      const started = performance.now();
      const blocked = await maxLoopDelay(async () => {
        result = await runner.run([{ substring: 'never' }, regex('^(\\w+\\s?)*$')], items('ok', 'fine', 'a'.repeat(40) + '!', 'later'));
      });
      const took = performance.now() - started;
      assert.ok(result && !result.ok, 'the run must report the timeout');
      assert.equal(result.pattern, 1);
      assert.equal(result.item, 2);
      assert.deepEqual([...result.firstMatch], [1, 1], 'results of the items before the culprit are kept');
      assert.ok(blocked < 100, `the event loop was blocked for ${blocked.toFixed(1)} ms`);
      assert.ok(took < 3000, `giving up took ${took.toFixed(0)} ms`);
    } finally {
      runner.dispose();
    }
  });

  test('a quadratic pattern over a megabyte of spaces is given up too', async () => {
    const runner = new PatternRunner(200);
    try {
      let result: Awaited<ReturnType<PatternRunner['run']>> | undefined;
      const blocked = await maxLoopDelay(async () => {
        result = await runner.run([regex('\\s+$')], items(' '.repeat(1024 * 1024) + 'x'));
      });
      assert.ok(result && !result.ok);
      assert.equal(result.item, 0);
      assert.ok(blocked < 100, `the event loop was blocked for ${blocked.toFixed(1)} ms`);
    } finally {
      runner.dispose();
    }
  });

  test('runs again after giving up (on a fresh worker), and queued runs go in order', async () => {
    const runner = new PatternRunner(150);
    try {
      const slow = runner.run([regex('^(a+)+$')], items('a'.repeat(40) + '!'));
      const after = runner.run([regex('b')], items('abc', 'xyz'));
      const first = await slow;
      assert.equal(first.ok, false);
      const second = await after;
      assert.ok(second.ok);
      assert.deepEqual([...second.firstMatch], [0, -1]);
    } finally {
      runner.dispose();
    }
  });

  test('reads its own copy: the caller may reuse its buffer as soon as run() returns', async () => {
    const runner = new PatternRunner();
    try {
      const input = items('hello');
      const running = runner.run([{ substring: 'hello' }], input);
      input.bytes.fill(0x7a);
      const result = await running;
      assert.ok(result.ok);
      assert.deepEqual([...result.firstMatch], [0]);
    } finally {
      runner.dispose();
    }
  });

  test('dispose rejects the running and the queued runs', async () => {
    const runner = new PatternRunner(10_000);
    const running = runner.run([regex('^(a+)+$')], items('a'.repeat(40) + '!'));
    const queued = runner.run([{ substring: 'x' }], items('x'));
    runner.dispose();
    await assert.rejects(running, /disposed/);
    await assert.rejects(queued, /disposed/);
    await assert.rejects(runner.run([{ substring: 'x' }], items('x')), /disposed/);
  });
});

describe('PatternBatch', () => {
  test('gathers copies of ranges as items, growing as needed, and hands them over whole', async () => {
    const batch = new PatternBatch();
    const source = encoder.encode('xxhelloyy');
    batch.add(source, 2, 7);
    const long = 'z'.repeat(40_000);
    batch.add(encoder.encode(long));
    batch.add(source, 0, 0);
    for (let i = 0; i < 100; i++) batch.add(encoder.encode(`item ${i}`));
    source.fill(0x21);
    assert.equal(batch.length, 103);
    const items = batch.take();
    assert.equal(batch.length, 0, 'the batch starts over');
    assert.equal(batch.byteLength, 0);
    const runner = new PatternRunner();
    try {
      const result = await runner.run([{ substring: 'hello' }, regex('^z+$'), regex('^$'), regex('^item 99$')], items, true);
      assert.ok(result.ok);
      assert.deepEqual([...result.firstMatch.subarray(0, 3)], [0, 1, 2]);
      assert.equal(result.firstMatch[102], 3);
      assert.equal(items.bytes.byteLength, 0, 'handed over: the worker owns the bytes now');
    } finally {
      runner.dispose();
    }
  });
});
