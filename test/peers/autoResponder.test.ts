// AutoResponder on real listeners with real clients: the replies it sends are marked in the peer's log as
// auto-replies of the rule that sent them (typed ones are not); a rule whose pattern takes too long is switched off
// (and the message goes on to the rules after it, replies in order), and a peer that never reads does not
// make the host queue auto-replies or broadcasts without limit (defect 6 of issue 16).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import type { AutoReplyRule } from '../../shared/autoReplyRules';
import { Direction } from '../../shared/logModel';
import { broadcastOutgoing } from '../../src/core/connection/serverConnection';
import { MAX_QUEUED_BYTES_PER_PEER } from '../../src/core/connection/sendBackpressure';
import type { ServerSession } from '../../src/core/connection/serverTypes';
import { AutoResponder } from '../../src/core/listen/autoResponder';
import { createWsListener } from '../../src/core/listen/wsListener';
import { createTcpListener } from '../../src/core/listen/tcpListener';
import { FramedLog } from '../../src/core/framing/framedLog';
import { LINES_LF } from '../../shared/framerSpec';
import type { EntryLog } from '../../src/core/log/entryLog';
import { connect as connectTcp, type Socket } from 'node:net';
import { eventually } from '../support/eventually';
import { peerNumber, recordingClient, type RecordingClient } from '../support/listenClients';
import { entries } from '../support/logReading';

const rule = (match: string, reply: string): AutoReplyRule => ({ enabled: true, match, reply: { format: 'text', input: reply, escapes: false }, delayMs: 0 });

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

async function listener(): Promise<{ session: ServerSession; url: string }> {
  const session = createWsListener({ address: { host: '127.0.0.1', port: 0 } });
  cleanups.push(() => session.dispose());
  await session.start();
  return { session, url: `ws://127.0.0.1:${session.address!.port}/` };
}

async function client(url: string): Promise<RecordingClient> {
  const c = recordingClient(url);
  cleanups.push(() => c.ws.terminate());
  await c.opened;
  return c;
}

/** Notes and errors of the server's own log. */
function serverNotes(session: ServerSession): string[] {
  return entries(session.log)
    .filter((e) => e.kind === 'note' || e.kind === 'error')
    .map((e) => e.text);
}

describe('auto-replies with a pattern that takes too long', () => {
  it('switch that rule off, say why, and match the message against the rules after it, replies in order', async () => {
    const { session, url } = await listener();
    const responder = new AutoResponder(session, 200);
    cleanups.push(() => responder.dispose());
    let switchedOff = 0;
    responder.onDidSwitchOff(() => switchedOff++);
    const rules = [rule('/^(a+)+$/', 'slow'), rule('/!$/', 'bang'), rule('/^ping$/', 'pong')];
    assert.deepEqual(responder.setRules(rules), [undefined, undefined, undefined]);
    const c = await client(url);
    const catastrophic = 'a'.repeat(39) + '!';
    for (const m of ['ping', catastrophic, 'ping', 'aaa!']) c.ws.send(m);
    await eventually(() => c.texts.length, (n) => n >= 4, 'four replies');
    assert.deepEqual(c.texts, ['pong', 'bang', 'pong', 'bang']);

    const peer = await peerNumber(session, 1);
    const culprit = entries(peer.connection.log).find((e) => e.direction === 'in' && e.text === catastrophic)!;
    const reason = `This pattern took too long on message #${culprit.seq} of peer #1; it is off.`;
    assert.equal(switchedOff, 1);
    assert.deepEqual(responder.rules, [{ ...rules[0], enabled: false }, rules[1], rules[2]], 'the rule list keeps the rule, off');
    assert.deepEqual(responder.problems, [reason, undefined, undefined]);
    assert.deepEqual(serverNotes(session).filter((t) => t.startsWith('Auto-reply')), [`Auto-reply rule 1 (/^(a+)+$/): ${reason}`]);

    // The editor sends the rules back as it shows them: the reason stays while the rule stays off…
    assert.deepEqual(responder.setRules(responder.rules), [reason, undefined, undefined]);
    // …and goes once the user turns it on again.
    assert.deepEqual(responder.setRules(rules), [undefined, undefined, undefined]);
  });

  it('keep matching substring rules at once when no rule is a regular expression', async () => {
    const { session, url } = await listener();
    const responder = new AutoResponder(session);
    cleanups.push(() => responder.dispose());
    responder.setRules([rule('hello', 'hi'), rule('', 'any')]);
    const c = await client(url);
    for (const m of ['hello there', 'x', 'say hello']) c.ws.send(m);
    await eventually(() => c.texts.length, (n) => n >= 3, 'three replies');
    assert.deepEqual(c.texts, ['hi', 'any', 'hi']);
  });
});

