// A WebSocket server written by hand on net, for what a well-behaved library will not do: invalid frames,
// resets, broken upgrade responses.
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { startTcpServer, type Peer } from './nodePeers';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The Sec-WebSocket-Accept value for a key (RFC 6455 §4.2.2). */
export function acceptFor(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** An unmasked server frame with FIN set; payloads under 126 bytes. */
export function frame(opcode: number, payload: Uint8Array | string = new Uint8Array(0)): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  if (bytes.length > 125) throw new Error('frame(): short payloads only');
  return Buffer.concat([Buffer.from([0x80 | opcode, bytes.length]), bytes]);
}

/**
 * Reads the upgrade request, then hands the socket and its key to `onUpgrade`, which writes whatever
 * it likes (use `acceptFor(key)` for a valid 101). Later client bytes go to `onData`, if given.
 */
export function startHandRolledWsServer(
  onUpgrade: (socket: Socket, key: string) => void,
  onData?: (socket: Socket, chunk: Buffer) => void,
): Promise<Peer> {
  return startTcpServer((socket) => {
    let head = '';
    let upgraded = false;
    socket.on('data', (chunk) => {
      if (upgraded) {
        onData?.(socket, chunk);
        return;
      }
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      upgraded = true;
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
      onUpgrade(socket, key);
    });
  });
}

/** The 101 response head a valid server sends. */
export function switchingProtocols(key: string): string {
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\n\r\n`;
}
