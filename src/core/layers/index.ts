// Imports every protocol layer so each registers itself (layerRegistry.ts); import this, not the layers.
import './mqtt/mqttLayer';
import './socketio';
import './stomp/stompLayer';
export * from './layerRegistry';
export type * from './protocolLayer';
