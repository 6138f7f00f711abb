// Appends a TLS connection's session secrets to a file in the NSS key log format (SSLKEYLOGFILE), so
// Wireshark or tshark can decrypt a capture of the same session. The file is opened for appending (a key
// log collects many sessions), created readable by its owner only, and closed when the owner disposes
// this. A file that cannot be written is reported once; the connection goes on without a key log.
// A symbolic link at the path is never followed: a session file that names a key log next to it could
// otherwise aim the secrets (and an append) at any file the link points to.
import { close, constants, createWriteStream, lstat, open, write, writev, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { toDisposable, type IDisposable } from '../base/dispose';

/** The reasons of the system errors a key log meets, in words. */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ELOOP: 'it is a symbolic link, which a key log never follows',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
};

/** Why a key log file cannot be written, in words, from the error of opening or writing it. */
export function keyLogProblem(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why = (code !== undefined ? REASONS[code] : undefined) ?? (e instanceof Error ? e.message : String(e));
  return `Cannot write the TLS key log "${path}": ${why}. The connection continues without a key log.`;
}

/** Append, create if missing, and (where the system has it) refuse a symbolic link as the last component. */
const APPEND_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | (constants.O_NOFOLLOW ?? 0);

/**
 * fs.open as the key log's write stream calls it, opening with APPEND_NO_FOLLOW. Windows has no
 * O_NOFOLLOW, so a link is also refused by looking first (lstat); elsewhere the open itself refuses one.
 */
function openNoFollow(path: string, _flags: unknown, mode: number, callback: (e: NodeJS.ErrnoException | null, fd?: number) => void): void {
  lstat(path, (e, stats) => {
    if (!e && stats.isSymbolicLink()) {
      callback(Object.assign(new Error(`${path} is a symbolic link`), { code: 'ELOOP' }));
      return;
    }
    open(path, APPEND_NO_FOLLOW, mode, callback);
  });
}

/** One connection's key log writer: feed it TLS sockets; dispose it to close the file. */
export class TlsKeyLog implements IDisposable {
  /** The absolute path written to. */
  readonly path: string;
  private stream: WriteStream | undefined;
  private failed = false;
  private lines = 0;

  constructor(
    path: string,
    /** Told once, in words, when the file cannot be opened or written. */
    private readonly onProblem: (message: string) => void,
  ) {
    this.path = resolve(path);
    // Opened lazily on the first line: a connection that never gets to TLS leaves no empty file behind.
  }

  /** Key log lines written so far (each one secret; only the count is ever shown). */
  get lineCount(): number {
    return this.lines;
  }

  /** Listens to a TLS socket's 'keylog' event (Node enables the key callback when it gets a listener). */
  attach(socket: TLSSocket): IDisposable {
    const listener = (line: Buffer) => this.write(line);
    socket.on('keylog', listener);
    return toDisposable(() => socket.off('keylog', listener));
  }

  /** Appends one line as Node gives it (it ends with a newline). */
  write(line: Buffer): void {
    if (this.failed) return;
    if (!this.stream) {
      try {
        // The secrets must not be readable by other users of the machine.
        this.stream = createWriteStream(this.path, { mode: 0o600, fs: { open: openNoFollow, write, writev, close } });
      } catch (e) {
        // A path Node refuses outright (a NUL in it) throws here instead of emitting 'error'.
        this.fail(e);
        return;
      }
      this.stream.on('error', (e) => this.fail(e));
    }
    this.lines++;
    this.stream.write(line);
  }

  private fail(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.stream?.destroy();
    this.stream = undefined;
    this.onProblem(keyLogProblem(this.path, e));
  }

  /** Flushes and closes the file. */
  dispose(): void {
    const stream = this.stream;
    this.stream = undefined;
    this.failed = true;
    stream?.end();
  }
}
