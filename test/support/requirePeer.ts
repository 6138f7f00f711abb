// Prerequisites of peer tests: in CI a missing one fails loudly; on a developer machine the test is
// skipped with the reason.
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

/** Whether this run is CI, where nothing may be skipped. */
export const inCI = process.env.CI === 'true';

/**
 * Returns true when the prerequisite is there. Otherwise throws in CI, or marks the test skipped and
 * returns false (the caller returns at once).
 */
export function requirePeer(t: TestContext, name: string, missingReason: string | undefined): boolean {
  if (missingReason === undefined) return true;
  const message = `${name} is not available: ${missingReason}`;
  if (inCI) throw new Error(`Prerequisite missing in CI: ${message}`);
  t.skip(message);
  return false;
}

function commandFails(command: string, args: string[], hint: string): string | undefined {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  if (r.error) return `${command} cannot be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); ${hint}`;
  return r.status === 0 ? undefined : `${command} ${args.join(' ')} exited with ${r.status}; ${hint}`;
}

let cache: Map<string, string | undefined> | undefined;
function cached(key: string, check: () => string | undefined): string | undefined {
  cache ??= new Map();
  if (!cache.has(key)) cache.set(key, check());
  return cache.get(key);
}

/** Why Debian's python3-websockets cannot be used, or undefined when it can. */
export function pythonWebsocketsMissing(): string | undefined {
  return cached('python', () =>
    commandFails('/usr/bin/python3', ['-c', 'import websockets'], 'install it with apt-get install python3-websockets'),
  );
}

/** Why redis-server cannot be used, or undefined when it can. */
export function redisMissing(): string | undefined {
  return cached('redis', () => commandFails('redis-server', ['--version'], 'install it with apt-get install redis-server'));
}

/** Why the openssl CLI cannot be used, or undefined when it can. */
export function opensslMissing(): string | undefined {
  return cached('openssl', () => commandFails('openssl', ['version'], 'install it with apt-get install openssl'));
}

/** Why the socat CLI cannot be used, or undefined when it can. */
export function socatMissing(): string | undefined {
  return cached('socat', () => commandFails('socat', ['-V'], 'install it with apt-get install socat'));
}

/** Why tshark cannot capture on the loopback interface, or undefined when it can. */
export function tsharkMissing(): string | undefined {
  return cached('tshark', () => {
    const r = spawnSync('tshark', ['-D'], { encoding: 'utf8', timeout: 10_000 });
    if (r.error) return `tshark cannot be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); install it with apt-get install tshark`;
    if (r.status !== 0 || !/\blo\b/.test(r.stdout)) {
      return `tshark -D does not list the loopback interface "lo" (exit ${r.status}); run as root or in the wireshark group`;
    }
    return undefined;
  });
}
