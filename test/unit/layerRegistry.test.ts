// The layer registry's wiring that every way of opening a connection shares: the subprotocols a layer
// needs are offered (connect commands, session files, the test runner), and socketio:// URLs open
// Socket.IO's WebSocket endpoint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWebSocketUrl } from '../../src/core/connection/connectionTarget';
import { layerFactories, offerLayerSubprotocols } from '../../src/core/layers';
import { resolveConnection } from '../../src/core/session/sessionConnection';
import type { WebSocketOptions } from '../../src/core/connection/connectionTypes';

const options = (protocols?: string[]): WebSocketOptions => ({ url: 'ws://h/', ...(protocols ? { protocols } : {}) });

describe('layer registry', () => {
  it('registers Socket.IO, MQTT and STOMP through the index', () => {
    assert.deepEqual(layerFactories().map((f) => f.id).sort(), ['mqtt', 'socketio', 'stomp']);
  });

  it('offers the subprotocols STOMP and MQTT need, and leaves the user’s own alone', () => {
    assert.deepEqual(offerLayerSubprotocols(options(), 'stomp').protocols, ['v12.stomp', 'v11.stomp', 'v10.stomp']);
    assert.deepEqual(offerLayerSubprotocols(options(), 'mqtt').protocols, ['mqtt']);
    assert.equal(offerLayerSubprotocols(options(), 'socketio').protocols, undefined);
    assert.equal(offerLayerSubprotocols(options(), undefined).protocols, undefined);
    assert.deepEqual(offerLayerSubprotocols(options(['custom']), 'stomp').protocols, ['custom']);
  });

  it('a session file with a STOMP layer connects offering STOMP’s subprotocols', async () => {
    const resolved = await resolveConnection({ type: 'websocket', url: 'ws://127.0.0.1:15674/ws', layer: { type: 'stomp' } }, { env: {} });
    assert.equal(resolved.type, 'websocket');
    assert.deepEqual(resolved.type === 'websocket' ? resolved.options.protocols : undefined, ['v12.stomp', 'v11.stomp', 'v10.stomp']);
  });

  it('socketio:// and socketios:// URLs open the Engine.IO WebSocket endpoint', () => {
    assert.equal(String(parseWebSocketUrl('socketio://localhost:3000/chat')), 'ws://localhost:3000/socket.io/?EIO=4&transport=websocket');
    assert.equal(String(parseWebSocketUrl('socketios://example.com/')), 'wss://example.com/socket.io/?EIO=4&transport=websocket');
  });
});
