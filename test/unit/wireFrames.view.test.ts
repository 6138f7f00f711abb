// The pure parts of the Frames tab and the composer's WebSocket options: the summary line, what counts
// as a compressed frame, and the checks on close codes, frame counts and control payloads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FramesResult, WireFrameInfo } from '../../shared/wireFrames';
import { closeCodeNote, closeCodeProblem, controlPayloadProblem, fragmentsProblem } from '../../webview/composerChecks';
import { framesSummary, isCompressedFrame } from '../../webview/framesSummary';

function frame(fields: Partial<WireFrameInfo>): WireFrameInfo {
  return {
    index: 0,
    position: 0,
    direction: 1,
    fin: true,
    rsv1: false,
    rsv2: false,
    rsv3: false,
    opcode: 1,
    masked: true,
    maskKey: '01020304',
    payloadLength: 0,
    headerLength: 6,
    wallTime: 0,
    anomalies: [],
    ...fields,
  };
}

function result(frames: WireFrameInfo[], fields: Partial<FramesResult> = {}): FramesResult {
  return {
    seq: 1,
    available: true,
    frames,
    total: frames.length,
    wireBytes: frames.reduce((s, f) => s + f.payloadLength, 0),
    messageLength: frames.reduce((s, f) => s + f.payloadLength, 0),
    deflate: false,
    ...fields,
  };
}

describe('Frames tab summary', () => {
  it('counts frames, payload and header bytes, and the message', () => {
    const r = result([frame({ fin: false, payloadLength: 6 }), frame({ opcode: 0, payloadLength: 5 }), frame({ opcode: 0, payloadLength: 5 })]);
    assert.equal(framesSummary(r), '3 frames · 16 B payload + 18 B headers on the wire · message 16 B');
    assert.equal(framesSummary(result([frame({ payloadLength: 1 })])), '1 frame · 1 B payload + 6 B headers on the wire · message 1 B');
  });

  it('sets the wire size against the message when the first frame is compressed', () => {
    const r = result([frame({ rsv1: true, payloadLength: 9 })], { deflate: true, messageLength: 800 });
    assert.equal(framesSummary(r), '1 frame · 9 B payload + 6 B headers on the wire · compressed: 9 B on the wire for a 800 B message (1%)');
  });

  it('leaves out the headers when not every frame is listed', () => {
    const r = result([frame({ fin: false, payloadLength: 1 })], { total: 5000, wireBytes: 5000, messageLength: 5000 });
    assert.equal(framesSummary(r), '5,000 frames · 4.9 KiB payload on the wire · message 4.9 KiB');
  });

  it('calls only a message\'s RSV1 first frame compressed, and only with permessage-deflate', () => {
    assert.equal(isCompressedFrame(frame({ rsv1: true }), true), true);
    assert.equal(isCompressedFrame(frame({ rsv1: true, opcode: 2 }), true), true);
    assert.equal(isCompressedFrame(frame({ rsv1: true }), false), false);
    assert.equal(isCompressedFrame(frame({ rsv1: true, opcode: 0 }), true), false);
    assert.equal(isCompressedFrame(frame({ rsv1: true, opcode: 9 }), true), false);
    assert.equal(isCompressedFrame(frame({ rsv1: false }), true), false);
  });
});

describe('composer checks for WebSocket testing', () => {
  it('accepts any close code a frame can carry, and notes the ones RFC 6455 does not allow', () => {
    for (const ok of ['0', '999', '1005', '1006', '1015', '5000', '65535', '1000', '4999']) assert.equal(closeCodeProblem(ok), undefined, ok);
    assert.match(closeCodeProblem('65536')!, /from 0 to 65535/);
    assert.match(closeCodeProblem('-1')!, /must be a number/);
    assert.match(closeCodeProblem('10.5')!, /must be a number/);
    for (const allowed of [1000, 1001, 1003, 1007, 1014, 3000, 4999]) assert.equal(closeCodeNote(allowed), undefined, String(allowed));
    for (const reserved of [0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535]) {
      assert.match(closeCodeNote(reserved)!, new RegExp(`^Close code ${reserved} is not allowed on the wire by RFC 6455`));
    }
  });

  it('takes 1 to 10,000 frames per message', () => {
    for (const ok of ['1', '3', ' 10000 ']) assert.equal(fragmentsProblem(ok), undefined, ok);
    for (const bad of ['0', '10001', '2.5', '', 'three', '-2']) assert.match(fragmentsProblem(bad)!, /from 1 to 10000/, bad);
  });

  it('keeps ping and pong payloads within 125 bytes of UTF-8', () => {
    assert.equal(controlPayloadProblem('x'.repeat(125)), undefined);
    assert.match(controlPayloadProblem('é'.repeat(63))!, /at most 125 bytes in UTF-8 \(this one is 126\)/);
  });
});
