// Frames one outgoing message the way the matching decoder reads it, for the composer's "Add framing
// on send". A payload that cannot be framed (too long for its prefix, not the fixed size) is refused
// with a message saying why, rather than sent in a shape the peer would misread.
import { SocketInspectorError } from '../../../shared/errors';
import type { FramerSpec } from '../../../shared/framerSpec';

const PREFIX_MAX: Readonly<Record<1 | 2 | 4, number>> = { 1: 0xff, 2: 0xffff, 4: 0xffff_ffff };

/**
 * The bytes to send for `payload` under `spec`: payload then delimiter, length prefix then payload, or
 * the payload itself when it is exactly the fixed size. A payload containing the delimiter is sent as
 * given (the peer will see several messages). Throws PAYLOAD_TOO_LARGE or BAD_FRAMER.
 */
export function encodeFramed(spec: FramerSpec, payload: Uint8Array): Uint8Array {
  switch (spec.type) {
    case 'delimiter': {
      const out = new Uint8Array(payload.length + spec.delimiter.length);
      out.set(payload, 0);
      out.set(spec.delimiter, payload.length);
      return out;
    }
    case 'lengthPrefix': {
      const w = spec.width;
      const value = spec.includesHeader ? payload.length + w : payload.length;
      const limit = PREFIX_MAX[w];
      if (value > limit) {
        const most = spec.includesHeader ? limit - w : limit;
        throw new SocketInspectorError(
          'PAYLOAD_TOO_LARGE',
          `This message is ${payload.length} bytes; a ${w}-byte length prefix${spec.includesHeader ? ' that includes itself' : ''} can frame at most ${most}.`,
        );
      }
      const out = new Uint8Array(w + payload.length);
      const view = new DataView(out.buffer);
      if (w === 1) view.setUint8(0, value);
      else if (w === 2) view.setUint16(0, value, spec.littleEndian);
      else view.setUint32(0, value, spec.littleEndian);
      out.set(payload, w);
      return out;
    }
    case 'fixed': {
      if (payload.length !== spec.size) {
        throw new SocketInspectorError(
          'BAD_FRAMER',
          `Fixed-size framing sends exactly ${spec.size} bytes per message; this message is ${payload.length} bytes.`,
        );
      }
      return payload.slice();
    }
    case 'mqtt':
      return checkedMqttPacket(payload);
  }
}

/** MQTT packets carry their own framing: the payload is sent as it is, once it reads as exactly one packet. */
function checkedMqttPacket(payload: Uint8Array): Uint8Array {
  let remaining = 0;
  let multiplier = 1;
  for (let i = 1; i <= 4 && i < payload.length; i++) {
    remaining += (payload[i]! & 0x7f) * multiplier;
    multiplier *= 128;
    if ((payload[i]! & 0x80) === 0) {
      if (1 + i + remaining === payload.length) return payload.slice();
      break;
    }
  }
  throw new SocketInspectorError(
    'BAD_FRAMER',
    `MQTT framing sends whole MQTT packets; these ${payload.length} bytes are not one packet (a type byte, the remaining length, then exactly that many bytes).`,
  );
}
