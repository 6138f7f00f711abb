// The blaster: a separate process that floods whoever connects with ready-made messages as fast as the
// socket takes them (or at a given rate). Runs as a forked child; talks to the runner over IPC:
//   → { type: 'listening', port }           once it accepts connections
//   ← { type: 'pause' } / { type: 'resume' } stops and restarts the flood (what is queued still drains)
//   → { type: 'paused' } / { type: 'resumed' }, each with the CPU time used so far (µs)
//   ← { type: 'stop' }                       ends every connection and exits
//   → { type: 'stopped', sent, cpuShare }    messages written and the share of one core it used
import * as net from 'node:net';
import { upgradeResponse, wireChunk, wsHandshake, type WireFlavor, type WireProtocol } from './wire';

/** What the runner asks of a blaster. */
export interface BlasterConfig {
  readonly protocol: WireProtocol;
  /** Payload bytes per message. */
  readonly size: number;
  /** What the WebSocket messages are (default plain JSON-looking text); a layer's flavor starts with its preamble. */
  readonly flavor?: WireFlavor;
  /** Messages per second; 0 or absent means as fast as the socket drains. */
  readonly rate?: number;
  /** Messages per connection, after which the blaster sends nothing more; absent means no end. */
  readonly limit?: number;
  /** Start paused: a connection gets nothing until the runner sends 'resume'. */
  readonly startPaused?: boolean;
}

const config = JSON.parse(process.argv[2] ?? '{}') as BlasterConfig;
const { chunk, messages: perChunk } = wireChunk(config.protocol, config.size, config.flavor);
const sockets = new Set<net.Socket>();
let sent = 0;
let stopped = false;
let paused = config.startPaused === true;
/** Restarts the flood of every connection after a pause. */
const restarts = new Set<() => void>();
let firstConnect = 0;
let cpuAtConnect: NodeJS.CpuUsage | undefined;

/**
 * Keeps a few chunks queued on the socket at all times (each flushed chunk is replaced by the next at
 * once), so libuv refills the kernel buffer as soon as it has room.
 */
function flood(socket: net.Socket): void {
  const messageBytes = chunk.length / perChunk;
  let left = config.limit ?? Infinity;
  let queued = 0;
  const refill = (e?: Error | null): void => {
    if (e || stopped || paused || socket.destroyed || left <= 0) return;
    const n = Math.min(perChunk, left);
    left -= n;
    sent += n;
    queued++;
    socket.write(n === perChunk ? chunk : chunk.subarray(0, n * messageBytes), (error) => {
      queued--;
      refill(error);
    });
  };
  const fill = (): void => {
    while (queued < 4 && !stopped && !paused && !socket.destroyed && left > 0) refill();
  };
  restarts.add(fill);
  socket.once('close', () => restarts.delete(fill));
  fill();
}

/** Sends `rate` messages per second in 1 ms ticks (cut from the ready-made chunk). */
function paced(socket: net.Socket, rate: number): void {
  const messageBytes = chunk.length / perChunk;
  const start = performance.now();
  let due = 0;
  const tick = (): void => {
    if (stopped || socket.destroyed) return;
    const target = Math.min(config.limit ?? Infinity, Math.floor(((performance.now() - start) * rate) / 1000));
    // A socket that does not keep up is not flooded further: what the consumer cannot take waits here.
    while (due < target && socket.writableLength < chunk.length * 4) {
      const n = Math.min(target - due, perChunk);
      socket.write(chunk.subarray(0, n * messageBytes));
      due += n;
      sent += n;
    }
    timer = setTimeout(tick, 1);
  };
  let timer = setTimeout(tick, 0);
  socket.once('close', () => clearTimeout(timer));
}

function start(socket: net.Socket): void {
  if (!firstConnect) {
    firstConnect = performance.now();
    cpuAtConnect = process.cpuUsage();
  }
  socket.setNoDelay(true);
  if (config.rate) paced(socket, config.rate);
  else flood(socket);
}

const server = net.createServer((socket) => {
  sockets.add(socket);
  socket.on('error', () => {});
  socket.on('close', () => sockets.delete(socket));
  if (config.protocol !== 'ws') {
    start(socket);
    return;
  }
  let head = '';
  const onData = (data: Buffer): void => {
    head += data.toString('latin1');
    if (!head.includes('\r\n\r\n')) return;
    socket.off('data', onData);
    const answer = upgradeResponse(head);
    if (!answer) {
      socket.destroy();
      return;
    }
    socket.write(answer);
    const handshake = wsHandshake(config.flavor ?? 'plain');
    if (handshake.greeting.length > 0) socket.write(handshake.greeting);
    // Whatever the client sends from now on (its CONNECT, pongs, its close) is read and dropped; its
    // first message gets the layer's answer (between two chunks of the flood: they hold whole frames).
    let answered = handshake.answer.length === 0;
    socket.on('data', () => {
      if (answered) return;
      answered = true;
      socket.write(handshake.answer);
    });
    start(socket);
  };
  socket.on('data', onData);
});

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: (server.address() as net.AddressInfo).port });
});

process.on('message', (message: { type?: string }) => {
  if (message?.type === 'pause' || message?.type === 'resume') {
    paused = message.type === 'pause';
    if (!paused) for (const fill of restarts) fill();
    const cpu = process.cpuUsage();
    process.send?.({ type: paused ? 'paused' : 'resumed', cpuMicros: cpu.user + cpu.system });
    return;
  }
  if (message?.type !== 'stop') return;
  stopped = true;
  const wall = firstConnect ? performance.now() - firstConnect : 0;
  const cpu = cpuAtConnect ? process.cpuUsage(cpuAtConnect) : { user: 0, system: 0 };
  const cpuShare = wall > 0 ? (cpu.user + cpu.system) / 1000 / wall : 0;
  for (const s of sockets) s.destroy();
  server.close();
  process.send?.({ type: 'stopped', sent, cpuShare }, () => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
