// Save and Save As as the commands run them (src/core/session/sessionSave.ts), through a real loopback
// WebSocket: a header value marked secret at one Save As, and the values a session read from the
// environment, stay out of every file written after it — by the next Save, another Save As, and a Save
// after the file was reopened and reconnected.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import type { Connection, WebSocketOptions } from '../../src/core/connection/connectionTypes';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { resolveConnection, sessionConnectionFromOptions } from '../../src/core/session/sessionConnection';
import { loadSessionFile, saveSession } from '../../src/core/session/sessionFileStore';
import type { Session } from '../../src/core/session/sessionFormat';
import { sessionToSave, sessionToSaveAs, type SessionSaveState } from '../../src/core/session/sessionSave';
import { RecordedConnection } from '../../src/core/session/recordedConnection';
import { MemorySecretStore } from '../support/memorySecretStore';
import { startWsEchoServer, type WsEchoServer } from '../support/wsEchoServer';

/** An inspector as the save commands see it: its connection, and what it keeps between saves. */
interface Inspector {
  connection: Connection;
  state: SessionSaveState;
  /** The file's text as last written or read (a save refuses a file changed meanwhile). */
  text?: string;
}

async function echoOnce(connection: Connection, text: string): Promise<void> {
  const echoed = new Promise<void>((resolve) => {
    const sub = connection.log.onDidAppend((seq) => {
      if (connection.log.direction(seq) === Direction.In && connection.log.kind(seq) === Kind.Text) {
        sub.dispose();
        resolve();
      }
    });
  });
  connection.sendText(text);
  await echoed;
}

function assertNone(text: string, secrets: readonly string[], step: string): void {
  for (const secret of secrets) assert.ok(!text.includes(secret), `${step}: "${secret}" is in the file`);
}

