// Session files on a real file system: atomic writes that leave the old file intact and no temporary
// file behind when they fail, loads that never write, and saves that never destroy an unreadable file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { SocketInspectorError } from '../../shared/errors';
import { loadSessionFile, saveSession, writeSessionAtomic } from '../../src/core/session/sessionFileStore';
import { MAX_SESSION_BYTES, type Session } from '../../src/core/session/sessionFormat';
import { serializeSession } from '../../src/core/session/sessionSerialize';

const root = mkdtempSync(join(tmpdir(), 'si-session-'));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
/** A fresh empty folder for one test. */
function folder(): string {
  const dir = join(root, `t${folders++}`);
  mkdirSync(dir);
  return dir;
}

const session: Session = {
  version: 1,
  name: 'echo',
  connection: { type: 'websocket', url: 'ws://127.0.0.1:8080/' },
  messages: [{ format: 'text', body: 'hello' }],
};
const OLD = serializeSession({ ...session, name: 'old' });

async function rejectsBadSession(p: Promise<unknown>, message: RegExp): Promise<SocketInspectorError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof SocketInspectorError, `expected a SocketInspectorError, got ${String(caught)}`);
  assert.equal(caught.code, 'BAD_SESSION');
  assert.match(caught.message, message);
  return caught;
}

