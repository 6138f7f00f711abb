// The MQTT layer as the registry knows it: settings, detection by the WebSocket subprotocol, the
// decoder, and a session on a live connection.
import type { LayerFactory } from '../layerRegistry';
import { registerLayer } from '../layerRegistry';
import { mqttDecoder } from './mqttDecoder';
import { MqttSession } from './mqttSession';
import { parseMqttSettings, type MqttSettings } from './mqttSettings';

/** The subprotocols MQTT over WebSocket is offered under (`mqttv3.1` is MQTT 3.1's). */
export const MQTT_SUBPROTOCOLS: readonly string[] = ['mqtt', 'mqttv3.1'];

export const mqttLayer: LayerFactory<MqttSettings> = {
  id: 'mqtt',
  label: 'MQTT',
  parseSettings: parseMqttSettings,
  secretFields: ['password'],
  // `mqtt` only: offering MQTT 3.1's `mqttv3.1` too lets a broker pick the older protocol.
  webSocketSubprotocols: ['mqtt'],
  // Over TCP a read may hold part of a packet or several: the panel shows the stream cut into packets.
  tcpFramer: { type: 'mqtt' },
  detect: (evidence) => evidence.subprotocol !== undefined && MQTT_SUBPROTOCOLS.includes(evidence.subprotocol.toLowerCase()),
  decoder: mqttDecoder,
  start: (connection, settings) => new MqttSession(connection, settings),
};

registerLayer(mqttLayer);
