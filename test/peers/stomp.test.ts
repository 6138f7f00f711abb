// The STOMP layer against RabbitMQ's web-STOMP (a broker nobody here wrote), with Debian's python3-stomp
// as the other client over STOMP/TCP: CONNECT/CONNECTED with heart-beats, SUBSCRIBE, SEND, MESSAGE,
// receipts paired with the frame that asked, ACK in client mode, ERROR frames, a silent server.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { Kind } from '../../shared/logModel';
import type { StompForm } from '../../shared/decode/layerForms';
import type { WebSocketConnection } from '../../src/core/connection/connectionTypes';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { layerFactory, type LayerSession } from '../../src/core/layers';
import { decodeStomp } from '../../src/core/layers/stomp/stompDecoder';
import { stompSubprotocols } from '../../src/core/layers/stomp/stompLayer';
import type { StompSession } from '../../src/core/layers/stomp/stompSession';
import { eventually } from '../support/eventually';
import { describeLog, entries, waitForEntry, type Entry } from '../support/logReading';
import { rabbitmqMissing, startRabbitMq, type RabbitMq } from '../support/rabbitmq';
import { requirePeer } from '../support/requirePeer';

const missing = rabbitmqMissing();
let broker: RabbitMq | undefined;
const open: { connection: WebSocketConnection; session: LayerSession }[] = [];

before(async () => {
  if (missing === undefined) broker = await startRabbitMq();
}, { timeout: 180_000 });

after(async () => {
  for (const { connection, session } of open) {
    session.dispose();
    connection.dispose();
  }
  if (!broker) return;
  const { processGroup, epmdPid } = broker;
  await broker.close();
  assert.throws(() => process.kill(-processGroup, 0), /ESRCH/, 'the broker outlived the suite');
  assert.throws(() => process.kill(epmdPid, 0), /ESRCH/, 'our epmd outlived the suite');
});

function ready(t: TestContext): boolean {
  return requirePeer(t, 'RabbitMQ with web-STOMP', missing);
}

const layer = layerFactory('stomp')!;

/** A WebSocket connection to web-STOMP with the STOMP layer speaking on it, once CONNECTED came (or the status matched). */
async function connect(settings: unknown = { login: 'guest', passcode: 'guest' }, until = /^connected/): Promise<{ connection: WebSocketConnection; session: StompSession }> {
  const connection = createWebSocketConnection({ url: broker!.webStompUrl, protocols: [...stompSubprotocols] });
  const session = layer.start(connection, layer.parseSettings(settings, 'layer')) as StompSession;
  open.push({ connection, session });
  await connection.connect();
  await eventually(() => session.status, (s) => until.test(s), `STOMP status ${until}`, 30_000);
  return { connection, session };
}

function close(c: { connection: WebSocketConnection; session: LayerSession }): void {
  c.session.dispose();
  c.connection.dispose();
}

/** Entries of STOMP frames with their decoded summaries. */
function frames(connection: WebSocketConnection): (Entry & { summary: string; fields: Record<string, string> })[] {
  return entries(connection.log)
    .filter((e) => e.kind === 'text' || e.kind === 'binary')
    .map((e) => {
      const d = decodeStomp({ payload: e.payload, direction: e.direction === 'in' ? 0 : 1, kind: e.kind === 'text' ? Kind.Text : Kind.Binary })!;
      return { ...e, summary: d.summary, fields: { ...d.fields } };
    });
}

function waitForFrame(connection: WebSocketConnection, what: string, match: (f: ReturnType<typeof frames>[number]) => boolean) {
  return eventually(() => frames(connection).find(match), (f) => f !== undefined, `${what}\n${describeLog(connection.log)}`, 30_000).then((f) => f!);
}

const send = (session: LayerSession, form: Omit<StompForm, 'layer'>) => session.send({ layer: 'stomp', ...form });

