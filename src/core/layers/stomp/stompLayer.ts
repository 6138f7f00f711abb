// The STOMP layer as the registry knows it: settings, secrets, detection, decoder, and the session it
// starts on a connection. Registered once, when src/core/layers/index.ts imports this module.
import { registerLayer, type LayerEvidence, type LayerFactory } from '../layerRegistry';
import { stompDecoder } from './stompDecoder';
import { STOMP_SUBPROTOCOLS, versionOfSubprotocol } from './stompFrame';
import { parseStomp } from './stompParser';
import { StompSession } from './stompSession';
import { parseStompSettings, type StompSettings } from './stompSettings';

/** A first message received that is a CONNECTED frame (possibly after heart-beat EOLs). */
function startsWithConnected(message: Uint8Array | undefined): boolean {
  if (!message || message.length === 0) return false;
  // Only the head is looked at: the command line comes first.
  const first = parseStomp(message.subarray(0, Math.min(message.length, 4096)));
  const frame = first.items.find((i) => i.type === 'frame');
  return (frame?.type === 'frame' ? frame.command : first.partial?.command) === 'CONNECTED';
}

export const stompLayer: LayerFactory<StompSettings> = {
  id: 'stomp',
  label: 'STOMP',
  parseSettings: parseStompSettings,
  secretFields: ['passcode'],
  webSocketSubprotocols: STOMP_SUBPROTOCOLS,
  detect(evidence: LayerEvidence): boolean {
    return versionOfSubprotocol(evidence.subprotocol) !== undefined || startsWithConnected(evidence.firstMessage);
  },
  decoder: stompDecoder,
  start: (connection, settings) => new StompSession(connection, settings),
};

/**
 * The WebSocket subprotocols a connection must offer for STOMP (Sec-WebSocket-Protocol); RabbitMQ and
 * most brokers refuse or fall back without one. The connect command adds them when the STOMP layer is
 * chosen.
 */
export const stompSubprotocols: readonly string[] = STOMP_SUBPROTOCOLS;

registerLayer(stompLayer);
