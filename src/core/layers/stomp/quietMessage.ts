// What the STOMP session may pass over without parsing: a MESSAGE frame asks nothing of the session (it
// reads CONNECTED, RECEIPT and ERROR, and counts every read for the heart-beats), so a flood of them is
// recorded without parsing each. Looked at byte by byte on the ingest path; the rows decode them when shown.

const MESSAGE = [0x4d, 0x45, 0x53, 0x53, 0x41, 0x47, 0x45]; // "MESSAGE"
const LF = 0x0a;
const CR = 0x0d;

/** Whether `bytes` is exactly one MESSAGE frame: the command, and one NUL, its last byte. */
export function isQuietMessage(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n < MESSAGE.length + 2 || bytes[n - 1] !== 0) return false;
  for (let i = 0; i < MESSAGE.length; i++) if (bytes[i] !== MESSAGE[i]) return false;
  const eol = bytes[MESSAGE.length];
  if (eol !== LF && !(eol === CR && bytes[MESSAGE.length + 1] === LF)) return false;
  // Another NUL before the end: a body with content-length, or more than one frame; parsed as usual.
  return bytes.indexOf(0) === n - 1;
}