/** python3-stomp over TCP (test/support/python/stomp_peer.py). */
function python(args: string[]): { child: ChildProcess; lines: string[]; done: Promise<number | null> } {
  const child = spawn('/usr/bin/python3', [join(__dirname, '..', 'support', 'python', 'stomp_peer.py'), String(broker!.stompPort), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let errors = '';
  child.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    if (code !== 0) lines.push(`exit ${code}: ${errors.slice(-2000)}`);
    resolve(code);
  }));
  return { child, lines, done };
}

describe('STOMP against RabbitMQ web-STOMP', () => {
  it('connects: CONNECTED decoded as 1.2, heart-beats negotiated and sent', async (t) => {
    if (!ready(t)) return;
    const c = await connect({ login: 'guest', passcode: 'guest', heartBeat: [300, 0] });
    try {
      assert.equal(c.connection.protocol, 'v12.stomp');
      const [connect, connected] = frames(c.connection);
      assert.match(connect!.summary, /^CONNECT · host \/ · login guest · accept-version 1\.2,1\.1,1\.0 · heart-beat 300,0$/);
      assert.doesNotMatch(connect!.summary, /passcode|guest · guest/);
      assert.equal(connected!.direction, 'in');
      assert.match(connected!.summary, /^CONNECTED 1\.2 heart-beat \d+,\d+$/);
      assert.equal(connected!.fields.command, 'CONNECTED');
      assert.equal(c.session.negotiatedVersion, '1.2');
      const out = c.session.heartBeatIntervals!.outgoingMs;
      assert.ok(out >= 300, `we send heart-beats (every ${out} ms): ${c.session.status}`);
      assert.match(c.session.status, new RegExp(`^connected · STOMP 1\\.2 · heart-beat out ${out} ms`));
      const beat = await waitForFrame(c.connection, 'a heart-beat we sent', (f) => f.direction === 'out' && f.summary === 'heart-beat');
      assert.equal(beat.text, '\n');
    } finally {
      close(c);
    }
  });

  it('subscribes, sends and receives, each receipt paired with the frame that asked', async (t) => {
    if (!ready(t)) return;
    const c = await connect();
    try {
      await send(c.session, { command: 'SUBSCRIBE', destination: '/queue/si-roundtrip', headers: [['receipt', 'r-sub']] });
      const subscribed = await waitForFrame(c.connection, 'RECEIPT r-sub', (f) => f.summary === 'RECEIPT r-sub');
      const subscribe = frames(c.connection).find((f) => f.summary.startsWith('SUBSCRIBE'))!;
      assert.equal(subscribe.summary, 'SUBSCRIBE /queue/si-roundtrip · id sub-0 · receipt r-sub');
      await waitForEntry(c.connection.log, 'receipt note', (e) => e.kind === 'note' && e.text.startsWith(`↑ receipt r-sub for #${subscribe.seq} (SUBSCRIBE) after `));

      const { bytes } = await send(c.session, { command: 'SEND', destination: '/queue/si-roundtrip', headers: [['receipt', 'r-1'], ['x-kind', 'a:b\\c']], body: 'hello' });
      const sent = frames(c.connection).find((f) => f.summary.startsWith('SEND'))!;
      assert.equal(sent.summary, 'SEND /queue/si-roundtrip · 5 B · receipt r-1');
      assert.equal(sent.payload.length, bytes);
      const receipt = await waitForFrame(c.connection, 'RECEIPT r-1', (f) => f.summary === 'RECEIPT r-1');
      const note = await waitForEntry(c.connection.log, 'the receipt note', (e) => e.kind === 'note' && e.text.includes('receipt r-1 '));
      assert.match(note.text, new RegExp(`^↑ receipt r-1 for #${sent.seq} \\(SEND\\) after \\d+(\\.\\d+)? m?s$`));
      assert.equal(note.seq, receipt.seq + 1, 'the ↑ note follows the RECEIPT it describes');
      assert.ok(subscribed.seq < sent.seq);

      const message = await waitForFrame(c.connection, 'MESSAGE', (f) => f.direction === 'in' && f.summary.startsWith('MESSAGE'));
      assert.equal(message.summary, 'MESSAGE /queue/si-roundtrip · 5 B');
      assert.equal(message.fields.destination, '/queue/si-roundtrip');
      assert.equal(message.fields.subscription, 'sub-0');
      const decoded = decodeStomp({ payload: message.payload, direction: 0, kind: Kind.Text })!;
      const headers = decoded.tree.children![1]!.children!;
      assert.ok(headers.some((h) => h.key === 'x-kind' && h.value === '"a:b\\\\c"'), 'the escaped header came back unescaped');
      assert.equal(Buffer.from(decoded.innerPayload!).toString(), 'hello');
      // The broker's own frame, edited as JSON and back, is the same bytes.
      const input = { payload: message.payload, direction: 0 as const, kind: Kind.Text };
      assert.deepEqual(Buffer.from(layer.decoder.fromEditableText!(layer.decoder.toEditableText!(input)!, input)), message.payload);
    } finally {
      close(c);
    }
  });

  it('acknowledges in client mode: an ACKed message is gone, an unacknowledged one comes again', async (t) => {
    if (!ready(t)) return;
    const queue = '/queue/si-ack';
    const first = await connect();
    try {
      await send(first.session, { command: 'SUBSCRIBE', destination: queue, headers: [['ack', 'client-individual'], ['receipt', 'sub']] });
      await waitForFrame(first.connection, 'RECEIPT sub', (f) => f.summary === 'RECEIPT sub');
      await send(first.session, { command: 'SEND', destination: queue, body: 'one' });
      await send(first.session, { command: 'SEND', destination: queue, body: 'two' });
      const messages = await eventually(() => frames(first.connection).filter((f) => f.summary.startsWith('MESSAGE')), (m) => m.length === 2, 'two MESSAGEs');
      const one = messages.find((m) => m.text.includes('\n\none\0'));
      assert.ok(one, describeLog(first.connection.log));
      const ackId = /\nack:([^\n]*)\n/.exec(one!.text)?.[1];
      assert.ok(ackId, `MESSAGE has an ack header in client mode: ${one!.text}`);
      await send(first.session, { command: 'ACK', headers: [['id', ackId!], ['receipt', 'acked']] });
      const ack = frames(first.connection).find((f) => f.summary.startsWith('ACK'))!;
      assert.equal(ack.summary, `ACK ${ackId} · receipt acked`);
      await waitForEntry(first.connection.log, 'ACK receipt note', (e) => e.kind === 'note' && e.text.startsWith(`↑ receipt acked for #${ack.seq} (ACK)`));
    } finally {
      close(first);
    }
    const second = await connect();
    try {
      await send(second.session, { command: 'SUBSCRIBE', destination: queue });
      const again = await waitForFrame(second.connection, 'the unacknowledged MESSAGE again', (f) => f.summary.startsWith('MESSAGE'));
      assert.ok(again.text.includes('\n\ntwo\0'), `only "two" comes again: ${again.text}`);
      assert.match(again.text, /\nredelivered:true\n/);
      await send(second.session, { command: 'SEND', destination: queue, body: 'three', headers: [['receipt', 'after']] });
      await waitForFrame(second.connection, 'MESSAGE three', (f) => f.summary.startsWith('MESSAGE') && f.text.includes('\n\nthree\0'));
      assert.equal(frames(second.connection).filter((f) => f.text.includes('\n\none\0')).length, 0, 'the ACKed message never came back');
    } finally {
      close(second);
    }
  });

  it('shows an ERROR frame: its message header in the summary and the status, paired with the frame that asked', async (t) => {
    if (!ready(t)) return;
    const c = await connect();
    try {
      await send(c.session, { command: 'SEND', destination: '/nowhere/at-all', headers: [['receipt', 'bad-1']], body: 'x' });
      const error = await waitForFrame(c.connection, 'ERROR', (f) => f.summary.startsWith('ERROR'));
      assert.match(error.summary, /^ERROR · Unknown destination/);
      assert.equal(error.fields.command, 'ERROR');
      await eventually(() => c.session.status, (s) => /^ERROR: Unknown destination/.test(s), 'the status');
    } finally {
      close(c);
    }
    const refused = await connect({ login: 'guest', passcode: 'wrong' }, /^ERROR/);
    try {
      // RabbitMQ's message header says what failed; the body says why.
      const error = frames(refused.connection).find((f) => f.summary.startsWith('ERROR'))!;
      assert.equal(error.summary, 'ERROR · Bad CONNECT');
      assert.match(error.text, /\n\nAccess refused for user 'guest'/);
      assert.equal(refused.session.status, 'ERROR: Bad CONNECT');
      await assert.rejects(send(refused.session, { command: 'SEND', destination: '/queue/a', body: 'x' }), /STOMP is not connected \(ERROR: Bad CONNECT\)/);
    } finally {
      close(refused);
    }
  });

  it('exchanges messages with python3-stomp over STOMP/TCP, both ways', async (t) => {
    if (!ready(t)) return;
    const c = await connect();
    const receiver = python(['receive', '/queue/si-to-python', '1']);
    try {
      await eventually(() => receiver.lines, (l) => l.includes('ready') || l.some((x) => x.startsWith('exit')), 'python3-stomp subscribed', 30_000);
      assert.deepEqual(receiver.lines, ['ready']);
      await send(c.session, { command: 'SEND', destination: '/queue/si-to-python', headers: [['content-type', 'text/plain']], body: 'héllo python' });
      assert.equal(await receiver.done, 0, receiver.lines.join('\n'));
      const got = JSON.parse(receiver.lines[1]!) as { headers: Record<string, string>; body: string };
      assert.equal(got.body, 'héllo python');
      assert.equal(got.headers.destination, '/queue/si-to-python');

      await send(c.session, { command: 'SUBSCRIBE', destination: '/queue/si-from-python', headers: [['receipt', 's']] });
      await waitForFrame(c.connection, 'RECEIPT s', (f) => f.summary === 'RECEIPT s');
      const sender = python(['send', '/queue/si-from-python', 'from python']);
      assert.equal(await sender.done, 0, sender.lines.join('\n'));
      const message = await waitForFrame(c.connection, 'MESSAGE from python', (f) => f.summary.startsWith('MESSAGE /queue/si-from-python'));
      assert.equal(message.summary, 'MESSAGE /queue/si-from-python · 11 B');
      assert.match(message.text, /\nfrom:python3-stomp\n/);
    } finally {
      receiver.child.kill();
      close(c);
    }
  });

  it('notices when the server stops its heart-beats, and when it is heard again', async (t) => {
    if (!ready(t)) return;
    const c = await connect({ login: 'guest', passcode: 'guest', heartBeat: [0, 1000] });
    try {
      const incoming = c.session.heartBeatIntervals!.incomingMs;
      assert.ok(incoming > 0, `the server agreed to send heart-beats: ${c.session.status}`);
      await waitForFrame(c.connection, "the server's heart-beat", (f) => f.direction === 'in' && f.summary === 'heart-beat');
      broker!.freeze(true);
      try {
        await eventually(() => c.session.status, (s) => s === `no heart-beat from the server for 2× ${incoming} ms`, 'the silence noticed', 30_000);
        const note = entries(c.connection.log).find((e) => e.kind === 'note' && e.text.startsWith('STOMP: no heart-beat'))!;
        assert.match(note.text, new RegExp(`^STOMP: no heart-beat from the server for 2× ${incoming} ms \\(nothing received for .+\\)$`));
      } finally {
        broker!.freeze(false);
      }
      await eventually(() => c.session.status, (s) => s.startsWith('connected'), 'heard again', 30_000);
      assert.ok(entries(c.connection.log).some((e) => e.kind === 'note' && e.text.startsWith('STOMP: the server is heard again after ')));
    } finally {
      close(c);
    }
  });
});
