// ${env:NAME} resolution, secret header values kept out of the file, and connect options made from a
// session; ends with a real loopback WebSocket whose saved log must not contain the secret it sent.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { webSocketOptionsFrom } from '../../src/core/connection/connectOptions';
import { SocketInspectorError } from '../../shared/errors';
import { connectionEnvUses, resolveConnection, sessionConnectionFromOptions } from '../../src/core/session/sessionConnection';
import { envNames, resolveEnv } from '../../src/core/session/sessionEnv';
import type { Session, WebSocketSessionConnection } from '../../src/core/session/sessionFormat';
import { sessionLogFromEntryLog } from '../../src/core/session/sessionLog';
import { parseSession } from '../../src/core/session/sessionParse';
import { extractSecrets, forgetSecrets, resolveSecrets, secretIds, secretKey } from '../../src/core/session/sessionSecrets';
import { serializeSession } from '../../src/core/session/sessionSerialize';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { MemorySecretStore } from '../support/memorySecretStore';
import { startWsEchoServer, type WsEchoServer } from '../support/wsEchoServer';

async function rejectsBadSession(p: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SocketInspectorError, `not a SocketInspectorError: ${String(e)}`);
    assert.equal(e.code, 'BAD_SESSION');
    assert.match(e.message, message);
    return true;
  });
}

function throwsBadSession(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof SocketInspectorError && e.code === 'BAD_SESSION' && message.test(e.message));
}

const wsSession = (connection: Partial<WebSocketSessionConnection>): Session => ({
  version: 1,
  connection: { type: 'websocket', url: 'wss://api.example.test/socket', ...connection },
});

describe('${env:NAME}', () => {
  const env = { HOST: 'api.example.test', TOKEN: 'abc', EMPTY: '' };

  it('replaces every placeholder and reports which were used', () => {
    assert.deepEqual(resolveEnv('wss://${env:HOST}/x?t=${env:TOKEN}&u=${env:TOKEN}${env:EMPTY}', env, 'connection.url'), {
      value: 'wss://api.example.test/x?t=abc&u=abc',
      used: [
        { name: 'HOST', value: 'api.example.test' },
        { name: 'TOKEN', value: 'abc' },
        { name: 'TOKEN', value: 'abc' },
        { name: 'EMPTY', value: '' },
      ],
    });
    assert.deepEqual(envNames('${env:A}${env:B}${env:A} ${env:}'), ['A', 'B']);
  });

  it('leaves text without placeholders, and other ${…} forms, alone', () => {
    assert.equal(resolveEnv('plain ${HOME} $HOME {env:X}', env, 'v').value, 'plain ${HOME} $HOME {env:X}');
  });

  it('names an unset variable and the field that uses it', () => {
    throwsBadSession(
      () => resolveEnv('Bearer ${env:API_TOKEN}', env, 'connection.headers[0].value'),
      /^connection\.headers\[0\]\.value uses \$\{env:API_TOKEN\}, but the environment variable API_TOKEN is not set/,
    );
  });

  it('refuses a malformed placeholder', () => {
    throwsBadSession(() => resolveEnv('${env:A-B}', env, 'connection.url'), /^connection\.url has a malformed placeholder "\$\{env:A-B\}"/);
    throwsBadSession(() => resolveEnv('x ${env:OPEN', env, 'connection.url'), /malformed placeholder "\$\{env:OPEN"/);
  });

  it('lists the variables a connection reads, by field', () => {
    const s = parseSession(
      JSON.stringify(wsSession({ url: 'wss://${env:HOST}/', headers: [{ name: 'A', value: '${env:TOKEN}' }, { name: 'B', secret: 'id1' }] })),
    );
    assert.deepEqual(connectionEnvUses(s.connection), [
      { path: 'connection.url', names: ['HOST'] },
      { path: 'connection.headers[0].value', names: ['TOKEN'] },
    ]);
    assert.deepEqual(connectionEnvUses({ type: 'tcp', host: '${env:REDIS}', port: 1 }), [{ path: 'connection.host', names: ['REDIS'] }]);
  });
});

