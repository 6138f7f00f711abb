// Writes an export to disk from a stream of chunks, in batches of about a megabyte, so a log of a million
// entries never becomes one giant string or buffer. The file appears whole or not at all: the chunks go
// to a temporary file in the same folder that is renamed over the target at the end.
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SocketInspectorError } from '../../../shared/errors';

/** Bytes collected before a write. */
const BATCH_BYTES = 1024 * 1024;

export interface WriteExportOptions {
  /** Stops the export between two batches; the temporary file is removed and nothing is written. */
  readonly signal?: AbortSignal;
  /** Called after each batch with the bytes written so far. */
  readonly onProgress?: (bytesWritten: number) => void;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'the folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the path is too long',
};

/** The error a failed export reports: what could not be written, and why in words. */
export function exportWriteError(path: string, e: unknown): SocketInspectorError {
  if (e instanceof SocketInspectorError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const systemCode = typeof code === 'string' ? code : undefined;
  const reason = (systemCode && REASONS[systemCode]) ?? (e instanceof Error ? e.message : String(e));
  return new SocketInspectorError(
    'EXPORT_FAILED',
    `Could not write "${basename(path)}": ${reason}${systemCode ? ` (${systemCode})` : ''}`,
    systemCode ? { systemCode } : {},
    { cause: e },
  );
}

/** The error of an export the user cancelled. */
export function exportCancelled(): SocketInspectorError {
  return new SocketInspectorError('EXPORT_FAILED', 'The export was cancelled; no file was written');
}

/** Collects chunks into batches of about BATCH_BYTES; strings are encoded as UTF-8 a batch at a time. */
class Batcher {
  private strings: string[] = [];
  private stringChars = 0;
  private buffer = Buffer.allocUnsafe(BATCH_BYTES);
  private used = 0;

  constructor(private readonly flushBytes: (bytes: Uint8Array) => Promise<void>) {}

  /**
   * Adds a chunk. Returns a promise only when a batch is being written (await it before the next add);
   * most chunks just land in the batch, and awaiting each of millions would cost more than the export.
   */
  add(chunk: Uint8Array | string): Promise<void> | undefined {
    if (typeof chunk === 'string') {
      if (this.used > 0) return this.flushBuffer().then(() => this.add(chunk));
      this.strings.push(chunk);
      this.stringChars += chunk.length;
      return this.stringChars >= BATCH_BYTES ? this.flushStrings() : undefined;
    }
    if (this.stringChars > 0) return this.flushStrings().then(() => this.add(chunk));
    if (chunk.length >= BATCH_BYTES) return this.flushBuffer().then(() => this.flushBytes(chunk));
    if (this.used + chunk.length > BATCH_BYTES) return this.flushBuffer().then(() => this.add(chunk));
    this.buffer.set(chunk, this.used);
    this.used += chunk.length;
    return undefined;
  }

  async flush(): Promise<void> {
    await this.flushStrings();
    await this.flushBuffer();
  }

  private async flushStrings(): Promise<void> {
    if (this.strings.length === 0) return;
    const text = this.strings.join('');
    this.strings = [];
    this.stringChars = 0;
    await this.flushBytes(Buffer.from(text, 'utf8'));
  }

  private async flushBuffer(): Promise<void> {
    if (this.used === 0) return;
    const bytes = this.buffer.subarray(0, this.used);
    await this.flushBytes(bytes);
    // The write is done with it, so the same memory serves the next batch.
    this.used = 0;
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Writes the chunks to `path` (replacing it), returning the bytes written. Throws SocketInspectorError
 * ('EXPORT_FAILED') with a reason a person understands; the target is untouched on failure.
 */
export async function writeExportFile(
  path: string,
  chunks: Iterable<Uint8Array | string>,
  options: WriteExportOptions = {},
): Promise<number> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  let written = 0;
  try {
    if (options.signal?.aborted) throw exportCancelled();
    // 'wx': never reuse or follow an existing file of that name.
    handle = await open(temp, 'wx');
    const h = handle;
    const batcher = new Batcher(async (bytes) => {
      if (options.signal?.aborted) throw exportCancelled();
      await writeAll(h, bytes);
      written += bytes.length;
      options.onProgress?.(written);
    });
    for (const chunk of chunks) {
      const pending = batcher.add(chunk);
      if (pending) await pending;
    }
    await batcher.flush();
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
    return written;
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw exportWriteError(path, e);
  }
}
