// What the blaster puts on the wire, built once: a WebSocket handshake answer and chunks of ready-made
// frames (or newline-terminated lines), so that sending costs one socket write per chunk and the blaster
// is never the bottleneck of what it measures.
import { createHash } from 'node:crypto';

/** Protocols the ingest benchmark floods. */
export type WireProtocol = 'ws' | 'tcp-lines';

/**
 * What the WebSocket messages are: JSON-looking text, or the packets of a protocol layer the recorder
 * speaks (Socket.IO EVENT text, MQTT PUBLISH QoS 0 binary, STOMP MESSAGE text), each of the same size.
 */
export type WireFlavor = 'plain' | 'socketio' | 'mqtt' | 'stomp' | 'msgpack';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Bytes per chunk written by the blaster (a whole number of messages, at least a few). */
const CHUNK_BYTES = 256 * 1024;

/** An ASCII, JSON-looking payload of exactly `size` bytes, without a newline. */
export function samplePayload(size: number): Buffer {
  if (size < samplePayload.minimum) return Buffer.alloc(size, 'x');
  return Buffer.from(SAMPLE_HEAD + 'x'.repeat(size - samplePayload.minimum) + SAMPLE_TAIL, 'latin1');
}
const SAMPLE_HEAD = '{"type":"tick","symbol":"ABC","price":101.25,"pad":"';
const SAMPLE_TAIL = '"}';
/** The least size at which the sample is a JSON object. */
samplePayload.minimum = SAMPLE_HEAD.length + SAMPLE_TAIL.length;

/** `size` bytes of a layer's packet whose body is the JSON-looking sample (at least the packet's head). */
function layerPayload(flavor: Exclude<WireFlavor, 'plain'>, size: number): Buffer {
  switch (flavor) {
    case 'socketio': {
      // An EVENT without an ack id on the main namespace: 42["tick",{…}]
      const head = Buffer.from('42["tick",', 'latin1');
      const n = Math.max(2, size - head.length - 1);
      // Valid JSON either way: the sample object, or a string when the object does not fit.
      const arg = n >= samplePayload.minimum ? samplePayload(n) : Buffer.from(`"${'x'.repeat(n - 2)}"`, 'latin1');
      return Buffer.concat([head, arg, Buffer.from(']')]);
    }
    case 'stomp': {
      const head = Buffer.from('MESSAGE\ndestination:/t\nmessage-id:1\nsubscription:0\n\n', 'latin1');
      return Buffer.concat([head, samplePayload(Math.max(2, size - head.length - 1)), Buffer.from([0])]);
    }
    case 'mqtt': {
      // PUBLISH QoS 0 (MQTT 5, the layer's default): fixed header, topic, no properties, payload; the
      // remaining length in one or two bytes.
      const topic = Buffer.from('sensors/7', 'latin1');
      const headLength = size - 2 < 128 ? 2 : 3;
      const body = samplePayload(Math.max(2, size - headLength - 2 - topic.length - 1));
      const remaining = 2 + topic.length + 1 + body.length;
      const fixed = remaining < 128 ? Buffer.from([0x30, remaining]) : Buffer.from([0x30, (remaining & 0x7f) | 0x80, remaining >> 7]);
      const topicLength = Buffer.from([topic.length >> 8, topic.length & 0xff]);
      return Buffer.concat([fixed, topicLength, topic, Buffer.from([0]), body]);
    }
    case 'msgpack': {
      // {"pad": "xxx…"}: fixmap of 1, fixstr key, str8 value (up to 255 bytes), else str16.
      const head = Buffer.from([0x81, 0xa3, 0x70, 0x61, 0x64]);
      const n = Math.max(0, size - head.length - (size - head.length - 2 <= 0xff ? 2 : 3));
      const str = n <= 0xff ? Buffer.from([0xd9, n]) : Buffer.from([0xda, n >> 8, n & 0xff]);
      return Buffer.concat([head, str, Buffer.alloc(n, 'x')]);
    }
  }
}

/** The payload of one flood message of `flavor`. */
export function flavorPayload(flavor: WireFlavor, size: number): Buffer {
  return flavor === 'plain' ? samplePayload(size) : layerPayload(flavor, size);
}

/**
 * What the server says so that the layer's session is up, as a server would: a greeting at once
 * (Socket.IO's open packet) and an answer to the client's first message (Socket.IO's namespace CONNECT,
 * MQTT 5's CONNACK, STOMP's CONNECTED; what the client said is read and dropped). A bare client says
 * nothing and gets no answer; the flood does not wait for it.
 */
export function wsHandshake(flavor: WireFlavor): { greeting: Buffer; answer: Buffer } {
  const text = (t: string): Buffer => {
    const payload = Buffer.from(t, 'latin1');
    return Buffer.concat([wsFrameHeader(payload.length), payload]);
  };
  const none = Buffer.alloc(0);
  switch (flavor) {
    case 'plain':
    case 'msgpack':
      return { greeting: none, answer: none };
    case 'socketio':
      return {
        greeting: text('0{"sid":"bench","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}'),
        answer: text('40{"sid":"bench-ns"}'),
      };
    case 'mqtt':
      return { greeting: none, answer: Buffer.concat([wsFrameHeader(5, true), Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00])]) };
    case 'stomp':
      return { greeting: none, answer: text('CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0') };
  }
}

/** The header of an unmasked server-to-client text (or binary) frame carrying `size` bytes. */
export function wsFrameHeader(size: number, binary = false): Buffer {
  const op = binary ? 0x82 : 0x81;
  if (size < 126) return Buffer.from([op, size]);
  if (size <= 0xffff) {
    const h = Buffer.alloc(4);
    h[0] = op;
    h[1] = 126;
    h.writeUInt16BE(size, 2);
    return h;
  }
  const h = Buffer.alloc(10);
  h[0] = op;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(size), 2);
  return h;
}

/** One message as it travels on the wire. */
export function wireMessage(protocol: WireProtocol, size: number, flavor: WireFlavor = 'plain'): Buffer {
  if (protocol !== 'ws') return Buffer.concat([samplePayload(size), Buffer.from('\n')]);
  const payload = flavorPayload(flavor, size);
  return Buffer.concat([wsFrameHeader(payload.length, flavor === 'mqtt' || flavor === 'msgpack'), payload]);
}

/** A chunk of whole messages and how many it holds. */
export function wireChunk(protocol: WireProtocol, size: number, flavor: WireFlavor = 'plain'): { chunk: Buffer; messages: number } {
  const one = wireMessage(protocol, size, flavor);
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
