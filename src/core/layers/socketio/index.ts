// The Socket.IO layer (protocol v5 over Engine.IO v4, WebSocket transport), registered by id.
import { SocketInspectorError } from '../../../../shared/errors';
import type { WebSocketConnection } from '../../connection/connectionTypes';
import { registerLayer, type LayerEvidence } from '../layerRegistry';
import { socketIoDecoder } from './socketIoDecoder';
import { SocketIoSession } from './socketIoSession';
import { parseSocketIoSettings, type SocketIoSettings } from './socketIoSettings';

export { SocketIoSession, formatMs } from './socketIoSession';
export type { SocketIoAckPair } from './ackPairs';
export type { SocketIoSettings } from './socketIoSettings';
export { socketIoDecoder } from './socketIoDecoder';

/** Socket.IO's Engine.IO open packet: `0{"sid":…`. */
const OPEN_PACKET = /^0\{\s*"sid"\s*:/;

/** Whether the wire says Socket.IO: the `/socket.io/` path, or a first message that is an Engine.IO open packet. */
export function detectSocketIo(evidence: LayerEvidence): boolean {
  if (evidence.path?.includes('/socket.io/')) return true;
  const first = evidence.firstMessage;
  if (!first || first.length < 8) return false;
  return OPEN_PACKET.test(new TextDecoder().decode(first.subarray(0, 32)));
}

registerLayer<SocketIoSettings>({
  id: 'socketio',
  label: 'Socket.IO',
  parseSettings: parseSocketIoSettings,
  // The CONNECT payload usually carries a token or credentials: kept in secret storage as a whole.
  secretFields: ['auth'],
  detect: detectSocketIo,
  decoder: socketIoDecoder,
  start(connection, settings) {
    if (connection.kind !== 'ws') {
      throw new SocketInspectorError('PROTOCOL', 'Socket.IO runs over WebSocket: open a socketio:// or ws:// connection for it');
    }
    return new SocketIoSession(connection as WebSocketConnection, settings);
  },
});
