// The decisions behind session editors (trust, env confirmation, proposed names and secrets), the status
// bar's text, and the recorded connection a session file is shown with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { parseSession } from '../../src/core/session';
import { RecordedConnection, sessionTarget } from '../../src/core/session/recordedConnection';
import { defaultSessionFileName, envConfirmation, looksSecret, sessionPermissions } from '../../src/core/session/sessionPolicy';
import { statusBarContent } from '../../src/vscode/statusBarContent';

const session = (connection: object, extra: object = {}) => parseSession(JSON.stringify({ version: 1, connection, ...extra }));

describe('sessionPermissions', () => {
  it('makes an untrusted workspace read-only, env-blind, and asks before connecting', () => {
    assert.deepEqual(sessionPermissions(false), { canSave: false, canReadEnv: false, connectNeedsConfirmation: true, canWriteKeyLog: false });
  });
  it('lets a trusted workspace save and read env', () => {
    assert.deepEqual(sessionPermissions(true), { canSave: true, canReadEnv: true, connectNeedsConfirmation: false, canWriteKeyLog: true });
  });
});

describe('envConfirmation', () => {
  it('names every variable and field a connection reads', () => {
    const q = envConfirmation(
      session({ type: 'websocket', url: 'wss://${env:HOST}/x', headers: [{ name: 'Authorization', value: 'Bearer ${env:TOKEN}' }] }),
    );
    assert.deepEqual(q, { names: ['HOST', 'TOKEN'], fields: ['connection.url', 'connection.headers[0].value'] });
  });
  it('asks nothing when no variable is read', () => {
    assert.equal(envConfirmation(session({ type: 'tcp', host: '127.0.0.1', port: 6379 })), undefined);
  });
});

describe('defaultSessionFileName and looksSecret', () => {
  it('names the file after the host', () => {
    assert.equal(defaultSessionFileName('ws://127.0.0.1:8765/chat'), '127.0.0.1.socket-session.json');
    assert.equal(defaultSessionFileName('tls://[::1]:443'), '_1.socket-session.json');
    assert.equal(defaultSessionFileName('127.0.0.1:6379'), '127.0.0.1.socket-session.json');
  });
  it('proposes credentials as secret, not ordinary headers', () => {
    for (const name of ['Authorization', 'Cookie', 'X-Api-Key', 'x-auth-token']) assert.equal(looksSecret(name), true, name);
    for (const name of ['Accept', 'User-Agent', 'X-Request-Id']) assert.equal(looksSecret(name), false, name);
  });
});

describe('statusBarContent', () => {
  it('is hidden without connections', () => {
    assert.equal(statusBarContent([]), undefined);
  });
  it('counts open and connecting ones and lists all', () => {
    const content = statusBarContent([
      { target: 'ws://127.0.0.1:1/', state: 'open' },
      { target: 'tcp://127.0.0.1:2', state: 'connecting' },
      { target: 'ws://127.0.0.1:3/', state: 'closed' },
    ]);
    assert.equal(content?.open, 2);
    assert.deepEqual(content?.lines, ['ws://127.0.0.1:1/ — open', 'tcp://127.0.0.1:2 — connecting', 'ws://127.0.0.1:3/ — closed']);
  });
});

describe('RecordedConnection', () => {
  it('holds the recorded log with its bytes, times and kinds, and refuses to send', () => {
    const s = session(
      { type: 'tcp', host: '::1', port: 7, tls: true },
      {
        log: {
          savedAt: '2024-05-01T12:00:01.000Z',
          entries: [
            { seq: 5, time: '2024-05-01T12:00:00.000Z', mono: 100, direction: 'out', kind: 'data', base64: 'AP8=' },
            { seq: 6, time: '2024-05-01T12:00:00.250Z', mono: 350, direction: 'in', kind: 'data', text: 'ok' },
          ],
        },
      },
    );
    const c = new RecordedConnection(s);
    assert.equal(c.kind, 'tcp');
    assert.equal(c.target, 'tls://[::1]:7');
    assert.equal(sessionTarget(s), 'tls://[::1]:7');
    assert.equal(c.state, 'closed');
    assert.equal(c.log.size, 2);
    const first = c.log.firstSeq;
    assert.deepEqual([...c.log.payload(first)!], [0, 255]);
    assert.equal(c.log.direction(first), Direction.Out);
    assert.equal(c.log.kind(first + 1), Kind.Data);
    assert.equal(Math.floor(c.log.wallTime(first + 1)), Date.parse('2024-05-01T12:00:00.250Z'));
    assert.throws(() => c.sendText(), /recorded session/);
    c.dispose();
  });
  it('is idle when the file has no log', () => {
    const c = new RecordedConnection(session({ type: 'websocket', url: 'ws://127.0.0.1:1/' }));
    assert.equal(c.state, 'idle');
    assert.equal(c.log.size, 0);
    c.dispose();
  });
});
