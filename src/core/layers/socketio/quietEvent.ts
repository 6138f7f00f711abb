// What the Socket.IO session may pass over without decoding: most of a flood is EVENT packets without an
// ack id (`42["tick",…]`, `42/chat,["msg",…]`), and the session acts on none of them (it answers pings,
// tracks namespaces and pairs acks and binary attachments). Looked at byte by byte on the ingest path,
// so the flood is recorded at the speed of a plain WebSocket; the rows decode them when shown.

const ENGINE_MESSAGE = 0x34; // '4'
const SIO_EVENT = 0x32; // '2'
const SLASH = 0x2f;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
/** Longest namespace looked through before giving up (the packet is then decoded as any other). */
const MAX_NAMESPACE_BYTES = 256;

/** Whether a text message is an EVENT with no ack id and no attachments: nothing for the session to do. */
export function isQuietEvent(bytes: Uint8Array): boolean {
  if (bytes.length < 3 || bytes[0] !== ENGINE_MESSAGE || bytes[1] !== SIO_EVENT) return false;
  let i = 2;
  if (bytes[i] === SLASH) {
    const end = Math.min(bytes.length, i + MAX_NAMESPACE_BYTES);
    while (i < end && bytes[i] !== COMMA) i++;
    if (i === end) return false;
    i++;
  }
  // The arguments follow at once: an ack id (digits) would come first.
  return bytes[i] === OPEN_BRACKET;
}
