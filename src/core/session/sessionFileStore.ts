// Reading and writing session files. A save goes to a temporary file in the same folder that is flushed
// and renamed over the target, so the target holds either the old or the new text, never a mix; and a
// file that does not read as a session is never overwritten (it may be a hand edit gone wrong).
import { randomBytes } from 'node:crypto';
import { type FileHandle, lstat, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SocketInspectorError, isSocketInspectorError } from '../../../shared/errors';
import { MAX_SESSION_BYTES, type Session, type SessionWarning } from './sessionFormat';
import { formatSize, parseSessionWithWarnings, tooLargeError } from './sessionParse';
import { serializeSession } from './sessionSerialize';

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A session read from disk, with the exact text read (pass it back as `expectedOriginal` on save). */
export interface LoadedSession {
  readonly session: Session;
  readonly warnings: SessionWarning[];
  readonly text: string;
}

export interface SaveSessionOptions {
  /**
   * The text the file held when the session was loaded. If the file now holds something else (edited
   * on disk meanwhile), the save is refused instead of overwriting those edits.
   */
  readonly expectedOriginal?: string;
  /** Largest file written (default MAX_SESSION_BYTES, the most a load accepts). */
  readonly maxBytes?: number;
}

const SYSTEM_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'the file or its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EFBIG: 'the file is larger than this system allows',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EBUSY: 'the file is in use',
  EMFILE: 'too many files are open',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'the path has a symbolic link loop',
};

function systemCodeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function fileError(action: string, path: string, e: unknown): SocketInspectorError {
  if (isSocketInspectorError(e)) {
    return new SocketInspectorError(e.code, `${action} "${basename(path)}": ${e.message}`, e.details, { cause: e });
  }
  const systemCode = systemCodeOf(e);
  const reason = (systemCode && SYSTEM_REASONS[systemCode]) ?? (e instanceof Error ? e.message : String(e));
  return new SocketInspectorError(
    'BAD_SESSION',
    `${action} "${basename(path)}": ${reason}${systemCode ? ` (${systemCode})` : ''}`,
    systemCode ? { systemCode } : {},
    { cause: e },
  );
}

