// test/peers/fixtures/ws_client.py as a child process: Debian's python3-websockets as a client, driven by
// JSON commands on stdin, reporting what it gets as JSON lines on stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** What ws_client.py prints, one object per line. */
export type PythonWsEvent = { open: true; subprotocol: string | null } | { text: string } | { binary: string } | { closed: [number, string] };

export interface PythonWsClient {
  readonly child: ChildProcess;
  readonly events: PythonWsEvent[];
  command(c: object): void;
  /** Ends stdin (the script closes and exits) and waits for the exit; kills it if it lingers. */
  close(): Promise<void>;
  stderr(): string;
}

/** Starts ws_client.py connecting to `url`. */
export function startPythonWsClient(url: string): PythonWsClient {
  const child = spawn('/usr/bin/python3', [join(__dirname, '..', 'peers', 'fixtures', 'ws_client.py'), url], { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: PythonWsEvent[] = [];
  let buffered = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffered.slice(0, nl)) as PythonWsEvent);
      buffered = buffered.slice(nl + 1);
    }
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    events,
    command: (c) => child.stdin!.write(`${JSON.stringify(c)}\n`),
    stderr: () => err.trim().slice(-2000),
    async close() {
      if (child.exitCode === null) child.stdin!.end(`${JSON.stringify({ close: [1000, 'done'] })}\n`);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
