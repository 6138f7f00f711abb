// What the blaster puts on the wire, built once: a WebSocket handshake answer and chunks of ready-made
// frames (or newline-terminated lines), so that sending costs one socket write per chunk and the blaster
// is never the bottleneck of what it measures.
import { createHash } from 'node:crypto';

/** Protocols the ingest benchmark floods. */
export type WireProtocol = 'ws' | 'tcp-lines';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Bytes per chunk written by the blaster (a whole number of messages, at least a few). */
const CHUNK_BYTES = 256 * 1024;

/** An ASCII, JSON-looking payload of exactly `size` bytes, without a newline. */
export function samplePayload(size: number): Buffer {
  const head = '{"type":"tick","symbol":"ABC","price":101.25,"pad":"';
  const tail = '"}';
  if (size < head.length + tail.length) return Buffer.alloc(size, 'x');
  return Buffer.from(head + 'x'.repeat(size - head.length - tail.length) + tail, 'latin1');
}

/** The header of an unmasked server-to-client text frame carrying `size` bytes. */
export function wsFrameHeader(size: number): Buffer {
  if (size < 126) return Buffer.from([0x81, size]);
  if (size <= 0xffff) {
    const h = Buffer.alloc(4);
    h[0] = 0x81;
    h[1] = 126;
    h.writeUInt16BE(size, 2);
    return h;
  }
  const h = Buffer.alloc(10);
  h[0] = 0x81;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(size), 2);
  return h;
}

/** One message as it travels on the wire. */
export function wireMessage(protocol: WireProtocol, size: number): Buffer {
  const payload = samplePayload(size);
  return protocol === 'ws' ? Buffer.concat([wsFrameHeader(size), payload]) : Buffer.concat([payload, Buffer.from('\n')]);
}

/** A chunk of whole messages and how many it holds. */
export function wireChunk(protocol: WireProtocol, size: number): { chunk: Buffer; messages: number } {
  const one = wireMessage(protocol, size);
  const messages = Math.max(4, Math.floor(CHUNK_BYTES / one.length));
  return { chunk: Buffer.concat(Array.from({ length: messages }, () => one)), messages };
}

/** The 101 answer to a WebSocket upgrade request (no extension, no subprotocol). */
export function upgradeResponse(request: string): Buffer | undefined {
  const key = /^sec-websocket-key:\s*(\S+)\s*$/im.exec(request)?.[1];
  if (!key) return undefined;
  const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
  return Buffer.from(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' + `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    'latin1',
  );
}

/** A minimal upgrade request, for the raw sink that checks the blaster alone. */
export function upgradeRequest(port: number): Buffer {
  return Buffer.from(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    'latin1',
  );
}
