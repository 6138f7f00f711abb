// protoc (Debian's protobuf-compiler) as the oracle of the Protobuf codec, and the fixture .proto
// workspace (test/fixtures/proto) loaded the way the extension loads a workspace's files.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LoadedProtoSchemas, loadProtoSchemas } from '../../src/core/decode';

/**
 * The fixture workspace folder: the include directory, as the workspace folder is in the extension.
 * Bundled into the extension-host suite, this file is elsewhere: the harness names the repository (SI_REPO_ROOT).
 */
export const PROTO_DIR = process.env.SI_REPO_ROOT ? join(process.env.SI_REPO_ROOT, 'test', 'fixtures', 'proto') : join(__dirname, '..', 'fixtures', 'proto');

/** The fixture files protoc can read too (no well-known types: Debian's protoc ships none). */
export const PROTOC_FILES = ['chat/v1/message.proto', 'legacy/record.proto'];

/** Loads fixture files (relative to PROTO_DIR) with PROTO_DIR as the include directory. */
export function loadFixtureSchemas(files: readonly string[] = [...PROTOC_FILES, 'wkt/event.proto']): Promise<LoadedProtoSchemas> {
  return loadProtoSchemas(
    files.map((f) => join(PROTO_DIR, f)),
    { readFile: (f) => readFile(f, 'utf8'), includeDirs: [PROTO_DIR] },
  );
}

/** Why protoc cannot be run, or undefined when it can. */
export function protocMissing(): string | undefined {
  const r = spawnSync('protoc', ['--version'], { stdio: 'ignore', timeout: 10_000 });
  if (r.error) return `protoc cannot be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); install it with apt-get install protobuf-compiler`;
  return r.status === 0 ? undefined : `protoc --version exited with ${r.status}`;
}

/** Runs protoc on the fixtures with stdin; throws with protoc's own words when it fails. */
export function protoc(args: readonly string[], input: Uint8Array | string): Buffer {
  // chat/v1 is an include directory too: message.proto imports "attachment.proto" beside it, which
  // our loader finds relative to the importing file and protoc finds only through -I.
  const r = spawnSync('protoc', ['-I', PROTO_DIR, '-I', join(PROTO_DIR, 'chat/v1'), ...args], { input, timeout: 30_000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`protoc ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}

/** protoc --encode of a text-format message of `type` (declared in `file`). */
export function protocEncode(type: string, file: string, text: string): Uint8Array {
  return new Uint8Array(protoc([`--encode=${type}`, file], text));
}

/** protoc --decode of a payload as `type`, as text format. */
export function protocDecode(type: string, file: string, bytes: Uint8Array): string {
  return protoc([`--decode=${type}`, file], bytes).toString('utf8');
}

/** protoc --decode_raw of a payload. */
export function protocDecodeRaw(bytes: Uint8Array): string {
  return protoc(['--decode_raw'], bytes).toString('utf8');
}
