// The Socket.IO layer against Debian's python-socketio (AsyncServer on aiohttp): our WebSocket
// connection to a socketio:// URL with the layer's session speaking on it, and every logged message
// decoded by the layer's decoder.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { parseSocketIoUrl } from '../../src/core/connection/connectionTarget';
import type { WebSocketConnection } from '../../src/core/connection/connectionTypes';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { layerFactory } from '../../src/core/layers';
import type { SocketIoSession, SocketIoSettings } from '../../src/core/layers/socketio';
import { describeLog, entries, waitForEnd, waitForEntry, type Entry } from '../support/logReading';
import { pythonSocketIoMissing, startPythonSocketIoServer, type PythonSocketIoServer } from '../support/pythonSocketIo';
import { closedPort } from '../support/nodePeers';
import { requirePeer } from '../support/requirePeer';

let server: PythonSocketIoServer | undefined;
before(async () => {
  if (!pythonSocketIoMissing()) server = await startPythonSocketIoServer();
});
after(() => server?.close());

const owned: { dispose(): void }[] = [];
afterEach(() => {
  for (const d of owned.splice(0).reverse()) d.dispose();
});

function needsServer(t: TestContext): boolean {
  return requirePeer(t, 'python3-socketio', pythonSocketIoMissing());
}

/** A connection to `socketio://127.0.0.1:port/namespace` with the layer started on it before it opens. */
async function open(settings: SocketIoSettings, port = server!.port): Promise<{ c: WebSocketConnection; session: SocketIoSession }> {
  const target = parseSocketIoUrl(`socketio://127.0.0.1:${port}${settings.namespace ?? '/'}`);
  assert.equal(target.namespace, settings.namespace ?? '/');
  const c = createWebSocketConnection({ url: target.url });
  owned.push(c);
  const factory = layerFactory('socketio')!;
  const session = factory.start(c, factory.parseSettings(settings, 'layer')) as SocketIoSession;
  owned.push(session);
  await c.connect();
  return { c, session };
}

/** Resolves once the session's status passes `match`; the guard only stops a hung test. */
function waitForStatus(session: SocketIoSession, match: (s: string) => boolean, log: WebSocketConnection['log']): Promise<string> {
  if (match(session.status)) return Promise.resolve(session.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`Status is "${session.status}". Log:\n${describeLog(log)}`));
    }, 10_000);
    const sub = session.onDidChangeStatus((s) => {
      if (!match(s)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(s);
    });
  });
}

/** Every message entry with the decoder's summary, as "in EVENT …". */
function decodedLog(c: WebSocketConnection): { entry: Entry; summary: string; error?: string }[] {
  const decoder = layerFactory('socketio')!.decoder;
  return entries(c.log)
    .filter((e) => e.kind === 'text' || e.kind === 'binary')
    .map((entry) => {
      const d = decoder.decode({ payload: entry.payload, direction: entry.direction === 'in' ? Direction.In : Direction.Out, kind: entry.kind === 'text' ? Kind.Text : Kind.Binary })!;
      return { entry, summary: `${entry.direction} ${d.summary}`, error: d.error?.message };
    });
}

function summaries(c: WebSocketConnection): string[] {
  const all = decodedLog(c);
  assert.deepEqual(all.filter((d) => d.error !== undefined), [], 'every message decodes');
  return all.map((d) => d.summary);
}