describe('secret header values', () => {
  it('moves marked values into the store; the file holds only a reference', async () => {
    const store = new MemorySecretStore();
    const session = wsSession({ headers: [{ name: 'Authorization', value: 'Bearer s3cr3t' }, { name: 'X-Plain', value: 'visible' }] });
    const saved = await extractSecrets(session, (h) => h.name === 'Authorization', store, { env: {}, newId: () => 'ref-1' });
    const text = serializeSession(saved);
    assert.ok(!text.includes('s3cr3t'));
    assert.match(text, /\{ "name": "Authorization", "secret": "ref-1" \}/);
    assert.match(text, /\{ "name": "X-Plain", "value": "visible" \}/);
    assert.deepEqual(JSON.parse(store.values.get(secretKey('ref-1'))!), { value: 'Bearer s3cr3t', origin: 'wss://api.example.test' });
    // The original session is not changed.
    assert.deepEqual((session.connection as WebSocketSessionConnection).headers![0], { name: 'Authorization', value: 'Bearer s3cr3t' });

    const reopened = parseSession(text);
    assert.deepEqual(secretIds(reopened), ['ref-1']);
    const headers = await resolveSecrets(reopened.connection as WebSocketSessionConnection, store, {});
    assert.deepEqual(headers, [
      { name: 'Authorization', value: 'Bearer s3cr3t' },
      { name: 'X-Plain', value: 'visible' },
    ]);
  });

  it('uses random reference ids by default, and reuses the previous id of a header on the next save', async () => {
    const store = new MemorySecretStore();
    const first = await extractSecrets(wsSession({ headers: [{ name: 'Token', value: 'one' }] }), () => true, store, { env: {} });
    const [id] = secretIds(first);
    assert.match(id!, /^[0-9a-f-]{36}$/);
    const second = await extractSecrets(wsSession({ headers: [{ name: 'token', value: 'two' }] }), () => true, store, {
      env: {},
      previous: first,
    });
    assert.deepEqual(secretIds(second), [id]);
    assert.equal(store.values.size, 1);
    assert.equal(JSON.parse(store.values.get(secretKey(id!))!).value, 'two');
    await forgetSecrets(secretIds(second), store);
    assert.equal(store.values.size, 0);
  });

  it('asks the user to enter a missing secret again', async () => {
    const s = parseSession(JSON.stringify(wsSession({ headers: [{ name: 'Authorization', secret: 'gone' }] })));
    await rejectsBadSession(
      resolveSecrets(s.connection as WebSocketSessionConnection, new MemorySecretStore(), {}),
      /^The value of header "Authorization" is a secret that is not stored on this machine \(reference gone\)\. Enter it again/,
    );
  });

  it('treats a damaged stored value as missing', async () => {
    const store = new MemorySecretStore();
    await store.store(secretKey('x'), 'not json');
    const s = parseSession(JSON.stringify(wsSession({ headers: [{ name: 'A', secret: 'x' }] })));
    await rejectsBadSession(resolveSecrets(s.connection as WebSocketSessionConnection, store, {}), /not stored on this machine/);
  });

  it('does not send a secret to another origin than it was saved for', async () => {
    const store = new MemorySecretStore();
    const saved = await extractSecrets(wsSession({ headers: [{ name: 'Authorization', value: 'Bearer s3cr3t' }] }), () => true, store, {
      env: {},
      newId: () => 'r',
    });
    const moved = (url: string) => ({ ...(saved.connection as WebSocketSessionConnection), url });
    // Same origin, other path and query: fine.
    assert.equal((await resolveSecrets(moved('wss://API.example.test:443/other?x=1'), store, {}))[0]!.value, 'Bearer s3cr3t');
    for (const url of ['wss://evil.example.test/socket', 'ws://api.example.test/socket', 'wss://api.example.test:8443/socket']) {
      await rejectsBadSession(
        resolveSecrets(moved(url), store, {}),
        /^The secret value of header "Authorization" was saved for wss:\/\/api\.example\.test, but this session now connects to .*; it is not sent there/,
      );
    }
    // The origin is taken after ${env:…} is filled in.
    assert.equal((await resolveSecrets(moved('wss://${env:H}/'), store, { H: 'api.example.test' }))[0]!.value, 'Bearer s3cr3t');
  });

  it('does not send a secret when the TLS settings changed since it was saved', async () => {
    const store = new MemorySecretStore();
    const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const saved = await extractSecrets(
      wsSession({ headers: [{ name: 'Authorization', value: 'Bearer s3cr3t' }], tls: { ca: CA, keyLogFile: 'keys.log' } }),
      () => true,
      store,
      { env: {}, newId: () => 'r' },
    );
    const connection = saved.connection as WebSocketSessionConnection;
    const withTls = (tls: WebSocketSessionConnection['tls']): WebSocketSessionConnection => {
      const { tls: _old, ...rest } = connection;
      return tls ? { ...rest, tls } : rest;
    };
    // The settings it was saved with, in another form (one CA as a list) and with another key log: fine.
    assert.equal((await resolveSecrets(withTls({ ca: [CA] }), store, {}))[0]!.value, 'Bearer s3cr3t');
    const edits: Array<[WebSocketSessionConnection['tls'], RegExp]> = [
      [{ ca: CA, allowSelfSigned: true }, /it accepts any certificate \(allowSelfSigned\), trusts extra CA certificates \(ca\)/],
      [{ allowSelfSigned: true }, /it accepts any certificate \(allowSelfSigned\)/],
      [{ ca: `${CA}${CA.replace('MIIB', 'MIIC')}` }, /it trusts extra CA certificates \(ca\)/],
      [{ ca: CA, servername: 'evil.example.test' }, /checks the certificate for "evil\.example\.test" \(servername\)/],
      [undefined, /it verifies certificates as by default/],
    ];
    for (const [tls, words] of edits) {
      await rejectsBadSession(resolveSecrets(withTls(tls), store, {}), /^The secret value of header "Authorization" was saved with other TLS settings than this session has now/);
      await rejectsBadSession(resolveSecrets(withTls(tls), store, {}), words);
    }
    // A value saved before secrets were bound to TLS settings was saved for the default ones only.
    await store.store(secretKey('old'), JSON.stringify({ value: 'Bearer old', origin: 'wss://api.example.test' }));
    const old = wsSession({ headers: [{ name: 'Authorization', secret: 'old' }] }).connection as WebSocketSessionConnection;
    assert.equal((await resolveSecrets(old, store, {}))[0]!.value, 'Bearer old');
    await rejectsBadSession(resolveSecrets({ ...old, tls: { allowSelfSigned: true } }, store, {}), /other TLS settings/);
  });
});

