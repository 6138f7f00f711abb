// Captures loopback traffic with tshark and reads it back, decrypted with a TLS key log or not.
//
// tshark prints "Capturing on 'lo'" before its capture child (dumpcap) sees packets, so a capture is
// ready only once a probe connection to a port of our own shows up in its live packet list.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { startTcpServer } from './nodePeers';

/** Guard against a hung test only; tests never assert on time. */
const START_LIMIT_MS = 20_000;

export interface Capture {
  /** Stops capturing (SIGINT, as a person would) and waits until the file is complete. */
  stop(): Promise<void>;
}

function connectOnce(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => socket.end());
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `tshark -i lo -f 'tcp port …' -w file`; resolves once it provably captures. stop() first waits
 * until tshark has seen a final probe, so every packet before it is in the file, then sends SIGINT.
 */
export async function startCapture(ports: readonly number[], file: string): Promise<Capture> {
  const probe = await startTcpServer((s) => s.end());
  const filter = [...ports, probe.port].map((p) => `tcp port ${p}`).join(' or ');
  // -P -l: also print each packet as it is captured, which is how we see the probes arrive.
  const child = spawn('tshark', ['-i', 'lo', '-f', filter, '-w', file, '-P', '-l'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const probeSyn = new RegExp(`→ ${probe.port} \\[SYN\\]`, 'g');
  const probesSeen = () => (output.match(probeSyn) ?? []).length;

  /** Connects to the probe port until tshark shows a probe it had not shown before. */
  async function sync(): Promise<void> {
    const before = probesSeen();
    const deadline = Date.now() + START_LIMIT_MS;
    while (probesSeen() === before) {
      if (child.exitCode !== null) throw new Error(`tshark exited with ${child.exitCode}: ${output.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`tshark shows no probe packets: ${output.slice(-2000)}`);
      await connectOnce(probe.port);
      // tshark prints what its capture child hands over in batches; give it a moment before probing again.
      for (let i = 0; i < 10 && probesSeen() === before; i++) await new Promise((r) => setTimeout(r, 25));
    }
  }

  const kill = async () => {
    child.kill('SIGINT');
    await exited(child);
    await probe.close();
  };
  try {
    await sync();
  } catch (e) {
    await kill();
    throw e;
  }
  return {
    stop: async () => {
      try {
        await sync();
      } finally {
        await kill();
      }
    },
  };
}

/** What to read from a capture file. */
export interface ReadOptions {
  /** Ports whose TCP traffic is TLS. */
  readonly tlsPorts: readonly number[];
  /** Key log to decrypt with; none reads the traffic as it was on the wire. */
  readonly keyLogFile?: string;
  /** Display filter. */
  readonly filter: string;
  /** Fields to print, one line per packet, tab-separated. */
  readonly fields: readonly string[];
}

/** Runs `tshark -r` and returns its field lines. */
export function readCapture(file: string, o: ReadOptions): string[] {
  const args = ['-r', file];
  if (o.keyLogFile) args.push('-o', `tls.keylog_file:${o.keyLogFile}`);
  for (const port of o.tlsPorts) args.push('-d', `tcp.port==${port},tls`);
  args.push('-Y', o.filter, '-T', 'fields', ...o.fields.flatMap((f) => ['-e', f]));
  const r = spawnSync('tshark', args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) throw new Error(`tshark ${args.join(' ')} failed (${r.status}): ${r.error?.message ?? r.stderr}`);
  return r.stdout.split('\n').filter((line) => line.trim() !== '');
}

/** Hex as tshark prints data.data (with or without colons) to bytes. */
export function hexField(text: string): Buffer {
  return Buffer.from(text.replace(/[^0-9a-f]/gi, ''), 'hex');
}
