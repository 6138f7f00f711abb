// Where a TLS key log goes: the path as a user wrote it (in a session file, a setting or a command's
// options) made absolute against the folder it is relative to.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { TcpOptions, WebSocketOptions } from '../connection/connectionTypes';
import { SocketInspectorError } from '../../../shared/errors';

/**
 * Makes a key log path absolute: `~` and `~/…` are the home folder, an absolute path stays, a relative
 * one is taken from `baseDir`. Throws BAD_URL naming `where` when it is relative and there is no base.
 */
export function resolveKeyLogPath(path: string, baseDir: string | undefined, where: string, home = homedir()): string {
  const p = path.trim();
  if (p === '' || p.includes('\0')) throw new SocketInspectorError('BAD_URL', `${where} must be a file path`);
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return join(home, p.slice(2));
  if (isAbsolute(p)) return resolve(p);
  if (!baseDir) {
    throw new SocketInspectorError('BAD_URL', `${where} "${p}" is relative, but there is no folder it is relative to; use an absolute path`);
  }
  return resolve(baseDir, p);
}

/** Connect options of either kind, as far as key logs are concerned. */
type KeyLogOptions = WebSocketOptions | TcpOptions;

/** Makes a key log path given in connect options absolute against `baseDir` (throws BAD_URL on a blank one). */
export function resolveOptionsKeyLog<T extends KeyLogOptions>(options: T, baseDir: string, home = homedir()): T {
  const tls = options.tls;
  if (typeof tls !== 'object' || tls.keyLogFile === undefined) return options;
  return { ...options, tls: { ...tls, keyLogFile: resolveKeyLogPath(tls.keyLogFile, baseDir, '"tls.keyLogFile"', home) } };
}

/**
 * The options with a default key log (a setting's) added, unless they name their own or cannot use one:
 * TCP without TLS. WebSocket options always take it; wsConnection uses it for wss:// only.
 */
export function withDefaultKeyLog<T extends KeyLogOptions>(options: T, keyLogFile: string | undefined): T {
  const tls = options.tls;
  if (!keyLogFile || tls === false || (typeof tls === 'object' && tls.keyLogFile)) return options;
  if ('host' in options && !tls) return options;
  return { ...options, tls: { ...(typeof tls === 'object' ? tls : {}), keyLogFile } };
}