describe('resolveConnection', () => {
  it('makes WebSocket options with env and secrets filled in, and lists what is sensitive', async () => {
    const store = new MemorySecretStore();
    const env = { HOST: 'api.example.test', KEY: 'k3y/+', CLIENT: 'inspector' };
    const template = wsSession({
      url: 'wss://${env:HOST}/v1/${env:KEY}?client=${env:CLIENT}',
      headers: [
        { name: 'Authorization', value: 'Bearer s3cr3t' },
        { name: 'X-Client', value: 'si ${env:CLIENT}' },
      ],
      protocols: ['chat'],
      perMessageDeflate: false,
      handshakeTimeoutMs: 1234,
      maxPayload: 99,
      tls: { allowSelfSigned: true, ca: ['PEM'] },
    });
    const saved = parseSession(serializeSession(await extractSecrets(template, (h) => h.name === 'Authorization', store, { env })));
    const resolved = await resolveConnection(saved.connection, { env, secrets: store });
    assert.equal(resolved.type, 'websocket');
    assert.deepEqual(resolved.options, {
      url: 'wss://api.example.test/v1/k3y/+?client=inspector',
      headers: { Authorization: 'Bearer s3cr3t', 'X-Client': 'si inspector' },
      protocols: ['chat'],
      perMessageDeflate: false,
      handshakeTimeoutMs: 1234,
      maxPayload: 99,
      tls: { allowSelfSigned: true, ca: ['PEM'] },
    });
    for (const v of ['Bearer s3cr3t', 'inspector', 'k3y/+', encodeURIComponent('k3y/+')]) {
      assert.ok(resolved.sensitive.includes(v), `${v} not in ${JSON.stringify(resolved.sensitive)}`);
    }
    assert.ok(!resolved.sensitive.includes('api.example.test'), 'a bare host is not a secret');
  });

  it('refuses secret headers without a store, and env values that cannot be header values', async () => {
    const s = parseSession(JSON.stringify(wsSession({ headers: [{ name: 'A', secret: 'x' }] })));
    await rejectsBadSession(resolveConnection(s.connection, { env: {} }), /no secret store is available/);
    const injected = parseSession(JSON.stringify(wsSession({ headers: [{ name: 'A', value: '${env:EVIL}' }] })));
    await rejectsBadSession(
      resolveConnection(injected.connection, { env: { EVIL: 'x\r\nSet-Cookie: y' } }),
      /^connection\.headers\[0\]\.value \("A"\) \(with \$\{env:…\} filled in\) contains a line break \(U\+000D\)/,
    );
    const badUrl = parseSession(JSON.stringify(wsSession({ url: '${env:URL}' })));
    await rejectsBadSession(
      resolveConnection(badUrl.connection, { env: { URL: 'http://example.test/' } }),
      /^connection\.url \(with \$\{env:…\} filled in\) is not a usable WebSocket URL: WebSocket URLs start with ws:\/\/ or wss:\/\//,
    );
    await rejectsBadSession(resolveConnection(badUrl.connection, { env: {} }), /environment variable URL is not set/);
  });

  it('makes TCP options, with env in the host and IPv6 without brackets', async () => {
    assert.deepEqual(await resolveConnection({ type: 'tcp', host: '${env:H}', port: 6379, tls: true, connectTimeoutMs: 5 }, { env: { H: '127.0.0.1' } }), {
      type: 'tcp',
      options: { host: '127.0.0.1', port: 6379, tls: true, connectTimeoutMs: 5 },
      sensitive: [],
    });
    const v6 = await resolveConnection({ type: 'tcp', host: '[::1]', port: 7, tls: { servername: 'x' } }, { env: {} });
    assert.deepEqual(v6.options, { host: '::1', port: 7, tls: { servername: 'x' } });
    await rejectsBadSession(resolveConnection({ type: 'tcp', host: '${env:H}', port: 1 }, { env: { H: 'a b' } }), /^connection\.host is not a usable host/);
  });

  it('turns connect options back into session settings that validate', () => {
    const options = webSocketOptionsFrom({
      url: 'ws://127.0.0.1:1/x',
      headers: { A: '1' },
      protocols: ['p'],
      perMessageDeflate: true,
      handshakeTimeoutMs: 10,
      maxPayload: 5,
      tls: { servername: 's', allowSelfSigned: false, ca: 'PEM' },
    });
    const connection = sessionConnectionFromOptions({ type: 'websocket', options });
    const parsed = parseSession(serializeSession({ version: 1, connection }));
    assert.deepEqual(parsed.connection, {
      type: 'websocket',
      url: 'ws://127.0.0.1:1/x',
      headers: [{ name: 'A', value: '1' }],
      protocols: ['p'],
      perMessageDeflate: true,
      handshakeTimeoutMs: 10,
      maxPayload: 5,
      tls: { servername: 's', allowSelfSigned: false, ca: 'PEM' },
    });
    assert.deepEqual(sessionConnectionFromOptions({ type: 'tcp', options: { host: '::1', port: 9, tls: false } }), { type: 'tcp', host: '::1', port: 9 });
  });
});

