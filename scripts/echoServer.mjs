// Local echo peers for trying Socket Inspector by hand (`npm start` runs them): a WebSocket echo server
// and a TCP echo server on loopback. Importable, or runnable: `node scripts/echoServer.mjs`.
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

export const DEFAULT_WS_PORT = 8765;
export const DEFAULT_TCP_PORT = 8766;

function listening(server, port, what) {
  return new Promise((resolve, reject) => {
    server.once('error', (e) =>
      reject(e.code === 'EADDRINUSE' ? new Error(`${what} port ${port} on 127.0.0.1 is taken; set another with SI_ECHO_WS_PORT / SI_ECHO_TCP_PORT`) : e),
    );
    server.once('listening', resolve);
  });
}

/** Starts both echo servers on 127.0.0.1; resolves to their ports and a stop(). */
export async function startEchoServers({
  wsPort = Number(process.env.SI_ECHO_WS_PORT ?? DEFAULT_WS_PORT),
  tcpPort = Number(process.env.SI_ECHO_TCP_PORT ?? DEFAULT_TCP_PORT),
} = {}) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: wsPort });
  wss.on('connection', (socket) => {
    socket.on('error', () => {});
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  await listening(wss, wsPort, 'WebSocket echo');

  const sockets = new Set();
  const tcp = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.pipe(socket);
  });
  tcp.listen(tcpPort, '127.0.0.1');
  try {
    await listening(tcp, tcpPort, 'TCP echo');
  } catch (e) {
    wss.close();
    throw e;
  }
  return {
    wsUrl: `ws://127.0.0.1:${wss.address().port}/`,
    tcpTarget: `127.0.0.1:${tcp.address().port}`,
    async stop() {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await Promise.all([new Promise((r) => wss.close(r)), new Promise((r) => tcp.close(r))]);
    },
  };
}

async function main() {
  const servers = await startEchoServers();
  console.log(`WebSocket echo: ${servers.wsUrl}\nTCP echo:       ${servers.tcpTarget}\nCtrl+C stops them.`);
  const stop = () => servers.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// No top-level await: the TypeScript tests load this module through a CommonJS transform.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
