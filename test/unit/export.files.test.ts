// Writing exports to disk: whole or not at all, errors a person understands, cancellation; one message's
// payload to a file, byte for byte, with a name that says what it holds; the names exports propose.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { SocketInspectorError } from '../../shared/errors';
import { exportFileName, exportRefusal, importedSessionNames } from '../../src/core/export/exportFormats';
import { writeExportFile } from '../../src/core/export/exportFile';
import { messageEntry, messageFileExtension, saveMessageToFile, suggestedMessageFileName } from '../../src/core/export/messageFile';
import { EntryLog } from '../../src/core/log/entryLog';

const dir = mkdtempSync(join(tmpdir(), 'si-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('writeExportFile', () => {
  it('writes strings and bytes in order, replacing an existing file', async () => {
    const path = join(dir, 'mixed.bin');
    writeFileSync(path, 'old content');
    const big = new Uint8Array(3 * 1024 * 1024).fill(7);
    const bytes = await writeExportFile(path, ['a', 'ü', new Uint8Array([1, 2]), big, 'z']);
    const back = readFileSync(path);
    assert.equal(bytes, back.length);
    assert.deepEqual(back.subarray(0, 5), Buffer.from([0x61, 0xc3, 0xbc, 1, 2]));
    assert.equal(back.length, 5 + big.length + 1);
    assert.equal(back.at(-1), 0x7a);
  });

  it('leaves neither a file nor a temporary one when the chunks fail midway', async () => {
    const path = join(dir, 'failed.txt');
    function* chunks(): Generator<string> {
      yield 'x'.repeat(2 * 1024 * 1024);
      throw new SocketInspectorError('EXPORT_FAILED', 'the source went away');
    }
    await assert.rejects(writeExportFile(path, chunks()), /the source went away/);
    assert.equal(existsSync(path), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('failed')), []);
  });

  it('stops when cancelled, writing nothing', async () => {
    const path = join(dir, 'cancelled.txt');
    const abort = new AbortController();
    function* chunks(): Generator<string> {
      for (let i = 0; i < 100; i++) {
        if (i === 3) abort.abort();
        yield 'y'.repeat(512 * 1024);
      }
    }
    await assert.rejects(writeExportFile(path, chunks(), { signal: abort.signal }), (e: SocketInspectorError) => {
      assert.equal(e.code, 'EXPORT_FAILED');
      assert.equal(e.message, 'The export was cancelled; no file was written');
      return true;
    });
    assert.equal(existsSync(path), false);
  });

  it('says in words why it could not write', async () => {
    await assert.rejects(writeExportFile(join(dir, 'no-such-folder', 'x.har'), ['x']), (e: SocketInspectorError) => {
      assert.equal(e.code, 'EXPORT_FAILED');
      assert.equal(e.message, 'Could not write "x.har": the folder does not exist (ENOENT)');
      return true;
    });
  });
});

describe('Save Message to File', () => {
  const log = new EntryLog();
  const json = log.append(Direction.In, Kind.Text, Buffer.from(' {"a": [1, 2]}\n'));
  const text = log.append(Direction.Out, Kind.Text, Buffer.from('{not json'));
  const binary = log.append(Direction.In, Kind.Binary, Buffer.from([0, 1, 2, 0xff]));
  const textyBinary = log.append(Direction.In, Kind.Binary, Buffer.from('abc'));
  const data = log.append(Direction.In, Kind.Data, Buffer.from('+PONG\r\n'));
  const close = log.append(Direction.In, Kind.Close, Buffer.from('bye'), 1000);

  it('writes exactly the payload bytes', async () => {
    for (const seq of [json, binary, close]) {
      const path = join(dir, `payload-${seq}`);
      const written = await saveMessageToFile(log, seq, path);
      assert.deepEqual(readFileSync(path), Buffer.from(log.payload(seq)!));
      assert.equal(written, log.length(seq));
    }
  });

  it('proposes a name that says what the payload is', () => {
    assert.equal(suggestedMessageFileName(log.get(json)!), `message-${json}-in-text.json`);
    assert.equal(suggestedMessageFileName(log.get(text)!), `message-${text}-out-text.txt`);
    assert.equal(suggestedMessageFileName(log.get(binary)!), `message-${binary}-in-binary.bin`);
    assert.equal(messageFileExtension(log.get(textyBinary)!), '.bin');
    assert.equal(messageFileExtension(log.get(data)!), '.txt');
    assert.equal(messageFileExtension({ kind: Kind.Data, payload: new Uint8Array([0xc3]) }), '.bin');
  });

  it('says why an entry cannot be saved', () => {
    log.clear();
    const next = log.append(Direction.In, Kind.Text, Buffer.from('x'));
    for (const [seq, message] of [
      [json, /^Entry #0 is not in the log: it was dropped from the log/],
      [next + 5, new RegExp(`^Entry #${next + 5} is not in the log: the log has entries up to #${next}$`)],
      [-1, /^"-1" is not an entry number/],
      [1.5, /^"1\.5" is not an entry number/],
      [Number.NaN, /^"NaN" is not an entry number/],
    ] as const) {
      assert.throws(() => messageEntry(log, seq), (e: SocketInspectorError) => e.code === 'EXPORT_FAILED' && message.test(e.message));
    }
  });
});

describe('export names', () => {
  it('proposes host and local time as the file name', () => {
    const at = new Date(2024, 4, 1, 9, 5, 7);
    assert.equal(exportFileName('ws://127.0.0.1:8080/chat', 'pcapng', at), '127.0.0.1-20240501-090507.pcapng');
    assert.equal(exportFileName('wss://[::1]:443/', 'har', at), '_1-20240501-090507.har');
    assert.equal(exportFileName('tcp://redis.local:6379', 'ndjson', at), 'redis.local-20240501-090507.ndjson');
  });

  it('refuses HAR for TCP only', () => {
    assert.equal(exportRefusal('pcapng', 'tcp', 'tcp://x:1'), undefined);
    assert.equal(exportRefusal('har', 'ws', 'ws://x/'), undefined);
    assert.match(exportRefusal('har', 'tcp', 'tcp://x:1')!, /raw TCP connection/);
  });

  it('names an imported session after its HAR, numbering when taken', () => {
    const names = importedSessionNames('chat.har');
    assert.deepEqual([names.next().value, names.next().value, names.next().value], ['chat.socket-session.json', 'chat-2.socket-session.json', 'chat-3.socket-session.json']);
  });
});
