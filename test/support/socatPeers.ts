// socat as a TCP peer: a client (`socat - TCP:127.0.0.1:PORT`) or a one-connection server
// (`socat TCP-LISTEN:PORT -`), with its stdin a pipe we write to and its stdout collected, so a test
// knows exactly which bytes went onto the network and which came off it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './processPeers';

const STARTUP_LIMIT_MS = 10_000;
/** Guard against a hung test only; tests never assert on time. */
const WAIT_LIMIT_MS = 10_000;

let missing: { reason: string | undefined } | undefined;

/** Why socat cannot be used, or undefined when it can. */
export function socatMissing(): string | undefined {
  if (!missing) {
    const r = spawnSync('socat', ['-V'], { stdio: 'ignore', timeout: 10_000 });
    const hint = 'install it with apt-get install socat';
    missing = {
      reason: r.error
        ? `socat cannot be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); ${hint}`
        : r.status === 0
          ? undefined
          : `socat -V exited with ${r.status}; ${hint}`,
    };
  }
  return missing.reason;
}

export interface SocatPeer {
  /** Everything socat wrote to stdout so far (what it received from the network). */
  readonly stdout: () => Buffer;
  /** Everything we wrote to its stdin (what it sent to the network). */
  readonly sent: () => Buffer;
  write(bytes: Buffer | string): void;
  /** Closes socat's stdin: it shuts down its sending side (FIN). */
  end(): void;
  /** Resolves once stdout holds at least `n` bytes. */
  received(n: number): Promise<Buffer>;
  /** Resolves with the exit code when socat exits. */
  readonly exited: Promise<number | null>;
  /** socat's stderr (diagnostics). */
  readonly stderr: () => string;
  kill(): Promise<void>;
}

function wrap(child: ChildProcess): SocatPeer {
  const out: Buffer[] = [];
  const input: Buffer[] = [];
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    out.push(d);
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  // Writing to a socat that already exited must not crash the test process.
  child.stdin!.on('error', () => {});
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stdout = () => Buffer.concat(out);
  return {
    stdout,
    sent: () => Buffer.concat(input),
    stderr: () => err,
    write(bytes) {
      const b = Buffer.from(bytes);
      input.push(b);
      child.stdin!.write(b);
    },
    end() {
      child.stdin!.end();
    },
    received(n) {
      if (stdout().length >= n) return Promise.resolve(stdout());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`socat received ${stdout().length} of ${n} bytes: ${JSON.stringify(stdout().toString('latin1').slice(0, 300))}; stderr: ${err}`));
        }, WAIT_LIMIT_MS);
        const check = () => {
          if (stdout().length < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(stdout());
        };
        waiters.add(check);
      });
    },
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * `socat -t 10 - TCP:127.0.0.1:PORT`: after its stdin ends it sends FIN and keeps reading (up to 10 s)
 * until the other side closes.
 */
export function startSocatClient(port: number): SocatPeer {
  return wrap(spawn('socat', ['-t', '10', '-', `TCP:127.0.0.1:${port}`], { stdio: ['pipe', 'pipe', 'pipe'] }));
}

/** A one-connection socat server on a free loopback port; resolves once it listens. */
export async function startSocatServer(): Promise<SocatPeer & { readonly port: number }> {
  const port = await freePort();
  const child = spawn('socat', ['-d', '-d', '-t', '10', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`, '-'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const peer = wrap(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socat did not listen on ${port}: ${peer.stderr()}`)), STARTUP_LIMIT_MS);
    const check = () => {
      if (!/listening on/.test(peer.stderr())) return;
      clearTimeout(timer);
      child.stderr!.off('data', check);
      resolve();
    };
    child.stderr!.on('data', check);
    void peer.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited with ${code} before listening: ${peer.stderr()}`));
    });
  });
  return { ...peer, port };
}
