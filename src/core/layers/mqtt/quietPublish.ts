// What the MQTT session may pass over without parsing: a PUBLISH at QoS 0 asks for no answer, so a
// flood of them is recorded without the session copying and parsing each (it answers QoS 1 and 2,
// PINGRESP, CONNACK, acks). Looked at byte by byte on the ingest path; the rows decode them when shown.

/** Whether `bytes` is exactly one QoS 0 PUBLISH (no DUP flag), whole and with its topic inside it. */
export function isQuietPublish(bytes: Uint8Array): boolean {
  const first = bytes[0];
  // Type 3, DUP 0 (a QoS 0 PUBLISH with DUP set is malformed: the session reports it), QoS 0; RETAIN either way.
  if (first === undefined || (first & 0xfe) !== 0x30) return false;
  // The remaining length: a variable byte integer of one to four bytes.
  let remaining = 0;
  let multiplier = 1;
  let i = 1;
  for (;;) {
    const b = bytes[i++];
    if (b === undefined || i > 5) return false;
    remaining += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) break;
    multiplier *= 128;
  }
  if (i + remaining !== bytes.length || remaining < 2) return false;
  const topicLength = (bytes[i]! << 8) | bytes[i + 1]!;
  return i + 2 + topicLength <= bytes.length;
}
