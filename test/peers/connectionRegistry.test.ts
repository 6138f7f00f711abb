import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ConnectionRegistry } from '../../src/core/connection/connectionRegistry';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';

describe('ConnectionRegistry', () => {
  let server: Server;
  let port = 0;
  before(async () => {
    server = createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('counts open connections, follows state changes, and disposes what it removes', async () => {
    const registry = new ConnectionRegistry();
    let changes = 0;
    registry.onDidChange(() => changes++);
    const a = createTcpConnection({ host: '127.0.0.1', port });
    const id = registry.add(a);
    assert.equal(registry.get(id), a);
    await a.connect();
    assert.equal(registry.openCount, 1);
    assert.ok(changes >= 2, 'add and state changes are announced');

    const b = createTcpConnection({ host: '127.0.0.1', port });
    registry.replace(id, b);
    assert.equal(registry.get(id), b);
    assert.notEqual(a.state, 'open', 'the replaced connection is closed');
    assert.equal(registry.openCount, 0);

    await b.connect();
    registry.remove(id);
    assert.equal(registry.get(id), undefined);
    assert.notEqual(b.state, 'open');
    assert.deepEqual(registry.list(), []);
    registry.dispose();
  });

  it('closes every connection when disposed', async () => {
    const registry = new ConnectionRegistry();
    const conns = [0, 1, 2].map(() => createTcpConnection({ host: '127.0.0.1', port }));
    const ids = conns.map((c) => registry.add(c));
    assert.equal(new Set(ids).size, 3, 'ids are unique');
    await Promise.all(conns.map((c) => c.connect()));
    assert.equal(registry.openCount, 3);
    registry.dispose();
    assert.ok(conns.every((c) => c.state !== 'open'));
  });
});