/** Reads a whole regular file as UTF-8, refusing one larger than `maxBytes` without reading it all. */
async function readText(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    // A device or pipe (a link to /dev/zero in a cloned repository) would be read forever.
    if (!info.isFile()) throw new SocketInspectorError('BAD_SESSION', 'It is not a regular file');
    if (info.size > maxBytes) throw tooLargeError(info.size, maxBytes);
    // Read at most one byte more than allowed: a file that grew since stat is caught without reading it all.
    const limit = maxBytes + 1;
    let buffer = Buffer.allocUnsafe(Math.min(limit, Math.max(info.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length === limit) break;
        const bigger = Buffer.allocUnsafe(Math.min(limit, buffer.length * 2));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw tooLargeError(length, maxBytes);
    try {
      return fatalDecoder.decode(buffer.subarray(0, length));
    } catch {
      throw new SocketInspectorError('BAD_SESSION', 'The file is not UTF-8 text; a session file is JSON in UTF-8');
    }
  } finally {
    await handle.close();
  }
}

/**
 * Reads and parses a session file. Throws SocketInspectorError (BAD_SESSION, naming the file and what
 * is wrong); the file is only read, never written.
 */
export async function loadSessionFile(path: string, options: { maxBytes?: number } = {}): Promise<LoadedSession> {
  const maxBytes = options.maxBytes ?? MAX_SESSION_BYTES;
  let text: string;
  try {
    text = await readText(path, maxBytes);
  } catch (e) {
    throw fileError('Cannot open session', path, e);
  }
  try {
    const { session, warnings } = parseSessionWithWarnings(text, { maxBytes });
    return { session, warnings, text };
  } catch (e) {
    throw fileError('Cannot open session', path, e);
  }
}

/** The file a write to `path` must replace: the target of a symbolic link, so the link survives. */
async function writeTarget(path: string): Promise<string> {
  try {
    if ((await lstat(path)).isSymbolicLink()) return await realpath(path);
  } catch (e) {
    if (systemCodeOf(e) !== 'ENOENT') throw e;
  }
  return path;
}

/** Windows refuses a rename while another process (an editor, a virus scanner) has the file open; retry. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (e) {
      const code = systemCodeOf(e);
      const transient = process.platform === 'win32' && (code === 'EPERM' || code === 'EACCES' || code === 'EBUSY');
      if (!transient || attempt >= 8) throw e;
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    }
  }
}

/** Flushes a folder's entry list, so the rename itself survives a power cut. Not possible on Windows. */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Best effort: some file systems refuse fsync on a folder; the data itself is already flushed.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Writes `text` to `path` atomically: a new temporary file in the same folder, flushed to disk, then
 * renamed over the target (keeping its permissions). On failure the target is unchanged and the
 * temporary file is removed. Throws SocketInspectorError('BAD_SESSION') with the system code.
 */
export async function writeSessionAtomic(path: string, text: string): Promise<void> {
  let temp: string | undefined;
  let handle: FileHandle | undefined;
  try {
    const target = await writeTarget(path);
    let mode: number | undefined;
    try {
      mode = (await stat(target)).mode & 0o7777;
    } catch (e) {
      if (systemCodeOf(e) !== 'ENOENT') throw e;
    }
    temp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
    // 'wx': never reuse or follow an existing file of that name.
    handle = await open(temp, 'wx', mode ?? 0o666);
    // The umask applies at creation; an existing file's permissions are carried over exactly.
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await renameWithRetry(temp, target);
    temp = undefined;
    await syncFolder(dirname(target));
  } catch (e) {
    await handle?.close().catch(() => undefined);
    if (temp !== undefined) await unlink(temp).catch(() => undefined);
    throw fileError('Could not save session', path, e);
  }
}

/** The current text of `path`, or undefined when there is no such file. */
async function currentText(path: string, maxBytes: number): Promise<string | undefined> {
  try {
    return await readText(path, maxBytes);
  } catch (e) {
    if (systemCodeOf(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Saves a session to `path` atomically and returns the text written. Refuses (BAD_SESSION, file left
 * untouched) when the file exists but does not read as a session — a hand edit gone wrong, a newer
 * version, something else — or when it changed since `expectedOriginal` was read. An empty file may be
 * replaced: it holds nothing to lose. The check and the rename are not one atomic step; a change in
 * between is not detected.
 */
export async function saveSession(path: string, session: Session, options: SaveSessionOptions = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? MAX_SESSION_BYTES;
  const name = basename(path);
  const refuse = (e: unknown): SocketInspectorError =>
    new SocketInspectorError(
      'BAD_SESSION',
      `Did not overwrite "${name}": it does not read as a session this extension understands, so saving would destroy it (${e instanceof Error ? e.message : String(e)}). Fix or move the file, or save under another name.`,
      {},
      { cause: e },
    );
  let existing: string | undefined;
  try {
    existing = await currentText(path, maxBytes);
  } catch (e) {
    // Too large or not UTF-8: content we cannot read is content we must not replace.
    if (isSocketInspectorError(e)) throw refuse(e);
    throw fileError('Did not overwrite', path, e);
  }
  if (existing !== undefined && existing.trim() !== '') {
    if (options.expectedOriginal !== undefined && existing !== options.expectedOriginal) {
      throw new SocketInspectorError(
        'BAD_SESSION',
        `Did not overwrite "${name}": it changed on disk since it was opened. Reopen it, or save under another name.`,
      );
    }
    try {
      parseSessionWithWarnings(existing, { maxBytes });
    } catch (e) {
      throw refuse(e);
    }
  }
  const text = serializeSession(session);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new SocketInspectorError(
      'BAD_SESSION',
      `Could not save "${name}": the session would take ${formatSize(bytes)}, more than the ${formatSize(maxBytes)} a session file may have. Save it without the log, or with a shorter one.`,
    );
  }
  // Never write what we could not read back: a bug here must fail the save, not corrupt the file.
  try {
    parseSessionWithWarnings(text, { maxBytes });
  } catch (e) {
    throw new SocketInspectorError(
      'BAD_SESSION',
      `Could not save "${name}": the session is not valid (${e instanceof Error ? e.message : String(e)})`,
      {},
      { cause: e },
    );
  }
  await writeSessionAtomic(path, text);
  return text;
}