describe('a saved log of a real connection keeps secrets out', () => {
  let server: WsEchoServer;
  let port: number;
  let received: IncomingMessage[];
  before(async () => {
    server = await startWsEchoServer();
    port = server.port;
    received = server.requests;
  });
  after(() => server.close());

  it('sends the secret header and env token on the wire, but the saved session holds neither', async () => {
    const store = new MemorySecretStore();
    const env = { WS_PORT: String(port), API_KEY: 'env-k3y-0123', USER_TAG: 'tag-xyz' };
    const template = wsSession({
      url: 'ws://127.0.0.1:${env:WS_PORT}/feed?key=${env:API_KEY}',
      headers: [
        { name: 'Authorization', value: 'Bearer top-s3cr3t-value' },
        { name: 'X-User', value: '${env:USER_TAG}' },
      ],
    });
    const fileSession = await extractSecrets(template, (h) => h.name === 'Authorization', store, { env });
    const resolved = await resolveConnection(parseSession(serializeSession(fileSession)).connection, { env, secrets: store });
    assert.equal(resolved.type, 'websocket');
    if (resolved.type !== 'websocket') return;

    const connection = createWebSocketConnection(resolved.options);
    try {
      await connection.connect();
      connection.sendText('hello');
      await new Promise<void>((resolve) => {
        const sub = connection.log.onDidAppend((seq) => {
          if (connection.log.direction(seq) === Direction.In && connection.log.kind(seq) === Kind.Text) {
            sub.dispose();
            resolve();
          }
        });
      });
      // The peer really got the values: what is redacted below was on the wire.
      const request = received.at(-1)!;
      assert.equal(request.headers.authorization, 'Bearer top-s3cr3t-value');
      assert.equal(request.headers['x-user'], 'tag-xyz');
      assert.equal(request.url, '/feed?key=env-k3y-0123');

      const log = sessionLogFromEntryLog(connection.log, { redact: resolved.sensitive });
      const text = serializeSession({ ...fileSession, log });
      const handshakes = log.entries.filter((e) => e.kind === 'handshake');
      assert.ok(handshakes.length >= 1, 'the handshake was logged');
      assert.match(handshakes[0]!.text!, /Authorization: <redacted>/i);
      for (const secret of ['top-s3cr3t-value', 'env-k3y-0123', 'tag-xyz']) assert.ok(!text.includes(secret), `${secret} is in the file`);
      assert.ok(text.includes('"text": "hello"'));
      assert.deepEqual(parseSession(text).log!.entries.length, log.entries.length);
    } finally {
      connection.dispose();
    }
  });
});
