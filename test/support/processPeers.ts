// Peers that are separate programs: Debian's python3-websockets and redis-server. Each is started on
// 127.0.0.1 and stopped (and waited for) by its handle's close().
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Peer } from './nodePeers';

const STARTUP_LIMIT_MS = 10_000;

/** Stops a child process and resolves once it exited. */
export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Collects a child's output so a failed start can say why. */
function output(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  return () => text.trim().slice(-2000);
}

/**
 * Starts test/peers/fixtures/ws_server.py; it prints its port once listening. With `tls` (PEM
 * certificate and key) it serves wss:// instead of ws://.
 */
export async function startPythonWsServer(
  options: { tls?: { cert: string; key: string } } = {},
): Promise<Peer & { url(path: string): string }> {
  // Bundled into the extension-host suite, this file is elsewhere: the harness names the repository (SI_REPO_ROOT).
  const script = process.env.SI_REPO_ROOT ? join(process.env.SI_REPO_ROOT, 'test', 'peers', 'fixtures', 'ws_server.py') : join(__dirname, '..', 'peers', 'fixtures', 'ws_server.py');
  const args = [script];
  let certDir: string | undefined;
  if (options.tls) {
    certDir = mkdtempSync(join(tmpdir(), 'si-pycert-'));
    writeFileSync(join(certDir, 'cert.pem'), options.tls.cert);
    writeFileSync(join(certDir, 'key.pem'), options.tls.key);
    args.push(join(certDir, 'cert.pem'), join(certDir, 'key.pem'));
  }
  // stdin stays a pipe: the script exits when it closes, even if this process dies without cleanup.
  const child = spawn('/usr/bin/python3', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const removeCerts = () => {
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  };
  const log = output(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail('did not print its port'), STARTUP_LIMIT_MS);
    function fail(why: string) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      removeCerts();
      reject(new Error(`ws_server.py ${why}: ${log()}`));
    }
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const line = /^(\d+)\r?\n/.exec(buffered);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.once('exit', (code) => fail(`exited with ${code}`));
    child.once('error', (e) => fail(e.message));
  });
  child.removeAllListeners('exit');
  // Python has read the files once it listens.
  removeCerts();
  return {
    port,
    url: (path) => `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${port}${path}`,
    close: () => {
      child.stdin?.end();
      return stop(child);
    },
  };
}

/** A port that is free right now (the OS picked it; it is released before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port right now. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts redis-server on a free loopback port with persistence off; resolves once it accepts. */
export async function startRedis(): Promise<Peer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'si-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = output(child);
  const cleanup = async () => {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + STARTUP_LIMIT_MS;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await cleanup();
      throw new Error(`redis-server did not start on port ${port}: ${log()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, close: cleanup };
}