/** Asserts the folder holds exactly these names: in particular no temporary file. */
function assertFolder(dir: string, names: string[]): void {
  assert.deepEqual(readdirSync(dir).sort(), [...names].sort());
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
interface ChildSave {
  ok: boolean;
  code?: string;
  systemCode?: string;
  message?: string;
}

/**
 * writeSessionAtomic(path, text) in a child process: with a file size limit (`ulimit -f`, in blocks), or
 * (for root) without the capability to write where the file modes say no (setpriv, from util-linux,
 * which Debian always has). Its result as the child saw it.
 */
function saveInChild(path: string, text: string, limits: { fileSizeBlocks?: number; obeyModes?: boolean }): ChildSave {
  const child = join(root, `child${folders}.ts`);
  const textFile = join(root, `child${folders++}.txt`);
  writeFileSync(textFile, text);
  const store = resolve(__dirname, '../../src/core/session/sessionFileStore.ts');
  writeFileSync(
    child,
    `import { readFileSync } from 'node:fs';
import { writeSessionAtomic } from ${JSON.stringify(store)};
writeSessionAtomic(process.argv[2]!, readFileSync(process.argv[3]!, 'utf8')).then(
  () => console.log(JSON.stringify({ ok: true })),
  (e) => console.log(JSON.stringify({ ok: false, code: e.code, systemCode: e.details?.systemCode, message: e.message })),
);
`,
  );
  const ulimit = limits.fileSizeBlocks === undefined ? '' : `ulimit -f ${limits.fileSizeBlocks} && `;
  const setpriv = limits.obeyModes ? 'setpriv --inh-caps=-dac_override --bounding-set=-dac_override ' : '';
  const run = spawnSync('/bin/sh', ['-c', `${ulimit}exec ${setpriv}"$0" "$@"`, process.execPath, '--import', 'tsx', child, path, textFile], {
    cwd: resolve(__dirname, '../..'),
    env: { ...process.env, TSX_DISABLE_CACHE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as ChildSave;
}

describe('writeSessionAtomic', () => {
  it('creates a file with exactly the text, and leaves no temporary file', async () => {
    const dir = folder();
    const path = join(dir, 'a.socket-session.json');
    await writeSessionAtomic(path, 'héllo\n');
    assert.equal(readFileSync(path, 'utf8'), 'héllo\n');
    assertFolder(dir, ['a.socket-session.json']);
  });

  it('replaces a file and keeps its permissions', { skip: process.platform === 'win32' && 'POSIX permissions' }, async () => {
    const dir = folder();
    const path = join(dir, 'a.socket-session.json');
    writeFileSync(path, OLD);
    chmodSync(path, 0o640);
    await writeSessionAtomic(path, 'new');
    assert.equal(readFileSync(path, 'utf8'), 'new');
    assert.equal(statSync(path).mode & 0o777, 0o640);
    assertFolder(dir, ['a.socket-session.json']);
  });

  it('writes through a symbolic link to its target, keeping the link', { skip: process.platform === 'win32' && 'symlinks need privileges on Windows' }, async () => {
    const dir = folder();
    const real = join(dir, 'real.socket-session.json');
    const link = join(dir, 'link.socket-session.json');
    writeFileSync(real, OLD);
    symlinkSync(real, link);
    await writeSessionAtomic(link, 'through the link');
    assert.equal(readFileSync(real, 'utf8'), 'through the link');
    assert.ok(readdirSync(dir, { withFileTypes: true }).find((d) => d.name === 'link.socket-session.json')!.isSymbolicLink());
    assertFolder(dir, ['real.socket-session.json', 'link.socket-session.json']);
  });

  it('fails clearly when the parent is a file, leaving nothing behind', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'notAFolder'), 'x');
    const e = await rejectsBadSession(
      writeSessionAtomic(join(dir, 'notAFolder', 'a.socket-session.json'), 'x'),
      /^Could not save session "a\.socket-session\.json": a part of the path is a file, not a folder \(ENOTDIR\)$/,
    );
    assert.equal(e.details.systemCode, 'ENOTDIR');
    assertFolder(dir, ['notAFolder']);
  });

  it('fails clearly in a read-only folder, leaving the old file intact', { skip: process.platform === 'win32' && 'Windows folders have no write bit' }, async () => {
    const dir = folder();
    const path = join(dir, 'a.socket-session.json');
    writeFileSync(path, OLD);
    chmodSync(dir, 0o555);
    try {
      if (isRoot) {
        // Root writes anywhere (CAP_DAC_OVERRIDE): the write runs without it, so the folder's mode holds.
        const result = saveInChild(path, 'new', { obeyModes: true });
        assert.deepEqual({ ok: result.ok, code: result.code, systemCode: result.systemCode }, { ok: false, code: 'BAD_SESSION', systemCode: 'EACCES' }, result.message);
        assert.match(result.message!, /permission denied \(EACCES\)/);
      } else {
        await rejectsBadSession(writeSessionAtomic(path, 'new'), /permission denied \(EACCES\)/);
      }
    } finally {
      chmodSync(dir, 0o755);
    }
    assert.equal(readFileSync(path, 'utf8'), OLD);
    assertFolder(dir, ['a.socket-session.json']);
  });

  it('removes the temporary file when the final rename fails', async () => {
    const dir = folder();
    // A non-empty folder where the file should be: everything succeeds up to the rename.
    const path = join(dir, 'a.socket-session.json');
    mkdirSync(path);
    writeFileSync(join(path, 'keep'), 'x');
    const e = await rejectsBadSession(writeSessionAtomic(path, 'new text'), /^Could not save session "a\.socket-session\.json": /);
    assert.ok(['EISDIR', 'ENOTEMPTY', 'EEXIST', 'EPERM'].includes(e.details.systemCode ?? ''), e.details.systemCode);
    assertFolder(dir, ['a.socket-session.json']);
    assertFolder(path, ['keep']);
  });

  it('leaves the old file intact when the disk refuses the write midway (file size limit)', { skip: process.platform === 'win32' && 'needs ulimit' }, () => {
    const dir = folder();
    const path = join(dir, 'a.socket-session.json');
    writeFileSync(path, OLD);
    // RLIMIT_FSIZE of 64 blocks (32 KiB or 64 KiB): the 1 MiB write fails with EFBIG part way through.
    // Node ignores SIGXFSZ, so the failure reaches the code as an error, as a full disk would.
    const result = saveInChild(path, 'x'.repeat(1 << 20), { fileSizeBlocks: 64 });
    assert.deepEqual(
      { ok: result.ok, code: result.code, systemCode: result.systemCode },
      { ok: false, code: 'BAD_SESSION', systemCode: 'EFBIG' },
      result.message,
    );
    assert.match(result.message!, /^Could not save session "a\.socket-session\.json": the file is larger than this system allows \(EFBIG\)$/);
    assert.equal(readFileSync(path, 'utf8'), OLD);
    assertFolder(dir, ['a.socket-session.json']);
  });

  it('uses a unique temporary file per write: parallel saves each land whole', async () => {
    const dir = folder();
    const path = join(dir, 'a.socket-session.json');
    const texts = Array.from({ length: 8 }, (_, i) => `${String(i).repeat(100_000)}\n`);
    await Promise.all(texts.map((t) => writeSessionAtomic(path, t)));
    assert.ok(texts.includes(readFileSync(path, 'utf8')));
    assertFolder(dir, ['a.socket-session.json']);
  });
});

describe('loadSessionFile', () => {
  it('returns the session, its warnings and the exact text', async () => {
    const dir = folder();
    const path = join(dir, 'a.socket-session.json');
    const text = OLD.replace('"name": "old"', '"name": "old",\n  "extra": 1');
    writeFileSync(path, text);
    const loaded = await loadSessionFile(path);
    assert.equal(loaded.session.name, 'old');
    assert.equal(loaded.text, text);
    assert.deepEqual(loaded.warnings.map((w) => w.path), ['extra']);
  });

  for (const [label, content, message] of [
    ['corrupt', '{"version": 1, "connection": {"type": "tcp", "host": "h", "port": 1}', /^Cannot open session "a\.socket-session\.json": The file is not valid JSON: .* at line 1, column \d+ — the file looks cut short$/],
    ['future-version', '{"version": 2, "connection": {}}', /^Cannot open session "a\.socket-session\.json": version 2 is newer than this extension understands \(1\)/],
    ['wrongly typed', '{"version": 1, "connection": {"type": "tcp", "host": "h", "port": "1"}}', /connection\.port must be an integer 1–65535 \(found "1"\)$/],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /The file is not UTF-8 text/],
  ] as const) {
    it(`opens a ${label} file with a clear error and never writes it`, async () => {
      const dir = folder();
      const path = join(dir, 'a.socket-session.json');
      writeFileSync(path, content);
      const before = statSync(path);
      await rejectsBadSession(loadSessionFile(path), message);
      assert.deepEqual(readFileSync(path), Buffer.from(content));
      assert.equal(statSync(path).mtimeMs, before.mtimeMs);
      assertFolder(dir, ['a.socket-session.json']);
    });
  }

  it('refuses a huge file before reading it', async () => {
    const dir = folder();
    const path = join(dir, 'huge.socket-session.json');
    writeFileSync(path, '');
    truncateSync(path, MAX_SESSION_BYTES + 1); // sparse: costs no disk
    await rejectsBadSession(loadSessionFile(path), /^Cannot open session "huge\.socket-session\.json": The session file is 64\.0 MiB; Socket Inspector opens session files of at most 64\.0 MiB/);
    assert.equal(statSync(path).size, MAX_SESSION_BYTES + 1);
  });

  it('refuses a link to a device instead of reading it forever', { skip: process.platform === 'win32' && 'no /dev/zero' }, async () => {
    const dir = folder();
    const path = join(dir, 'zero.socket-session.json');
    symlinkSync('/dev/zero', path);
    await rejectsBadSession(loadSessionFile(path), /^Cannot open session "zero\.socket-session\.json": It is not a regular file$/);
    await rejectsBadSession(saveSession(path, session), /^Did not overwrite "zero\.socket-session\.json": it does not read as a session/);
  });

  it('reads files larger than the first read buffer completely', async () => {
    const dir = folder();
    const path = join(dir, 'big.socket-session.json');
    const big = { ...session, messages: [{ format: 'text' as const, body: 'é'.repeat(300_000) }] };
    writeFileSync(path, serializeSession(big));
    assert.deepEqual((await loadSessionFile(path)).session, big);
  });

  it('says so when the file does not exist or is a folder', async () => {
    const dir = folder();
    const e = await rejectsBadSession(loadSessionFile(join(dir, 'nope.socket-session.json')), /^Cannot open session "nope\.socket-session\.json": the file or its folder does not exist \(ENOENT\)$/);
    assert.equal(e.details.systemCode, 'ENOENT');
    await rejectsBadSession(loadSessionFile(dir), /it is a folder, not a file \(EISDIR\)/);
  });
});

