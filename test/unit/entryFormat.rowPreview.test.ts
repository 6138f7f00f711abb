// Row previews of WebSocket control frames: a ping or pong payload that is not text reads as hex in every
// row, whichever bytes it holds; text reads as text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { rowPreview } from '../../webview/entryFormat';

const row = (kind: number, bytes: number[]) => rowPreview(Direction.In, kind, 0, bytes.length, new Uint8Array(bytes));

describe('rowPreview of control frames', () => {
  it('shows binary ping and pong payloads as hex, with or without control bytes', () => {
    // High bytes that are not UTF-8 (no control characters among them), and bytes with NULs.
    assert.equal(row(Kind.Ping, [0xde, 0xad, 0xbe, 0xef, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47]), 'de ad be ef 41 42 43 44 45 46 47');
    assert.equal(row(Kind.Ping, [0x00, 0x01, 0x02, 0xff]), '00 01 02 ff');
    assert.equal(row(Kind.Pong, [0x80, 0x81, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69]), '80 81 61 62 63 64 65 66 67 68 69');
  });

  it('shows text ping and pong payloads as text', () => {
    assert.equal(row(Kind.Ping, [...new TextEncoder().encode('keepalive ü')]), 'keepalive ü');
    assert.equal(row(Kind.Pong, []), '(empty)');
  });
});
