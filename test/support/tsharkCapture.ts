// A loopback packet capture with tshark, and its WebSocket frames as Wireshark's own dissector reads
// them: an independent check of our frame parser.
//
// When tshark says "Capturing on" it may not capture yet, and after our last write it may not have
// caught up; neither is a matter of waiting long enough. So the capture filter also admits UDP to a
// probe port, tshark prints each packet as it captures it (-P -l), and we send probe datagrams until
// one is printed: before the session (the capture is live) and after it (every earlier packet is in).
import { spawn, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { spawnSync } from 'node:child_process';

/** Guard against a hung test only; nothing is asserted on time. */
const LIMIT_MS = 30_000;
const PROBE_EVERY_MS = 100;

/** Why tshark cannot capture on loopback here, or undefined when it can. */
export function tsharkMissing(): string | undefined {
  const version = spawnSync('tshark', ['--version'], { stdio: 'ignore', timeout: 20_000 });
  if (version.error) return `tshark cannot be run (${(version.error as NodeJS.ErrnoException).code ?? version.error.message}); install it with apt-get install tshark`;
  if (version.status !== 0) return `tshark --version exited with ${version.status}`;
  const interfaces = spawnSync('tshark', ['-D'], { encoding: 'utf8', timeout: 20_000 });
  if (!/\blo\b/.test(interfaces.stdout ?? '')) {
    return `tshark lists no loopback interface (run as root, or give dumpcap cap_net_raw): ${(interfaces.stderr ?? '').trim().slice(-300)}`;
  }
  return undefined;
}

/** A running capture. */
export interface Capture {
  /** Waits until every packet sent so far is captured, then stops tshark and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts capturing TCP port `port` on lo into `file`; resolves once packets are being captured. */
export async function startCapture(port: number, probePort: number, file: string): Promise<Capture> {
  const child = spawn('tshark', ['-n', '-i', 'lo', '-f', `tcp port ${port} or udp port ${probePort}`, '-w', file, '-P', '-l'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const probe = dgram.createSocket('udp4');
  const probesSeen = () => stdout.split('\n').filter((line) => /\bUDP\b/.test(line)).length;

  /** Sends probes until tshark has printed more than `seen` of them. */
  const catchUp = (seen: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const tick = () => {
        if (probesSeen() > seen) return resolve();
        if (child.exitCode !== null) return reject(new Error(`tshark exited (${child.exitCode}) ${what}: ${stderr.trim().slice(-500)}`));
        if (Date.now() - started > LIMIT_MS) return reject(new Error(`tshark printed no probe ${what}: ${stderr.trim().slice(-500)}`));
        probe.send('probe', probePort, '127.0.0.1');
        setTimeout(tick, PROBE_EVERY_MS);
      };
      tick();
    });

  try {
    await catchUp(0, 'before the session');
  } catch (e) {
    probe.close();
    child.kill('SIGKILL');
    throw e;
  }
  return {
    stop: async () => {
      try {
        await catchUp(probesSeen(), 'after the session');
      } finally {
        probe.close();
        await stopChild(child);
      }
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // SIGINT lets dumpcap finish the file.
    child.kill('SIGINT');
  });
}

/** One WebSocket frame header as tshark dissected it. */
export interface TsharkFrame {
  /** tcp.stream: which TCP connection of the capture, numbered in order of appearance. */
  readonly stream: number;
  /** 'in' when the server sent it (TCP source port is the server's). */
  readonly direction: 'in' | 'out';
  readonly fin: boolean;
  /** RSV1-3 as a 3-bit number (RSV1 = 4). */
  readonly rsv: number;
  readonly opcode: number;
  readonly masked: boolean;
  /** 8 hex digits, or '' when not masked. */
  readonly maskKey: string;
  /** The real payload length: the 7-bit field, or the 16- or 64-bit extension it points to. */
  readonly payloadLength: number;
}

type Layer = Record<string, unknown>;

function field(layer: Layer, name: string): string {
  const v = layer[name];
  if (typeof v !== 'string') throw new Error(`tshark gave no ${name} in ${JSON.stringify(layer).slice(0, 300)}`);
  return v;
}

/** Reads the WebSocket frames of a capture, treating TCP port `port` as HTTP (so upgrades turn into WebSocket). */
export function readWebSocketFrames(file: string, port: number): TsharkFrame[] {
  const r = spawnSync('tshark', ['-n', '-r', file, '-d', `tcp.port==${port},http`, '-Y', 'websocket', '-T', 'json', '--no-duplicate-keys'], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`tshark -r failed (${r.status}): ${r.stderr}`);
  const packets = JSON.parse(r.stdout) as Array<{ _source: { layers: Record<string, Layer | Layer[]> } }>;
  const frames: TsharkFrame[] = [];
  for (const packet of packets) {
    const layers = packet._source.layers;
    const tcp = layers.tcp as Layer;
    const ws = layers.websocket;
    const list = Array.isArray(ws) ? ws : ws ? [ws] : [];
    for (const w of list) {
      const len7 = Number(field(w, 'websocket.payload_length'));
      const masked = field(w, 'websocket.mask') === '1';
      frames.push({
        stream: Number(field(tcp, 'tcp.stream')),
        direction: Number(field(tcp, 'tcp.srcport')) === port ? 'in' : 'out',
        fin: field(w, 'websocket.fin') === '1',
        rsv: Number(field(w, 'websocket.rsv')),
        opcode: Number(field(w, 'websocket.opcode')),
        masked,
        maskKey: masked ? field(w, 'websocket.masking_key').replace(/:/g, '') : '',
        payloadLength:
          len7 === 126
            ? Number(field(w, 'websocket.payload_length_ext_16'))
            : len7 === 127
              ? Number(field(w, 'websocket.payload_length_ext_64'))
              : len7,
      });
    }
  }
  return frames;
}
