// Where a TLS key log goes: the path as a user wrote it (in a session file, a setting or a command's
// options) made absolute against the folder it is relative to.
import { realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
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

/** A path with the links in its folders resolved (as far as they exist); the last component is kept. */
async function realFolderPath(path: string): Promise<string> {
  const folder = dirname(path);
  if (folder === path) return path;
  try {
    return join(await realpath(folder), basename(path));
  } catch {
    // The folder does not exist (yet): resolve what of it does.
    return join(await realFolderPath(folder), basename(path));
  }
}

/**
 * Whether an absolute key log path lies inside one of `folders` (the workspace's), judged after the links
 * in its folders are resolved: a link inside the workspace that points out of it is outside. Outside
 * (or with no folder at all, an empty window), a session file may only write there after the user agrees.
 */
export async function keyLogInside(path: string, folders: readonly string[]): Promise<boolean> {
  const real = await realFolderPath(resolve(path));
  for (const folder of folders) {
    const root = await realpath(folder).catch(() => resolve(folder));
    const rel = relative(root, real);
    if (rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) return true;
  }
  return false;
}

/**
 * The key log path to ask the user about before connecting with `options` from a session file: the one
 * a TLS connection would write outside `folders`, or undefined when it writes none or inside them.
 */
export async function keyLogToConfirm(options: KeyLogOptions, folders: readonly string[]): Promise<string | undefined> {
  // ws:// never uses a key log (wsConnection writes one for wss:// only), nor TCP without TLS.
  if ('url' in options && !options.url.startsWith('wss:')) return undefined;
  const path = typeof options.tls === 'object' ? options.tls.keyLogFile : undefined;
  return path !== undefined && !(await keyLogInside(path, folders)) ? path : undefined;
}

/** The options without their key log. */
export function withoutKeyLog<T extends KeyLogOptions>(options: T): T {
  if (typeof options.tls !== 'object' || options.tls.keyLogFile === undefined) return options;
  const { keyLogFile: _keyLogFile, ...tls } = options.tls;
  return { ...options, tls };
}
