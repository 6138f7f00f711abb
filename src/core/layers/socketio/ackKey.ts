// A Socket.IO message's part in an acknowledgement, read from its header only (Engine.IO message type,
// Socket.IO packet type, attachment count, namespace, ack id), for the Timing panel: an EVENT or
// BINARY_EVENT with an ack id asks, the ACK or BINARY_ACK with that id in the same namespace, going the
// other way, answers. Nothing past the ack id is read, so a long event costs what a short one does.
import { Direction, Kind } from '../../../../shared/logModel';
import type { AckKey } from '../../timing/ackPairing';

/** Namespaces longer than this are not read for timing (the packet still decodes). */
const MAX_NAMESPACE_BYTES = 256;
/** Ack ids are integers below 2^53: 16 digits at most. */
const MAX_ACK_DIGITS = 16;

const utf8 = new TextDecoder('utf-8');

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/** The AckKey of one logged message, or undefined when it neither asks for nor gives an acknowledgement. */
export function socketIoAckKey(direction: number, kind: number, bytes: Uint8Array, start: number, end: number): AckKey | undefined {
  // '4' (Engine.IO message), then the Socket.IO type: 2 EVENT, 3 ACK, 5 BINARY_EVENT, 6 BINARY_ACK.
  if (kind !== Kind.Text || end - start < 4 || bytes[start] !== 0x34) return undefined;
  const type = bytes[start + 1]! - 0x30;
  const asks = type === 2 || type === 5;
  if (!asks && type !== 3 && type !== 6) return undefined;
  let i = start + 2;
  if (type === 5 || type === 6) {
    const count = i;
    while (i < end && isDigit(bytes[i])) i++;
    if (i === count || bytes[i] !== 0x2d) return undefined;
    i++;
  }
  let namespace = '/';
  if (bytes[i] === 0x2f) {
    const limit = Math.min(end, i + MAX_NAMESPACE_BYTES);
    let comma = i;
    while (comma < limit && bytes[comma] !== 0x2c) comma++;
    if (comma >= limit) return undefined;
    namespace = utf8.decode(bytes.subarray(i, comma));
    i = comma + 1;
  }
  const digits = i;
  while (i < end && i - digits < MAX_ACK_DIGITS && isDigit(bytes[i])) i++;
  // The ack id, then the JSON array of arguments.
  if (i === digits || bytes[i] !== 0x5b) return undefined;
  const ackId = utf8.decode(bytes.subarray(digits, i)).replace(/^0+(?=\d)/, '');
  const asker = (asks ? direction : direction === Direction.In ? Direction.Out : Direction.In) === Direction.In ? 'in' : 'out';
  return {
    role: asks ? 'request' : 'response',
    key: `${asker} ${namespace} ${ackId}`,
    label: namespace === '/' ? ackId : `${ackId} ${namespace}`,
  };
}
