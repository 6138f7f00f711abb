// RabbitMQ with the STOMP plugins, started once per test file as a private node that owns nothing
// outside one temp folder and dies with the suite. The recipe (Debian's rabbitmq-server 3.10):
//
// - A temp folder owned by the `rabbitmq` user holds everything the node writes: rabbitmq.conf, the
//   enabled_plugins file ([rabbitmq_stomp,rabbitmq_web_stomp].), mnesia, logs, the feature-flags file,
//   and HOME (so the Erlang cookie is made there, not in /var/lib/rabbitmq).
// - The RABBITMQ_* variables point there: RABBITMQ_CONFIG_FILE, RABBITMQ_ENABLED_PLUGINS_FILE,
//   RABBITMQ_MNESIA_BASE, RABBITMQ_LOG_BASE, RABBITMQ_FEATURE_FLAGS_FILE, RABBITMQ_NODENAME
//   (si-<random>@localhost), RABBITMQ_NODE_PORT (AMQP) and RABBITMQ_DIST_PORT, all free loopback ports.
//   rabbitmq.conf binds AMQP, STOMP (stomp.listeners.tcp) and web-STOMP (web_stomp.tcp.port/ip, path
//   /ws) to 127.0.0.1; Erlang distribution is held to loopback with inet_dist_use_interface.
// - Erlang would start a shared `epmd -daemon` on 4369 that outlives everything. Instead we run our own
//   epmd in the foreground on a free port (ERL_EPMD_PORT, ERL_EPMD_ADDRESS=127.0.0.1) as our child,
//   and kill it by its pid at the end.
// - /usr/lib/rabbitmq/bin/rabbitmq-server (what Debian's /usr/sbin wrapper runs after `su rabbitmq`) is
//   spawned directly as the rabbitmq user (uid/gid), detached into its own process group.
// - Ready when the web-STOMP port accepts (about 8 s on an idle machine; allow a minute under load).
//   guest/guest may log in from loopback (RabbitMQ's default loopback_users).
// - Stop: SIGTERM to the process group (Erlang stops the node cleanly), SIGKILL after a grace period,
//   then epmd, then the folder. An exit hook kills both groups if the test process ends without it.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accepts, freePort } from './processPeers';

const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const PLUGINS_DIR = '/usr/lib/rabbitmq/lib';
const EPMD = '/usr/bin/epmd';
const STARTUP_LIMIT_MS = 90_000;
const STOP_GRACE_MS = 15_000;

/** A running broker. */
export interface RabbitMq {
  /** ws://127.0.0.1:PORT/ws: web-STOMP. */
  readonly webStompUrl: string;
  /** STOMP over TCP (rabbitmq_stomp), for python3-stomp. */
  readonly stompPort: number;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the whole node: it goes silent without closing anything. */
  freeze(frozen: boolean): void;
  /** The node's log so far, for a failed assertion's message. */
  log(): string;
  /** The process group of the node and the pid of our epmd, to check that nothing outlived close(). */
  readonly processGroup: number;
  readonly epmdPid: number;
  close(): Promise<void>;
}

function userIds(name: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Why this machine cannot run the broker, or undefined when it can. */
export function rabbitmqMissing(): string | undefined {
  if (!existsSync(RABBITMQ_SERVER)) return `${RABBITMQ_SERVER} is missing; install it with apt-get install rabbitmq-server`;
  if (!existsSync(EPMD)) return `${EPMD} is missing; it comes with erlang-base`;
  const versions = readdirSync(PLUGINS_DIR).filter((d) => d.startsWith('rabbitmq_server-'));
  const hasWebStomp = versions.some((v) => readdirSync(join(PLUGINS_DIR, v, 'plugins')).some((p) => p.startsWith('rabbitmq_web_stomp-')));
  if (!hasWebStomp) return 'the rabbitmq_web_stomp plugin is missing from the rabbitmq-server package';
  if (!userIds('rabbitmq')) return 'there is no rabbitmq user (the Debian package makes it)';
  if (process.getuid?.() !== 0) return 'starting the broker as the rabbitmq user needs root';
  return undefined;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Starts a private RabbitMQ node with web-STOMP and STOMP on free loopback ports; resolves when it accepts. */
export async function startRabbitMq(): Promise<RabbitMq> {
  const ids = userIds('rabbitmq');
  if (!ids) throw new Error('no rabbitmq user');
  const [amqpPort, distPort, epmdPort, stompPort, webStompPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'si-rabbitmq-'));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    chownSync(path, ids.uid, ids.gid);
    return path;
  };
  chownSync(dir, ids.uid, ids.gid);
  const config = write(
    'rabbitmq.conf',
    [
      `listeners.tcp.1 = 127.0.0.1:${amqpPort}`,
      `stomp.listeners.tcp.1 = 127.0.0.1:${stompPort}`,
      `web_stomp.tcp.port = ${webStompPort}`,
      'web_stomp.tcp.ip = 127.0.0.1',
      'log.console = true',
      'log.console.level = warning',
      '',
    ].join('\n'),
  );
  const plugins = write('enabled_plugins', '[rabbitmq_stomp,rabbitmq_web_stomp].\n');
  const nodeName = `si-${Math.random().toString(36).slice(2, 10)}@localhost`;
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    HOME: dir,
    LANG: 'C.UTF-8',
    RABBITMQ_CONFIG_FILE: config,
    RABBITMQ_ENABLED_PLUGINS_FILE: plugins,
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_FEATURE_FLAGS_FILE: join(dir, 'feature_flags'),
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };

  let output = '';
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  const epmd = spawn(EPMD, ['-port', String(epmdPort), '-address', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  epmd.stdout!.on('data', collect);
  epmd.stderr!.on('data', collect);
  const node = spawn(RABBITMQ_SERVER, [], { cwd: dir, env, uid: ids.uid, gid: ids.gid, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  node.stdout!.on('data', collect);
  node.stderr!.on('data', collect);

  // If this process ends without close(), nothing of the broker may stay.
  const onExit = () => {
    killGroup(node.pid, 'SIGCONT');
    killGroup(node.pid, 'SIGKILL');
    epmd.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    process.removeListener('exit', onExit);
    killGroup(node.pid, 'SIGCONT');
    killGroup(node.pid, 'SIGTERM');
    if (!(await waitExit(node, STOP_GRACE_MS))) {
      killGroup(node.pid, 'SIGKILL');
      await waitExit(node, STOP_GRACE_MS);
    }
    // The group may hold more than the shell the node runs under (beam, erl_child_setup).
    killGroup(node.pid, 'SIGKILL');
    epmd.kill('SIGTERM');
    await waitExit(epmd, STOP_GRACE_MS);
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + STARTUP_LIMIT_MS;
  while (!(await accepts(webStompPort))) {
    if (exited(node) || Date.now() > deadline) {
      await close();
      throw new Error(`RabbitMQ did not start (${exited(node) ? `exited with ${node.exitCode ?? node.signalCode}` : 'timed out'}): ${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    webStompUrl: `ws://127.0.0.1:${webStompPort}/ws`,
    stompPort,
    freeze: (frozen) => killGroup(node.pid, frozen ? 'SIGSTOP' : 'SIGCONT'),
    log: () => output,
    processGroup: node.pid!,
    epmdPid: epmd.pid!,
    close,
  };
}
