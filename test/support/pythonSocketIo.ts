// python-socketio peers from Debian (python3-socketio on python3-aiohttp; the client on python3-websocket):
// test/support/python/socketio_server.py, started once per test file, and socketio_client.py, run once
// per proxy test. The server reports each connect and event it handled as a JSON line.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const STARTUP_LIMIT_MS = 10_000;
/** Guard against a hung test only; tests never assert on time. */
const WAIT_LIMIT_MS = 10_000;
const PYTHON = '/usr/bin/python3';
// Bundled into the extension-host suite, this file is elsewhere: the harness names the repository (SI_REPO_ROOT).
const scriptDir = process.env.SI_REPO_ROOT ? join(process.env.SI_REPO_ROOT, 'test', 'support', 'python') : join(__dirname, 'python');

let missing: Map<string, string | undefined> | undefined;

/** Why the python-socketio server (or, with `client`, also its WebSocket client) cannot run; undefined when it can. */
export function pythonSocketIoMissing(client = false): string | undefined {
  const modules = client ? 'socketio, aiohttp, websocket' : 'socketio, aiohttp';
  missing ??= new Map();
  if (!missing.has(modules)) {
    const r = spawnSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore', timeout: 10_000 });
    missing.set(
      modules,
      r.status === 0 ? undefined : `${PYTHON} cannot import ${modules}; install python3-socketio python3-aiohttp${client ? ' python3-websocket' : ''}`,
    );
  }
  return missing.get(modules);
}

/** One line the server reported: {"connect": "/chat", "auth": …} or {"got": {"namespace", "event", "args"}}. */
export type ServerReport = Record<string, unknown>;

export interface PythonSocketIoServer {
  /** Engine.IO's usual ping timing. */
  readonly port: number;
  /** pingInterval 400 ms, pingTimeout 400 ms. */
  readonly quickPort: number;
  /** What the server reported so far, in order. */
  readonly reports: readonly ServerReport[];
  /** Resolves with the first report (from `from` on) that `match` accepts. */
  waitForReport(what: string, match: (r: ServerReport) => boolean, from?: number): Promise<ServerReport>;
  close(): Promise<void>;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin?.end();
    setTimeout(() => child.kill('SIGTERM'), 2000).unref();
  });
}

/** Starts socketio_server.py; resolves once both its servers listen. */
export async function startPythonSocketIoServer(): Promise<PythonSocketIoServer> {
  // stdin stays a pipe: the script exits when it closes, even if this process dies without cleanup.
  const child = spawn(PYTHON, [join(scriptDir, 'socketio_server.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const reports: ServerReport[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let buffered = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line === '') continue;
      try {
        reports.push(JSON.parse(line) as ServerReport);
      } catch {
        reports.push({ unparsed: line });
      }
      for (const l of listeners) l();
    }
  });

  function waitForReport(what: string, match: (r: ServerReport) => boolean, from = 0): Promise<ServerReport> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = reports.slice(from).find(match);
        if (!found) return false;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(found);
        return true;
      };
      const listener = () => void check();
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`python-socketio server: no ${what}. Reports: ${JSON.stringify(reports)}\n${stderr}`));
      }, WAIT_LIMIT_MS);
      listeners.add(listener);
      check();
    });
  }

  const ports = await new Promise<ServerReport>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`socketio_server.py exited with ${code}: ${stderr}`));
    child.once('exit', onExit);
    waitForReport('ports', (r) => typeof r.port === 'number').then(
      (r) => {
        child.off('exit', onExit);
        resolve(r);
      },
      (e: Error) => {
        child.kill('SIGKILL');
        reject(e);
      },
    );
  }).catch((e: Error) => {
    throw new Error(`socketio_server.py did not start within ${STARTUP_LIMIT_MS} ms: ${e.message}`);
  });
  return {
    port: ports.port as number,
    quickPort: ports.quickPort as number,
    reports,
    waitForReport,
    close: () => stop(child),
  };
}

/**
 * Runs socketio_client.py against `url` (http://host:port of a server or proxy): it connects /chat with
 * auth, emits chat("hello from python", 1) with an ack and reports {"ack": […]} or {"error": "…"}.
 */
export function runPythonSocketIoClient(url: string): Promise<{ ack?: unknown[]; error?: string }> {
  const child = spawn(PYTHON, [join(scriptDir, 'socketio_client.py'), url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`socketio_client.py did not finish: ${out}\n${err}`));
    }, 3 * WAIT_LIMIT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as { ack?: unknown[]; error?: string });
      } catch {
        reject(new Error(`socketio_client.py exited with ${code} without a result: ${out}\n${err}`));
      }
    });
  });
}
