// Where a TLS key log goes, from a session file, a command's options or the setting, and how it is kept.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tcpOptionsFrom, webSocketOptionsFrom } from '../../src/core/connection/connectOptions';
import { SocketInspectorError } from '../../shared/errors';
import { keyLogToConfirm, resolveKeyLogPath, resolveOptionsKeyLog, withDefaultKeyLog, withoutKeyLog } from '../../src/core/tls/keyLogPath';
import { resolveConnection, sessionConnectionFromOptions } from '../../src/core/session/sessionConnection';
import { parseSession } from '../../src/core/session/sessionParse';
import { serializeSession } from '../../src/core/session/sessionSerialize';

const HOME = resolve('/home/someone');
const BASE = resolve('/work/sessions');

describe('resolveKeyLogPath', () => {
  it('keeps absolute paths, expands ~ and takes relative ones from the base folder', () => {
    assert.equal(resolveKeyLogPath(resolve('/tmp/keys.log'), BASE, 'x', HOME), resolve('/tmp/keys.log'));
    assert.equal(resolveKeyLogPath('  ~/captures/keys.log ', BASE, 'x', HOME), join(HOME, 'captures', 'keys.log'));
    assert.equal(resolveKeyLogPath('~', BASE, 'x', HOME), HOME);
    assert.equal(resolveKeyLogPath('keys.log', BASE, 'x', HOME), join(BASE, 'keys.log'));
    assert.equal(resolveKeyLogPath('../other/keys.log', BASE, 'x', HOME), resolve(BASE, '../other/keys.log'));
  });

  it('refuses blank paths, NUL bytes, and relative paths without a base', () => {
    for (const bad of ['', '   ', 'a\0b']) {
      assert.throws(() => resolveKeyLogPath(bad, BASE, 'the field', HOME), (e: SocketInspectorError) => e.code === 'BAD_URL' && e.message === 'the field must be a file path');
    }
    assert.throws(
      () => resolveKeyLogPath('keys.log', undefined, 'connection.tls.keyLogFile', HOME),
      /^SocketInspectorError: connection\.tls\.keyLogFile "keys\.log" is relative, but there is no folder it is relative to; use an absolute path$/,
    );
  });
});

describe('key log in session files', () => {
  const session = (tls: object) =>
    parseSession(JSON.stringify({ version: 1, connection: { type: 'websocket', url: 'wss://127.0.0.1:1/', tls } }));

  it('round-trips through parse and serialize, as written', () => {
    const s = session({ allowSelfSigned: true, keyLogFile: 'captures/keys.log' });
    assert.deepEqual(s.connection, { type: 'websocket', url: 'wss://127.0.0.1:1/', tls: { allowSelfSigned: true, keyLogFile: 'captures/keys.log' } });
    assert.deepEqual(parseSession(serializeSession(s)), s);
  });

  it('is made absolute against the session file folder when connecting', async () => {
    const s = session({ keyLogFile: 'captures/keys.log' });
    const r = await resolveConnection(s.connection, { env: {}, baseDir: BASE });
    assert.deepEqual(r.options, { url: 'wss://127.0.0.1:1/', tls: { keyLogFile: join(BASE, 'captures', 'keys.log') } });
    const tcp = await resolveConnection({ type: 'tcp', host: '127.0.0.1', port: 1, tls: { keyLogFile: '/abs/keys.log' } }, { env: {} });
    assert.deepEqual(tcp.options, { host: '127.0.0.1', port: 1, tls: { keyLogFile: resolve('/abs/keys.log') } });
  });

  it('is left out where it must not be written (untrusted workspace)', async () => {
    const r = await resolveConnection(session({ keyLogFile: '/abs/keys.log', allowSelfSigned: true }).connection, { env: {}, ignoreKeyLog: true });
    assert.deepEqual(r.options, { url: 'wss://127.0.0.1:1/', tls: { allowSelfSigned: true } });
  });

  it('a relative path in a session without a file is a clear error', async () => {
    await assert.rejects(
      resolveConnection(session({ keyLogFile: 'keys.log' }).connection, { env: {} }),
      (e: SocketInspectorError) => e.code === 'BAD_SESSION' && /^connection\.tls\.keyLogFile "keys\.log" is relative/.test(e.message),
    );
  });

  it('is refused when blank or not a string', () => {
    assert.throws(() => session({ keyLogFile: '' }), /connection\.tls\.keyLogFile must be a file path, absolute or relative to the session file \(found ""\)/);
    assert.throws(() => session({ keyLogFile: 7 }), /connection\.tls\.keyLogFile must be a string \(found 7\)/);
  });
});

