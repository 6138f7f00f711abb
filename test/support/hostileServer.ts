// A WebSocket server that lies: a raw net server that completes a real upgrade (the Sec-WebSocket-Accept
// is computed from the client's key) and then writes whatever bytes a test crafted — frames with bad
// opcodes, reserved bits, masks, impossible lengths — or stalls, trickles, resets and half-closes.
// It also parses what the client sends back, so a test can read the close code the client chose.
import type { Socket } from 'node:net';
import { acceptFor } from './handRolledWsServer';
import { startTcpServer, type Peer } from './nodePeers';

/** The header bits and length of one crafted frame; everything defaults to a valid unmasked server frame. */
export interface FrameSpec {
  readonly opcode: number;
  readonly payload?: Uint8Array | string;
  /** Default true. */
  readonly fin?: boolean;
  readonly rsv1?: boolean;
  readonly rsv2?: boolean;
  readonly rsv3?: boolean;
  /** A masking key: a server must never mask (RFC 6455 §5.1). */
  readonly mask?: Uint8Array;
  /** The length the header declares, when it should lie about the payload (e.g. 2^63 − 1). */
  readonly declaredLength?: bigint;
  /** Force the 16-bit (126) or 64-bit (127) length form even for a short payload. */
  readonly lengthForm?: 7 | 16 | 64;
}

/** Encodes a frame exactly as specified, valid or not. */
export function craftFrame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload) : Buffer.from(spec.payload ?? new Uint8Array(0));
  const length = spec.declaredLength ?? BigInt(payload.length);
  const form = spec.lengthForm ?? (length < 126n ? 7 : length < 65536n ? 16 : 64);
  const first =
    ((spec.fin ?? true) ? 0x80 : 0) | (spec.rsv1 ? 0x40 : 0) | (spec.rsv2 ? 0x20 : 0) | (spec.rsv3 ? 0x10 : 0) | (spec.opcode & 0x0f);
  const maskBit = spec.mask ? 0x80 : 0;
  let header: Buffer;
  if (form === 7) header = Buffer.from([first, maskBit | Number(length)]);
  else if (form === 16) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = maskBit | 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!spec.mask) return Buffer.concat([header, payload]);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= spec.mask[i % 4]!;
  return Buffer.concat([header, Buffer.from(spec.mask), masked]);
}

/** A close frame's payload: the code big-endian, then the reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code, 0);
  return Buffer.concat([b, Buffer.from(reason)]);
}

/** The valid 101 response to a key. */
export function upgradeResponse(key: string, extraHeaders: readonly string[] = []): Buffer {
  return Buffer.from(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${acceptFor(key)}`,
      ...extraHeaders,
      '',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** A frame the client sent, unmasked. */
export interface ClientFrame {
  readonly opcode: number;
  readonly payload: Buffer;
  /** For a close frame: its code, or undefined without one. */
  readonly closeCode?: number;
}

/** Parses whole masked client frames from `buffer`; returns them and the bytes left over. */
function parseClientFrames(buffer: Buffer): { frames: ClientFrame[]; rest: Buffer } {
  const frames: ClientFrame[] = [];
  let at = 0;
  for (;;) {
    if (buffer.length - at < 2) break;
    const opcode = buffer[at]! & 0x0f;
    const masked = (buffer[at + 1]! & 0x80) !== 0;
    let length = buffer[at + 1]! & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (buffer.length < offset + 2) break;
      length = buffer.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      if (buffer.length < offset + 8) break;
      length = Number(buffer.readBigUInt64BE(offset));
      offset += 8;
    }
    const maskLength = masked ? 4 : 0;
    if (buffer.length < offset + maskLength + length) break;
    const key = buffer.subarray(offset, offset + maskLength);
    const payload = Buffer.from(buffer.subarray(offset + maskLength, offset + maskLength + length));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i % 4]!;
    frames.push({ opcode, payload, ...(opcode === 8 && payload.length >= 2 ? { closeCode: payload.readUInt16BE(0) } : {}) });
    at = offset + maskLength + length;
  }
  return { frames, rest: buffer.subarray(at) };
}

/** What a hostile script can do with the connection once it chose to. */
export interface HostileSocket {
  readonly socket: Socket;
  /** The client's Sec-WebSocket-Key ('' if it sent none). */
  readonly key: string;
  /** The request head as received. */
  readonly request: string;
  /** Frames the client sent since the upgrade, in order. */
  readonly received: ClientFrame[];
  /** Resolves with the first client frame that matches (already received or still to come). */
  nextFrame(match: (f: ClientFrame) => boolean): Promise<ClientFrame>;
  /** Resolves once the client's FIN (end) or the socket's close arrived. */
  readonly ended: Promise<void>;
}

/** The hostile server: each accepted connection runs `script` once the request head has arrived. */
export interface HostileServer extends Peer {
  readonly url: string;
  /** Every connection so far, in order. */
  readonly connections: HostileSocket[];
}

/**
 * Starts a server on 127.0.0.1. `script` gets each connection after its request head arrived (or, with
 * `onConnect`, at once, before anything was read) and does what it likes with the raw socket.
 */
export async function startHostileServer(
  script: (s: HostileSocket) => void | Promise<void>,
  options: { allowHalfOpen?: boolean; onConnect?: boolean } = {},
): Promise<HostileServer> {
  const connections: HostileSocket[] = [];
  const peer = await startTcpServer(
    (socket) => {
      let head = '';
      let upgraded = false;
      let pending = Buffer.alloc(0);
      const received: ClientFrame[] = [];
      const waiters: Array<() => void> = [];
      let ended!: () => void;
      const endedPromise = new Promise<void>((r) => (ended = r));
      socket.once('end', () => ended());
      socket.once('close', () => ended());
      const hostile: HostileSocket = {
        socket,
        get key() {
          return /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
        },
        get request() {
          return head;
        },
        received,
        ended: endedPromise,
        nextFrame(match) {
          const found = received.find(match);
          if (found) return Promise.resolve(found);
          return new Promise((resolve) => {
            const check = (): void => {
              const f = received.find(match);
              if (f) resolve(f);
              else waiters.push(check);
            };
            waiters.push(check);
          });
        },
      };
      connections.push(hostile);
      const run = (): void => {
        Promise.resolve(script(hostile)).catch(() => socket.destroy());
      };
      if (options.onConnect) run();
      socket.on('data', (chunk: Buffer) => {
        if (!upgraded) {
          head += chunk.toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          upgraded = true;
          const rest = Buffer.from(head.slice(end + 4), 'latin1');
          head = head.slice(0, end + 4);
          if (!options.onConnect) run();
          if (rest.length === 0) return;
          chunk = rest;
        }
        const parsed = parseClientFrames(Buffer.concat([pending, chunk]));
        pending = Buffer.from(parsed.rest);
        received.push(...parsed.frames);
        for (const w of waiters.splice(0)) w();
      });
    },
    { allowHalfOpen: options.allowHalfOpen ?? false },
  );
  return { ...peer, url: `ws://127.0.0.1:${peer.port}/hostile`, connections };
}