/** A WebSocket client that sends but never reads: its socket is paused, so what the server sends piles up. */
async function neverReading(url: string): Promise<RecordingClient> {
  const c = await client(url);
  (c.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
  return c;
}

const MiB = 1024 * 1024;

describe('backpressure: a peer that never reads', () => {
  it('gets no more auto-replies once 8 MiB wait for it; the log says so once, and again when it reads', async () => {
    const { session, url } = await listener();
    const responder = new AutoResponder(session);
    cleanups.push(() => responder.dispose());
    // Random bytes: permessage-deflate would shrink a repeated text to almost nothing on the wire.
    const reply = randomBytes(256 * 1024);
    responder.setRules([{ ...rule('', ''), reply: { format: 'base64', input: reply.toString('base64'), escapes: false } }]);
    const c = await neverReading(url);
    const peer = await peerNumber(session, 1);
    const log = peer.connection.log;
    let mostQueued = 0;
    const sampler = setInterval(() => (mostQueued = Math.max(mostQueued, peer.connection.queuedBytes ?? 0)), 5);
    cleanups.push(() => clearInterval(sampler));
    const SENT = 400;
    for (let i = 0; i < SENT; i++) c.ws.send('x');
    await eventually(() => log.totals(Direction.In).entries, (n) => n >= SENT, 'every message received');
    // Replies go out on the turn after each message is logged: all have been sent or skipped by now.
    await new Promise((r) => setTimeout(r, 100));
    const out = log.totals(Direction.Out);
    clearInterval(sampler);
    // Without the bound: 400 × 256 KiB = 100 MiB queued in the host. What the kernel buffers comes on top of 8 MiB.
    assert.ok(out.bytes < 40 * MiB, `${(out.bytes / MiB).toFixed(1)} MiB of replies were queued`);
    assert.ok(mostQueued <= MAX_QUEUED_BYTES_PER_PEER + reply.length, `${(mostQueued / MiB).toFixed(1)} MiB waited in the host`);
    assert.equal(serverNotes(session).filter((t) => t.startsWith('#1 is not reading')).length, 1, 'one note per episode, not one per message');
    assert.match(serverNotes(session).find((t) => t.startsWith('#1 is not reading'))!, /^#1 is not reading: \d+\.\d MiB wait to be sent to it, so auto-replies and broadcasts to it are skipped until it catches up$/);

    // It reads again: what was queued arrives whole, and the next message is answered.
    (c.ws as unknown as { _socket: import('node:net').Socket })._socket.resume();
    const sentReplies = out.entries;
    await eventually(() => c.messages.length, (n) => n >= sentReplies, 'the queued replies');
    assert.ok(c.messages.every((m) => m.binary && m.data.equals(reply)));
    c.ws.send('again');
    await eventually(() => c.messages.length, (n) => n >= sentReplies + 1, 'the reply to a message sent after it caught up');
    const skipped = SENT - sentReplies;
    assert.ok(skipped > 0);
    assert.ok(serverNotes(session).includes(`#1 reads again: ${skipped} auto-replies and broadcasts were skipped while it did not`), serverNotes(session).join('\n'));
  });

  it('is skipped by broadcasts once 8 MiB wait for it, while a peer that reads gets every one', async () => {
    const { session, url } = await listener();
    const stuck = await neverReading(url);
    const reader = await client(url);
    await peerNumber(session, 2);
    const payload = new Uint8Array(randomBytes(256 * 1024));
    const stuckPeer = session.peers[0]!;
    const ROUNDS = 100;
    let reachedStuck = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const reached = broadcastOutgoing(session, { bytes: payload });
      if (reached.includes(stuckPeer)) reachedStuck++;
      await eventually(() => reader.messages.length, (n) => n > i, `broadcast ${i + 1} read`);
    }
    assert.equal(reader.messages.length, ROUNDS);
    assert.ok((stuckPeer.connection.queuedBytes ?? 0) <= MAX_QUEUED_BYTES_PER_PEER + payload.length);
    assert.ok(reachedStuck < ROUNDS * 0.6, `the peer that never reads got ${reachedStuck} of ${ROUNDS} broadcasts (${(stuckPeer.connection.log.totals(Direction.Out).bytes / MiB).toFixed(1)} MiB)`);
    assert.equal(serverNotes(session).filter((t) => t.startsWith('#1 is not reading')).length, 1);
    assert.equal(stuck.messages.length, 0);
    assert.ok(!serverNotes(session).some((t) => t.startsWith('#2 ')), 'the peer that reads is never skipped');
    // With only the peer that does not read left, a broadcast says why nobody got it.
    reader.ws.close();
    await eventually(() => session.peers[1]!.connection.state, (s) => s === 'closed', 'the reader gone');
    assert.throws(() => broadcastOutgoing(session, { bytes: payload }), /no open peer reads what is sent to it/);
  });
});

describe('auto-replies and closed peers', () => {
  /** How many listeners a log's append event has (the responder's subscription is one). */
  const appendListeners = (log: unknown) => (log as { appendEmitter: { listenerCount: number } }).appendEmitter.listenerCount;

  it('stop watching a peer once it closes, so its log is not kept alive by the responder', async () => {
    // What listens to a closed peer's log without any responder (the listener's own bookkeeping).
    const bare = await listener();
    const b = await client(bare.url);
    const barePeer = await peerNumber(bare.session, 1);
    b.ws.close();
    await eventually(() => barePeer.connection.state, (s) => s === 'closed', 'the bare peer closed');
    const baseline = appendListeners(barePeer.connection.log);

    const { session, url } = await listener();
    const responder = new AutoResponder(session);
    cleanups.push(() => responder.dispose());
    responder.setRules([rule('/^ping$/', 'pong')]);
    const c = await client(url);
    c.ws.send('ping');
    await eventually(() => c.texts.length, (n) => n >= 1, 'a reply');
    const peer = await peerNumber(session, 1);
    const whileOpen = appendListeners(peer.connection.log);
    c.ws.close();
    await eventually(() => peer.connection.state, (s) => s === 'closed', 'the peer closed');
    assert.ok(whileOpen > baseline, 'the responder watches the open peer');
    assert.equal(appendListeners(peer.connection.log), baseline, 'the responder no longer listens to the closed peer’s log');

    const d = await client(url);
    d.ws.send('ping');
    await eventually(() => d.texts.length, (n) => n >= 1, 'a reply to the next peer');
    assert.deepEqual(d.texts, ['pong']);
  });
});

/** The Out entries of a log: their text, whether they are auto-replies, and the rule that sent each. */
function outEntries(log: EntryLog): Array<{ text: string; auto: boolean; origin: unknown }> {
  return entries(log)
    .filter((e) => e.direction === 'out')
    .map((e) => ({ text: e.text, auto: log.isAutoReply(e.seq), origin: log.autoReplyOrigin(e.seq) }));
}

describe('auto-replies in the log', () => {
  it('are marked as sent by their rule, as the rule was then; a message typed to the peer is not', async () => {
    const { session, url } = await listener();
    const responder = new AutoResponder(session);
    cleanups.push(() => responder.dispose());
    responder.setRules([rule('/^hello$/', 'hi'), rule('/^ping$/', 'pong')]);
    const c = await client(url);
    c.ws.send('ping');
    await eventually(() => c.texts.length, (n) => n >= 1, 'the auto-reply');
    const peer = await peerNumber(session, 1);
    peer.connection.sendText('typed');
    await eventually(() => c.texts.length, (n) => n >= 2, 'the typed message');
    // The rules change: the reply sent before keeps the rule it was sent by.
    responder.setRules([rule('ping', 'pong again')]);
    c.ws.send('ping');
    await eventually(() => c.texts.length, (n) => n >= 3, 'the second auto-reply');
    assert.deepEqual(c.texts, ['pong', 'typed', 'pong again']);
    const log = peer.connection.log;
    assert.deepEqual(outEntries(log), [
      { text: 'pong', auto: true, origin: { rule: 2, match: '/^ping$/' } },
      { text: 'typed', auto: false, origin: undefined },
      { text: 'pong again', auto: true, origin: { rule: 1, match: 'ping' } },
    ]);
    // The mark leaves the entry's direction and kind as they were.
    assert.deepEqual(entries(log).map((e) => `${e.direction} ${e.kind}`).filter((s) => !s.startsWith('meta')), ['in text', 'out text', 'out text', 'in text', 'out text']);
    assert.equal(log.totals(Direction.Out).entries, 3);
  });

  it('keep their mark through a TCP framer: the framed messages of an auto-reply are marked, typed ones not', async () => {
    const session = createTcpListener({ address: { host: '127.0.0.1', port: 0 } });
    cleanups.push(() => session.dispose());
    await session.start();
    const responder = new AutoResponder(session);
    cleanups.push(() => responder.dispose());
    responder.setRules([rule('ping', 'pong\n')]);
    const socket: Socket = connectTcp(session.address!.port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    let received = '';
    socket.on('data', (d) => (received += d.toString('utf8')));
    socket.write('ping\n');
    const peer = await peerNumber(session, 1);
    const framed = new FramedLog(peer.connection.log, LINES_LF);
    cleanups.push(() => framed.dispose());
    await eventually(() => received, (r) => r === 'pong\n', 'the auto-reply');
    peer.connection.sendText('typed\n');
    await eventually(() => received, (r) => r === 'pong\ntyped\n', 'the typed message');
    assert.deepEqual(outEntries(framed.log), [
      { text: 'pong', auto: true, origin: { rule: 1, match: 'ping' } },
      { text: 'typed', auto: false, origin: undefined },
    ]);
  });
});