describe('key log in command options', () => {
  it('is read from tls.keyLogFile and saved with the session settings', () => {
    const ws = webSocketOptionsFrom({ url: 'wss://127.0.0.1:1/', tls: { keyLogFile: '/tmp/k.log' } });
    assert.deepEqual(ws.tls, { keyLogFile: '/tmp/k.log' });
    assert.deepEqual(sessionConnectionFromOptions({ type: 'websocket', options: ws }), {
      type: 'websocket',
      url: 'wss://127.0.0.1:1/',
      tls: { keyLogFile: '/tmp/k.log' },
    });
    assert.deepEqual(tcpOptionsFrom({ target: 'tls://127.0.0.1:2', tls: { keyLogFile: 'k.log' } }).tls, { keyLogFile: 'k.log' });
    assert.throws(() => webSocketOptionsFrom({ url: 'wss://127.0.0.1:1/', tls: { keyLogFile: ' ' } }), /"tls\.keyLogFile" must be a file path/);
    assert.throws(() => webSocketOptionsFrom({ url: 'wss://127.0.0.1:1/', tls: { keyLogFile: 1 } }), /"tls\.keyLogFile" must be a file path/);
  });
});

describe('default key log (the setting) and command options', () => {
  it('adds the default to TLS options that name none, and only there', () => {
    const k = '/keys.log';
    assert.deepEqual(withDefaultKeyLog({ url: 'wss://h/' }, k), { url: 'wss://h/', tls: { keyLogFile: k } });
    assert.deepEqual(withDefaultKeyLog({ url: 'wss://h/', tls: { allowSelfSigned: true } }, k), { url: 'wss://h/', tls: { allowSelfSigned: true, keyLogFile: k } });
    assert.deepEqual(withDefaultKeyLog({ url: 'wss://h/', tls: { keyLogFile: '/own.log' } }, k).tls, { keyLogFile: '/own.log' });
    assert.deepEqual(withDefaultKeyLog({ host: 'h', port: 1, tls: true }, k), { host: 'h', port: 1, tls: { keyLogFile: k } });
    assert.deepEqual(withDefaultKeyLog({ host: 'h', port: 1 }, k), { host: 'h', port: 1 });
    assert.deepEqual(withDefaultKeyLog({ host: 'h', port: 1, tls: false }, k), { host: 'h', port: 1, tls: false });
    assert.deepEqual(withDefaultKeyLog({ host: 'h', port: 1, tls: true }, undefined), { host: 'h', port: 1, tls: true });
  });

  it('makes a command option path absolute against the base folder', () => {
    assert.deepEqual(resolveOptionsKeyLog({ host: 'h', port: 1, tls: { keyLogFile: 'k.log' } }, BASE, HOME).tls, { keyLogFile: join(BASE, 'k.log') });
    assert.deepEqual(resolveOptionsKeyLog({ url: 'wss://h/', tls: { keyLogFile: '~/k.log' } }, BASE, HOME).tls, { keyLogFile: join(HOME, 'k.log') });
    assert.deepEqual(resolveOptionsKeyLog({ host: 'h', port: 1, tls: true }, BASE, HOME), { host: 'h', port: 1, tls: true });
  });
});

describe('a session file\'s key log outside the workspace', () => {
  let root: string;
  let workspace: string;
  let outside: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'si-keylog-place-'));
    workspace = join(root, 'ws');
    outside = join(root, 'elsewhere');
    mkdirSync(join(workspace, 'captures'), { recursive: true });
    mkdirSync(outside);
    // A folder inside the workspace that is a link to one outside it.
    symlinkSync(outside, join(workspace, 'linked'), 'dir');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const wss = (keyLogFile: string) => ({ url: 'wss://127.0.0.1:1/', tls: { keyLogFile } });

  it('asks about a path outside the workspace, through ../, through a linked folder, or in an empty window', async () => {
    for (const path of [join(outside, 'keys.log'), join(workspace, '..', 'keys.log'), join(workspace, 'linked', 'keys.log'), join(root, 'ws2', 'keys.log')]) {
      assert.equal(await keyLogToConfirm(wss(path), [workspace]), path, path);
    }
    assert.equal(await keyLogToConfirm(wss(join(workspace, 'keys.log')), []), join(workspace, 'keys.log'), 'an empty window has no workspace to be inside');
    assert.equal(await keyLogToConfirm({ host: '127.0.0.1', port: 1, tls: { keyLogFile: join(outside, 'k.log') } }, [workspace]), join(outside, 'k.log'));
  });

  it('does not ask about a path inside the workspace (also in a folder not made yet), nor when no key log would be written', async () => {
    for (const path of [join(workspace, 'keys.log'), join(workspace, 'captures', 'keys.log'), join(workspace, 'new', 'deeper', 'keys.log')]) {
      assert.equal(await keyLogToConfirm(wss(path), [outside, workspace]), undefined, path);
    }
    const far = join(outside, 'keys.log');
    assert.equal(await keyLogToConfirm({ url: 'ws://127.0.0.1:1/', tls: { keyLogFile: far } }, []), undefined, 'ws:// writes no key log');
    assert.equal(await keyLogToConfirm({ host: '127.0.0.1', port: 1 }, []), undefined);
    assert.equal(await keyLogToConfirm({ url: 'wss://127.0.0.1:1/' }, []), undefined);
    assert.deepEqual(withoutKeyLog(wss(far)), { url: 'wss://127.0.0.1:1/', tls: {} });
    assert.deepEqual(withoutKeyLog({ host: 'h', port: 1, tls: { allowSelfSigned: true, keyLogFile: far } }), { host: 'h', port: 1, tls: { allowSelfSigned: true } });
  });
});