describe('Save and Save As keep secrets out of every file', () => {
  let server: WsEchoServer;
  let port: number;
  let dir: string;
  let requests: IncomingMessage[];
  const store = new MemorySecretStore();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'si-save-'));
    server = await startWsEchoServer();
    port = server.port;
    requests = server.requests;
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const content = (inspector: Inspector) => ({ messages: [], log: inspector.connection.log });

  /** Save As, keeping what the command keeps in the inspector. */
  async function saveAs(inspector: Inspector, path: string, secretHeaders: string[], env: Record<string, string>): Promise<string> {
    const saved = await sessionToSaveAs(inspector.state, content(inspector), { secretHeaders, store, env });
    const text = await saveSession(path, saved.session);
    inspector.state = { settings: saved.settings, sensitive: saved.sensitive, previous: saved.session };
    inspector.text = text;
    return text;
  }

  /** Save to the file last written. */
  async function save(inspector: Inspector, path: string): Promise<string> {
    const session = sessionToSave(inspector.state, content(inspector));
    const text = await saveSession(path, session, inspector.text !== undefined ? { expectedOriginal: inspector.text } : {});
    inspector.state = { ...inspector.state, previous: session };
    inspector.text = text;
    return text;
  }

  /** Reopen the file (its recording), then reconnect from its settings as the session editor does. */
  async function reopenAndReconnect(path: string, env: Record<string, string>, secrets: readonly string[]): Promise<Inspector> {
    const { session, text } = await loadSessionFile(path);
    const recorded = new RecordedConnection(session);
    const inspector: Inspector = { connection: recorded, state: { settings: session.connection, previous: session }, text };
    // A Save before connecting writes the recording back: it was redacted when written.
    assertNone(await save(inspector, path), secrets, 'Save after reopening, before connecting');
    const resolved = await resolveConnection(session.connection, { env, secrets: store });
    assert.equal(resolved.type, 'websocket');
    recorded.dispose();
    inspector.connection = createWebSocketConnection(resolved.options as WebSocketOptions);
    inspector.state = { ...inspector.state, sensitive: [...new Set([...(inspector.state.sensitive ?? []), ...resolved.sensitive])] };
    await inspector.connection.connect();
    await echoOnce(inspector.connection, 'after reopening');
    return inspector;
  }

  it('a header marked secret at Save As: Save As → Save → Save As → reopen → Save', async () => {
    const options: WebSocketOptions = {
      url: `ws://127.0.0.1:${port}/chat`,
      headers: { Authorization: 'Bearer hdr-s3cret-9f2', 'X-Plain': 'visible' },
    };
    const inspector: Inspector = {
      connection: createWebSocketConnection(options),
      state: { settings: sessionConnectionFromOptions({ type: 'websocket', options }) },
    };
    try {
      await inspector.connection.connect();
      await echoOnce(inspector.connection, 'hello');
      assert.equal(requests.at(-1)?.headers.authorization, 'Bearer hdr-s3cret-9f2', 'the value was on the wire');
      const secrets = ['hdr-s3cret-9f2'];
      const first = join(dir, 'first.socket-session.json');
      const second = join(dir, 'second.socket-session.json');

      const a = await saveAs(inspector, first, ['authorization'], {});
      assertNone(a, secrets, 'Save As');
      assert.match(a, /Authorization: <redacted>/);
      assert.match(a, /X-Plain: visible/);
      assertNone(await save(inspector, first), secrets, 'Save');
      assertNone(await saveAs(inspector, second, [], {}), secrets, 'the second Save As');
      assert.equal(readFileSync(second, 'utf8').match(/<redacted>/g)?.length, 1, 'the handshake still says what was redacted');
      inspector.connection.dispose();

      const reopened = await reopenAndReconnect(second, {}, secrets);
      inspector.connection = reopened.connection;
      assert.equal(requests.at(-1)?.headers.authorization, 'Bearer hdr-s3cret-9f2', 'the secret came back from the store');
      const last = await save(reopened, second);
      assertNone(last, secrets, 'Save after reopening');
      const session = JSON.parse(last) as Session;
      assert.ok(session.log!.entries.some((e) => e.text === 'after reopening'));
    } finally {
      inspector.connection.dispose();
    }
  });

  it('a session reading ${env:…} in its URL and a header: Save As → Save → Save As → reopen → Save', async () => {
    const env = { SI_PORT: String(port), SI_TOKEN: 'env-t0ken-77a', SI_KEY: 'env-k3y-e51' };
    const file = join(dir, 'env.socket-session.json');
    await saveSession(file, {
      version: 1,
      connection: {
        type: 'websocket',
        url: 'ws://127.0.0.1:${env:SI_PORT}/feed?token=${env:SI_TOKEN}',
        headers: [
          { name: 'X-Api-Key', value: '${env:SI_KEY}' },
          { name: 'X-Session', value: 'sess-plain-31c' },
        ],
      },
    });
    const opened = await loadSessionFile(file);
    const resolved = await resolveConnection(opened.session.connection, { env, secrets: store });
    const inspector: Inspector = {
      connection: createWebSocketConnection(resolved.options as WebSocketOptions),
      state: { settings: opened.session.connection, sensitive: resolved.sensitive, previous: opened.session },
      text: opened.text,
    };
    try {
      await inspector.connection.connect();
      await echoOnce(inspector.connection, 'hello');
      assert.equal(requests.at(-1)?.url, '/feed?token=env-t0ken-77a');
      assert.equal(requests.at(-1)?.headers['x-api-key'], 'env-k3y-e51');
      const secrets = ['env-t0ken-77a', 'env-k3y-e51', 'sess-plain-31c'];
      const copy = join(dir, 'env-copy.socket-session.json');

      const a = await saveAs(inspector, file, ['X-Session'], env);
      assertNone(a, secrets, 'Save As');
      assert.match(a, /\$\{env:SI_TOKEN\}/, 'the placeholders stay in the settings');
      assertNone(await save(inspector, file), secrets, 'Save');
      assertNone(await saveAs(inspector, copy, [], env), secrets, 'the second Save As');
      inspector.connection.dispose();

      const reopened = await reopenAndReconnect(copy, env, secrets);
      inspector.connection = reopened.connection;
      assert.equal(requests.at(-1)?.headers['x-session'], 'sess-plain-31c');
      assertNone(await save(reopened, copy), secrets, 'Save after reopening');
    } finally {
      inspector.connection.dispose();
    }
  });
});