describe('Socket.IO layer against python-socketio', () => {
  it('connects to namespaces with the auth payload, which the server checks', async (t) => {
    if (!needsServer(t)) return;
    const from = server!.reports.length;
    const { c, session } = await open({ namespace: '/chat', namespaces: ['/'], auth: { token: 'secret' } });
    const status = await waitForStatus(session, (s) => /^connected to .* and /.test(s), c.log);
    assert.ok(status === 'connected to /chat and /' || status === 'connected to / and /chat', status);
    assert.deepEqual((await server!.waitForReport('connect /chat', (r) => r.connect === '/chat', from)).auth, { token: 'secret' });
    const s = summaries(c);
    assert.match(s[0]!, /^in open sid=\S+ pingInterval 25000 pingTimeout 20000$/);
    assert.ok(s.includes('out CONNECT /chat {"token":…}'), s.join('\n'));
    assert.ok(s.includes('out CONNECT {"token":…}'), s.join('\n'));
    assert.ok(s.some((x) => /^in CONNECT \/chat sid=\S+$/.test(x)), s.join('\n'));
    assert.ok(session.engineSid && s[0]!.includes(session.engineSid));
  });

  it('shows the refusal of a wrong token as CONNECT_ERROR', async (t) => {
    if (!needsServer(t)) return;
    const { c, session } = await open({ namespace: '/chat', auth: { token: 'wrong' } });
    assert.equal(await waitForStatus(session, (s) => s.startsWith('CONNECT_ERROR'), c.log), 'CONNECT_ERROR /chat: bad token');
  });

  it('emits an event with an ack, pairs the ACK with it and notes the round trip', async (t) => {
    if (!needsServer(t)) return;
    const from = server!.reports.length;
    const { c, session } = await open({ namespace: '/chat', auth: { token: 'secret' } });
    const sent = await session.send({ layer: 'socketio', namespace: '/chat', event: 'chat', args: '["hi", {"n": 12345678901234567890}]', ack: true });
    assert.equal(sent.bytes, Buffer.byteLength('42/chat,0["chat","hi",{"n":12345678901234567890}]'));
    const note = await waitForEntry(c.log, 'ack note', (e) => e.kind === 'note' && e.text.includes('ack 0'));
    const got = await server!.waitForReport('chat event', (r) => r.got !== undefined, from);
    assert.deepEqual((got.got as { args: unknown[] }).args, ['hi', { n: 12345678901234567890 }]);
    const [pair] = session.ackPairs();
    assert.ok(pair, describeLog(c.log));
    assert.equal(pair.ackId, 0);
    assert.equal(pair.namespace, '/chat');
    assert.equal(pair.direction, 'out');
    assert.ok(pair.rttMs >= 0);
    const log = entries(c.log);
    const event = log.find((e) => e.seq === pair.eventSeq)!;
    const ack = log.find((e) => e.seq === pair.ackSeq)!;
    assert.equal(event.text, '42/chat,0["chat","hi",{"n":12345678901234567890}]');
    assert.equal(ack.direction, 'in');
    // The note follows the ACK it describes and names the event.
    assert.equal(note.seq, pair.ackSeq + 1);
    assert.match(note.text, new RegExp(`^↑ ack 0 for #${pair.eventSeq} after \\d+(\\.\\d+)? m?s$`));
    assert.equal(session.ackPairOf(pair.eventSeq), pair);
    const s = summaries(c);
    assert.ok(s.includes('out EVENT /chat chat ["hi",{"n":12345678901234567890}] · ack 0'), s.join('\n'));
    // The server's JSON spells the big number exactly too, and the summary shows it as sent.
    assert.ok(s.includes('in ACK /chat 0 ["ok","hi",{"n":12345678901234567890}]'), s.join('\n'));
  });

  it('joins a received binary event with its attachments', async (t) => {
    if (!needsServer(t)) return;
    const { c, session } = await open({ namespace: '/chat', auth: { token: 'secret' } });
    await session.send({ layer: 'socketio', namespace: '/chat', event: 'send-binary', args: '[]' });
    const note = await waitForEntry(c.log, 'join note', (e) => e.kind === 'note' && e.text.includes('attachments joined'));
    const log = entries(c.log);
    const header = log.find((e) => e.direction === 'in' && e.text.startsWith('452-'))!;
    const attachments = log.filter((e) => e.direction === 'in' && e.kind === 'binary');
    assert.deepEqual(attachments.map((e) => e.payload.toString('hex')), ['000102', 'fffe']);
    assert.equal(note.text, `↑ binary event file: 2 attachments joined (#${attachments[0]!.seq}, #${attachments[1]!.seq})`);
    assert.deepEqual(session.joinOf(attachments[1]!.seq)?.attachmentSeqs, attachments.map((e) => e.seq));

    const joined = session.decoded(header.seq)!;
    assert.equal(joined.summary, 'BINARY_EVENT /chat file [{"name":"a.bin","data":<binary 3 B>},<binary 2 B>] · 2 attachments joined');
    const args = joined.tree.children!.find((n) => n.key === 'args')!;
    assert.equal(args.children![0]!.children!.find((n) => n.key === 'data')!.value, `000102 (#${attachments[0]!.seq}, 3 B)`);
    assert.equal(args.children![1]!.type, 'bin');
    assert.equal(session.decoded(attachments[1]!.seq)!.summary, `attachment 2/2 of #${header.seq} (file) · 2 B`);
    // The decoder alone, without the session: placeholders and anonymous attachments.
    const s = summaries(c);
    assert.ok(s.includes('in BINARY_EVENT /chat file [{"name":"a.bin","data":<binary 0>},<binary 1>] · 2 attachments'), s.join('\n'));
    assert.ok(s.includes('in attachment · 3 B'), s.join('\n'));
  });

  it('says when the server disconnects the namespace', async (t) => {
    if (!needsServer(t)) return;
    const { c, session } = await open({ namespace: '/chat', auth: { token: 'secret' } });
    await session.send({ layer: 'socketio', namespace: '/chat', event: 'kick', args: '[]' });
    assert.equal(await waitForStatus(session, (s) => s.startsWith('closed'), c.log), 'closed by server (DISCONNECT)');
    const s = summaries(c);
    assert.ok(s.includes('in DISCONNECT /chat'), s.join('\n'));
    assert.deepEqual(session.namespaces, []);
  });

  it('shows a refused namespace as CONNECT_ERROR with the reason, and refuses to emit there', async (t) => {
    if (!needsServer(t)) return;
    const { c, session } = await open({ namespace: '/admin' });
    assert.equal(await waitForStatus(session, (s) => s.startsWith('CONNECT_ERROR'), c.log), 'CONNECT_ERROR /admin: not authorized');
    const refused = decodedLog(c).find((d) => d.summary.startsWith('in CONNECT_ERROR'))!;
    assert.equal(refused.summary, 'in CONNECT_ERROR /admin · not authorized');
    await assert.rejects(
      session.send({ layer: 'socketio', namespace: '/admin', event: 'chat', args: '[]' }),
      /The server refused namespace \/admin: not authorized/,
    );
  });

  it('answers pings by itself, and with auto-pong off the server times us out', async (t) => {
    if (!needsServer(t)) return;
    const { c, session } = await open({}, server!.quickPort);
    await waitForStatus(session, (s) => s === 'connected to /', c.log);
    // Auto-pong on: several pings answered, the session stays connected.
    await waitForEntry(c.log, 'third pong', () => entries(c.log).filter((e) => e.direction === 'out' && e.text === '3').length >= 3);
    assert.equal(session.status, 'connected to /');
    assert.equal(c.state, 'open');
    session.setAutoPong(false);
    assert.equal(await waitForStatus(session, (s) => s !== 'connected to /', c.log), 'ping timeout');
    await waitForEnd(c);
    const log = entries(c.log);
    assert.ok(log.some((e) => e.kind === 'note' && e.text.startsWith('Ping timeout:')), describeLog(c.log));
    // The last ping went unanswered.
    const lastPing = log.filter((e) => e.direction === 'in' && e.text === '2').at(-1)!;
    assert.ok(!log.some((e) => e.seq > lastPing.seq && e.direction === 'out' && e.text === '3'), describeLog(c.log));
    const s = summaries(c);
    assert.ok(s.includes('in ping') && s.includes('out pong'), s.join('\n'));
  });

  it("refuses the composer's mistakes by name, and an emit waiting on a connection that fails", async () => {
    const c = createWebSocketConnection({ url: `ws://127.0.0.1:${await closedPort()}/socket.io/?EIO=4&transport=websocket` });
    owned.push(c);
    const session = layerFactory('socketio')!.start(c, {}) as SocketIoSession;
    owned.push(session);
    assert.equal(session.status, 'waiting for open packet');
    const form = { layer: 'socketio', event: 'chat', args: '[]' } as const;
    await assert.rejects(session.send({ ...form, args: '["hi",' }), /Invalid JSON in the arguments: unexpected end of input at line 1, column 7/);
    await assert.rejects(session.send({ ...form, args: '{"a": 1}' }), /they are a JSON array/);
    await assert.rejects(session.send({ ...form, event: '' }), /Enter the event name/);
    await assert.rejects(session.send({ ...form, namespace: 'chat' }), /Namespace: a namespace starts with "\/"/);
    await assert.rejects(session.send({ layer: 'stomp', command: 'SEND' }), /cannot send a form of the stomp layer/);
    await assert.rejects(session.send(form), /the connection is not open/);
    const connecting = c.connect().catch(() => undefined);
    await assert.rejects(session.send(form), /The connection closed before the namespace connected/);
    await connecting;
    await waitForStatus(session, (s) => s.startsWith('connection failed: '), c.log);
  });
});
