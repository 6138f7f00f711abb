// Debian's mosquitto broker for the MQTT peer tests, and paho-mqtt (python3-paho-mqtt) as the other
// client. The broker gets a generated config in a temp folder: a TCP listener and a WebSocket listener
// on free loopback ports, anonymous access off and one user in a password file made with
// mosquitto_passwd. Each is stopped (and waited for) by its handle's close().
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { accepts, freePort, stop } from './processPeers';

const STARTUP_LIMIT_MS = 10_000;
const WAIT_LIMIT_MS = 10_000;

/** The one user the broker accepts. */
export const MQTT_USER = { username: 'inspector', password: 's3cret-pass' } as const;

export interface Mosquitto {
  /** Plain MQTT over TCP. */
  readonly tcpPort: number;
  /** MQTT over WebSocket (ws://127.0.0.1:port/, subprotocol mqtt). */
  readonly wsPort: number;
  close(): Promise<void>;
}

/** Why mosquitto (with mosquitto_passwd) cannot be used, or undefined when it can. */
export function mosquittoMissing(): string | undefined {
  for (const [cmd, args] of [['mosquitto', ['-h']], ['mosquitto_passwd', ['-h']]] as const) {
    const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
    if (r.error) return `${cmd} cannot be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); install it with apt-get install mosquitto`;
  }
  return undefined;
}

/** Why paho-mqtt cannot be used from /usr/bin/python3, or undefined when it can. */
export function pahoMissing(): string | undefined {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import paho.mqtt.client'], { stdio: 'ignore', timeout: 10_000 });
  if (r.error) return `/usr/bin/python3 cannot be run (${r.error.message})`;
  return r.status === 0 ? undefined : 'import paho.mqtt.client failed; install it with apt-get install python3-paho-mqtt';
}

/**
 * Starts mosquitto with the generated config; resolves once both listeners accept. `anonymous`: clients
 * without credentials are let in too (a connection typed into the command palette carries none).
 */
export async function startMosquitto(options: { anonymous?: boolean } = {}): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'si-mosquitto-'));
  const passwd = join(dir, 'passwd');
  const made = spawnSync('mosquitto_passwd', ['-b', '-c', passwd, MQTT_USER.username, MQTT_USER.password], { encoding: 'utf8', timeout: 10_000 });
  if (made.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mosquitto_passwd failed: ${made.stderr || made.error?.message}`);
  }
  const tcpPort = await freePort();
  const wsPort = await freePort();
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [
      // Run as root, mosquitto would switch to its own user, which cannot read this private folder.
      `user ${userInfo().username}`,
      'per_listener_settings false',
      `allow_anonymous ${options.anonymous ? 'true' : 'false'}`,
      `password_file ${passwd}`,
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      `listener ${tcpPort} 127.0.0.1`,
      `listener ${wsPort} 127.0.0.1`,
      'protocol websockets',
      '',
    ].join('\n'),
  );
  const child = spawn('mosquitto', ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const cleanup = async () => {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + STARTUP_LIMIT_MS;
  while (!(await accepts(tcpPort)) || !(await accepts(wsPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await cleanup();
      throw new Error(`mosquitto did not start on ports ${tcpPort}/${wsPort}: ${output.trim().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { tcpPort, wsPort, close: cleanup };
}

/** One event paho reported (see test/support/python/mqtt_client.py). */
export interface PahoEvent {
  readonly event: 'connack' | 'subscribed' | 'published' | 'message' | 'disconnected' | 'subscribe-sent' | 'publish-sent';
  readonly [field: string]: unknown;
}

export interface PahoClient {
  readonly events: readonly PahoEvent[];
  send(command: Record<string, unknown>): void;
  /** Resolves with the first event (already seen or still to come) that matches. */
  waitFor(what: string, match: (e: PahoEvent) => boolean): Promise<PahoEvent>;
  close(): Promise<void>;
}

export interface PahoOptions {
  readonly port: number;
  readonly transport: 'tcp' | 'websockets';
  readonly version: '3.1.1' | '5';
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
}

/** Starts a paho client; resolves once it reports its CONNACK (whatever the code). */
export async function startPaho(options: PahoOptions): Promise<PahoClient> {
  const script = join(__dirname, 'python', 'mqtt_client.py');
  const args = [script, '127.0.0.1', String(options.port), options.transport, options.version, options.username ?? '', options.password ?? '', options.clientId];
  const child = spawn('/usr/bin/python3', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const events: PahoEvent[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as PahoEvent);
    } catch {
      stderr += `unreadable line: ${line}\n`;
    }
    for (const w of [...waiters]) w();
  });
  const client: PahoClient = {
    events,
    send: (command) => child.stdin!.write(`${JSON.stringify(command)}\n`),
    waitFor: (what, match) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`paho did not report ${what}. Events: ${JSON.stringify(events)}; stderr: ${stderr.slice(-2000)}`));
        }, WAIT_LIMIT_MS);
        if (!check()) waiters.add(check);
      }),
    close: () => {
      child.stdin!.end();
      return stop(child);
    },
  };
  await client.waitFor('its CONNACK', (e) => e.event === 'connack');
  return client;
}
