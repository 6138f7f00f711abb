// How durations and round-trip summaries read in the panel.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, formatTimingSummary } from '../../webview/timingFormat';

describe('formatDuration', () => {
  it('keeps precision where it matters', () => {
    assert.equal(formatDuration(0.0421), '0.042 ms');
    assert.equal(formatDuration(3.44), '3.4 ms');
    assert.equal(formatDuration(250.4), '250 ms');
    assert.equal(formatDuration(1250), '1.25 s');
    assert.equal(formatDuration(12_340), '12.3 s');
    assert.equal(formatDuration(125_000), '2 min 5 s');
    assert.equal(formatDuration(3_725_000), '1 h 2 min');
    assert.equal(formatDuration(-2), '−2.0 ms');
    assert.equal(formatDuration(NaN), '?');
  });
});

describe('formatTimingSummary', () => {
  it('says nothing when nothing was paired or pinged', () => {
    assert.equal(formatTimingSummary(undefined), '');
    assert.equal(formatTimingSummary({ field: 'id' }), '');
  });

  it('lists JSON round trips and pings with their statistics and what is unanswered', () => {
    assert.equal(
      formatTimingSummary({
        field: 'params.requestId',
        json: { count: 12, unanswered: 2, minMs: 0.5, medianMs: 3.4, p95Ms: 20, maxMs: 1500 },
        ping: { count: 0, unanswered: 1 },
      }),
      'RTT (params.requestId) 12 · min 0.500 ms · med 3.4 ms · p95 20.0 ms · max 1.50 s · 2 unanswered  |  Ping 0 · 1 unanswered',
    );
  });
});