describe('saveSession', () => {
  it('creates a new file, returns the text written, and round-trips', async () => {
    const dir = folder();
    const path = join(dir, 'new.socket-session.json');
    const text = await saveSession(path, session);
    assert.equal(readFileSync(path, 'utf8'), text);
    assert.deepEqual((await loadSessionFile(path)).session, session);
    assertFolder(dir, ['new.socket-session.json']);
  });

  it('replaces a valid session file, and an empty file', async () => {
    const dir = folder();
    const path = join(dir, 'a.socket-session.json');
    writeFileSync(path, OLD);
    await saveSession(path, session, { expectedOriginal: OLD });
    assert.equal(readFileSync(path, 'utf8'), serializeSession(session));
    writeFileSync(path, ' \n');
    await saveSession(path, session);
    assert.equal(readFileSync(path, 'utf8'), serializeSession(session));
  });

  for (const [label, content] of [
    ['hand-broken', OLD.replace('"version": 1,', '"version": 1')],
    ['truncated', OLD.slice(0, OLD.length / 2)],
    ['newer-version', OLD.replace('"version": 1', '"version": 2')],
    ['not-a-session', '{"some": "other JSON file"}'],
    ['binary', Buffer.from([0, 1, 2, 255])],
  ] as const) {
    it(`never overwrites a ${label} file`, async () => {
      const dir = folder();
      const path = join(dir, 'a.socket-session.json');
      writeFileSync(path, content);
      await rejectsBadSession(
        saveSession(path, session),
        /^Did not overwrite "a\.socket-session\.json": it does not read as a session this extension understands, so saving would destroy it \(.+\)\. Fix or move the file, or save under another name\.$/,
      );
      assert.deepEqual(readFileSync(path), Buffer.from(content));
      assertFolder(dir, ['a.socket-session.json']);
    });
  }

  it('does not overwrite edits made on disk since the file was opened', async () => {
    const dir = folder();
    const path = join(dir, 'a.socket-session.json');
    writeFileSync(path, OLD);
    const { text } = await loadSessionFile(path);
    const edited = OLD.replace('"old"', '"edited elsewhere"');
    writeFileSync(path, edited);
    await rejectsBadSession(saveSession(path, session, { expectedOriginal: text }), /changed on disk since it was opened/);
    assert.equal(readFileSync(path, 'utf8'), edited);
  });

  it('refuses to write a session it could not read back, leaving the file untouched', async () => {
    const dir = folder();
    const path = join(dir, 'a.socket-session.json');
    writeFileSync(path, OLD);
    const invalid = { ...session, connection: { type: 'tcp', host: 'h', port: 0 } } as Session;
    await rejectsBadSession(saveSession(path, invalid), /^Could not save "a\.socket-session\.json": the session is not valid \(connection\.port must be an integer 1–65535 \(found 0\)\)$/);
    const tooBig: Session = { ...session, messages: [{ format: 'text', body: 'x'.repeat(5000) }] };
    await rejectsBadSession(saveSession(path, tooBig, { maxBytes: 4096 }), /the session would take 5\.\d KiB, more than the 4\.0 KiB a session file may have/);
    assert.equal(readFileSync(path, 'utf8'), OLD);
    assertFolder(dir, ['a.socket-session.json']);
  });
});
