// The words for a broken frame, for every code ws raises on one, and the limit ws can actually keep.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toSocketInspectorError } from '../../src/core/errors/systemErrors';
import { effectiveMaxPayload } from '../../src/core/connection/wsConnection';
import { explainFrameError, formatByteLimit, frameErrorMessage } from '../../src/core/errors/wsFrameErrors';
import { describeReceiverProgress } from '../../src/core/receive/wsReceiverProgress';

/** Every receiver error code of ws 8 (node_modules/ws/lib/receiver.js) with a message it uses. */
const WS_RECEIVER_ERRORS: ReadonlyArray<readonly [code: string, message: string, closeCode: number]> = [
  ['WS_ERR_INVALID_OPCODE', 'Invalid WebSocket frame: invalid opcode 5', 1002],
  ['WS_ERR_UNEXPECTED_RSV_1', 'Invalid WebSocket frame: RSV1 must be clear', 1002],
  ['WS_ERR_UNEXPECTED_RSV_2_3', 'Invalid WebSocket frame: RSV2 and RSV3 must be clear', 1002],
  ['WS_ERR_EXPECTED_FIN', 'Invalid WebSocket frame: FIN must be set', 1002],
  ['WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', 'Invalid WebSocket frame: invalid payload length 200', 1002],
  ['WS_ERR_EXPECTED_MASK', 'Invalid WebSocket frame: MASK must be set', 1002],
  ['WS_ERR_UNEXPECTED_MASK', 'Invalid WebSocket frame: MASK must be clear', 1002],
  ['WS_ERR_INVALID_CLOSE_CODE', 'Invalid WebSocket frame: invalid status code 1006', 1002],
  ['WS_ERR_INVALID_UTF8', 'Invalid WebSocket frame: invalid UTF-8 sequence', 1007],
  ['WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 'Unsupported WebSocket frame: payload length > 2^53 - 1', 1009],
  ['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 'Max payload size exceeded', 1009],
  ['WS_ERR_TOO_MANY_BUFFERED_PARTS', 'Too many message fragments', 1008],
  ['WS_ERR_TOO_MANY_BUFFERED_PARTS', 'Too many buffered chunks', 1008],
];

describe('explainFrameError', () => {
  for (const [code, message, closeCode] of WS_RECEIVER_ERRORS) {
    it(`${code} (${message}): plain words and close code ${closeCode}`, () => {
      const e = explainFrameError(code, message, { maxPayload: 1024 });
      assert.ok(e, 'explained');
      assert.equal(e.closeCode, closeCode);
      const text = frameErrorMessage('example.test:80', e);
      assert.match(text, new RegExp(`^example\\.test:80 sent .+; the connection was closed with code ${closeCode} \\([a-z ]+\\)\\.`));
      // The person reads no ws jargon.
      assert.doesNotMatch(text, /WS_ERR|must be clear|must be set|Invalid WebSocket frame/);
    });
  }

  it('names the opcode, the control payload length and the close code it was given', () => {
    assert.match(explainFrameError('WS_ERR_INVALID_OPCODE', 'invalid opcode 15')!.what, /opcode 15 \(0xF\).*control frames/);
    assert.match(explainFrameError('WS_ERR_INVALID_OPCODE', 'invalid opcode 1')!.what, /new text frame while a fragmented message/);
    assert.match(explainFrameError('WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', 'invalid payload length 200')!.what, /200-byte payload/);
    assert.match(explainFrameError('WS_ERR_INVALID_CLOSE_CODE', 'invalid status code 1006')!.what, /code 1006/);
  });

  it('says RSV1 differently when permessage-deflate was negotiated', () => {
    assert.match(explainFrameError('WS_ERR_UNEXPECTED_RSV_1', '', { deflate: false })!.what, /no extension/);
    assert.match(explainFrameError('WS_ERR_UNEXPECTED_RSV_1', '', { deflate: true })!.what, /control or continuation frame/);
  });

  it('treats zlib errors as a frame error only on a deflate connection', () => {
    assert.equal(explainFrameError('Z_DATA_ERROR', 'invalid block type', { deflate: false }), undefined);
    assert.equal(explainFrameError('Z_DATA_ERROR', 'invalid block type', { deflate: true })!.closeCode, 1007);
  });

  it('leaves other codes to the general mapping', () => {
    assert.equal(explainFrameError('ECONNRESET', 'read ECONNRESET'), undefined);
    assert.equal(explainFrameError(undefined, 'x'), undefined);
    const e = toSocketInspectorError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), { peer: 'p:1', host: 'p' });
    assert.equal(e.code, 'RESET');
  });

  it('maps through toSocketInspectorError with the peer, the code and the system code', () => {
    const raw = Object.assign(new RangeError('Max payload size exceeded'), { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
    const e = toSocketInspectorError(raw, { peer: '127.0.0.1:9', host: '127.0.0.1', maxPayload: 100 * 1024 * 1024 });
    assert.equal(e.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(e.details.systemCode, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
    assert.match(e.message, /^127\.0\.0\.1:9 sent a message larger than the limit of 104857600 bytes \(100 MiB\)/);
    assert.match(e.message, /socketInspector\.maxMessageMegabytes/);
  });
});

describe('formatByteLimit and effectiveMaxPayload', () => {
  it('writes bytes, and MiB beside them from 1 MiB', () => {
    assert.equal(formatByteLimit(1023), '1023 bytes');
    assert.equal(formatByteLimit(1024 * 1024), '1048576 bytes (1 MiB)');
    assert.equal(formatByteLimit(1.5 * 1024 * 1024), '1572864 bytes (1.5 MiB)');
  });

  it('keeps every limit a limit in ws 32-bit arithmetic: whole bytes, at least 1, at most 2^31 − 1', () => {
    assert.equal(effectiveMaxPayload(undefined), 100 * 1024 * 1024);
    assert.equal(effectiveMaxPayload(1024), 1024);
    assert.equal(effectiveMaxPayload(1024.7), 1024);
    assert.equal(effectiveMaxPayload(0.5), 1);
    assert.equal(effectiveMaxPayload(2 ** 31), 2 ** 31 - 1);
    assert.equal(effectiveMaxPayload(2 ** 32 + 5), 2 ** 31 - 1);
    assert.equal(effectiveMaxPayload(Number.POSITIVE_INFINITY), 100 * 1024 * 1024);
    for (const v of [1, 1024, 2 ** 31, 2 ** 40, 1e300]) assert.ok((effectiveMaxPayload(v) | 0) > 0, `${v} stays positive in 32 bits`);
  });
});

describe('describeReceiverProgress', () => {
  it('says where a frame was cut, and nothing at a boundary or when unknown', () => {
    assert.equal(describeReceiverProgress({ at: 'payload', received: 3, length: 10 }), ' in the middle of a frame (3 of its 10 payload bytes had arrived)');
    assert.equal(describeReceiverProgress({ at: 'header', bytes: 1 }), ' in the middle of a frame header (1 byte of it had arrived)');
    assert.equal(describeReceiverProgress({ at: 'fragments', opcode: 2 }), ' in the middle of a fragmented binary message (its final fragment never arrived)');
    assert.equal(describeReceiverProgress({ at: 'boundary' }), '');
    assert.equal(describeReceiverProgress(undefined), '');
  });
});
