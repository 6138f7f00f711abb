// Imports every protocol layer so each registers itself (layerRegistry.ts); import this, not the layers.
import './mqtt/mqttLayer';
import './socketio';
export * from './layerRegistry';
export type * from './protocolLayer';
import './stomp/stompLayer';
