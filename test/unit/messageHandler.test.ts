import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageHandler, RequestError } from '../../shared/messageHandler';
import type { IncomingSchemas } from '../../shared/messageSchema';
import { integer, string } from '../../shared/messageSchema';
import { SocketInspectorError, positionOf } from '../../shared/errors';

type ClientRequests = {
  add: { params: { a: number; b: number }; result: { sum: number } };
  parse: { params: { text: string }; result: { ok: true } };
  slow: { params: Record<string, never>; result: Record<string, never> };
};
type ClientEvents = { note: { text: string } };
type None = Record<never, { params: object; result: unknown }>;
type NoEvents = Record<never, object>;

const serverSchemas: IncomingSchemas = {
  requests: { add: { a: integer(), b: integer() }, parse: { text: string(100) }, slow: {} },
  events: { note: { text: string(100) } },
};

/** A server and a client wired back to back, as the host and the webview are through postMessage. */
function pair() {
  const notes: string[] = [];
  const problems: string[] = [];
  const delivered: unknown[] = [];
  let release: (() => void) | undefined;
  // eslint-disable-next-line prefer-const
  let client: MessageHandler<ClientRequests, ClientEvents, None, NoEvents>;
  const server = new MessageHandler<None, NoEvents, ClientRequests, ClientEvents>({
    post: (m) => queueMicrotask(() => client.handleMessage(m)),
    schemas: serverSchemas,
    requests: {
      add: ({ a, b }) => ({ sum: a + b }),
      parse: ({ text }) => {
        throw new SocketInspectorError('INVALID_HEX', `Invalid hex in ${text}`, { position: positionOf(text, 2) });
      },
      slow: () => new Promise((resolve) => (release = () => resolve({}))),
    },
    events: { note: ({ text }) => void notes.push(text) },
    onProblem: (p) => problems.push(p),
  });
  client = new MessageHandler<ClientRequests, ClientEvents, None, NoEvents>({
    post: (m) => {
      delivered.push(m);
      queueMicrotask(() => server.handleMessage(m));
    },
    schemas: { requests: {}, events: {} },
    requests: {},
    events: {},
    onProblem: (p) => problems.push(p),
  });
  return { server, client, notes, problems, delivered, release: () => release?.() };
}

describe('MessageHandler', () => {
  it('answers requests and delivers events', async () => {
    const { client, notes } = pair();
    assert.deepEqual(await client.sendRequest('add', { a: 2, b: 40 }), { sum: 42 });
    client.sendEvent('note', { text: 'hi' });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(notes, ['hi']);
    assert.equal(client.pendingCount, 0);
  });

  it('turns a throwing handler into an error response with code and position', async () => {
    const { client } = pair();
    await assert.rejects(client.sendRequest('parse', { text: 'zzzz' }), (e: unknown) => {
      assert.ok(e instanceof RequestError);
      assert.equal(e.message, 'Invalid hex in zzzz');
      assert.equal(e.code, 'INVALID_HEX');
      assert.deepEqual(e.info.position, { offset: 2, line: 1, column: 3 });
      return true;
    });
  });

  it('refuses unknown types and bad fields, answering requests with an error', async () => {
    const { server, client, problems } = pair();
    const c = client as unknown as MessageHandler<{ nope: { params: object; result: unknown } }, NoEvents, None, NoEvents>;
    await assert.rejects(c.sendRequest('nope', {}), /unknown request type 'nope'/);
    await assert.rejects(client.sendRequest('add', { a: 1, b: -1 }), /b must be an integer/);
    await assert.rejects(client.sendRequest('add', { a: 1, b: 2, extra: true } as never), /unexpected field 'extra'/);
    server.handleMessage({ type: 'mystery' });
    server.handleMessage('not an object');
    server.handleMessage({ type: 'note' });
    assert.ok(problems.some((p) => p.includes("unknown message type 'mystery'")));
    assert.ok(problems.some((p) => p.includes('message is not an object')));
    assert.ok(problems.some((p) => p.includes("event 'note': text must be a string")));
  });

  it('rejects pending requests when disposed, and refuses new ones', async () => {
    const { client } = pair();
    const pending = client.sendRequest('slow', {});
    await new Promise((r) => setImmediate(r));
    client.dispose();
    await assert.rejects(pending, (e: unknown) => e instanceof RequestError && e.code === 'DISPOSED');
    await assert.rejects(client.sendRequest('add', { a: 1, b: 1 }), /closed/);
  });

  it('reports a response to a request it never sent', () => {
    const { client, problems } = pair();
    client.handleMessage({ type: 'response', requestId: 999, ok: true, result: {} });
    assert.ok(problems.some((p) => p.includes('response to unknown request 999')));
  });

  it('fails a request whose message cannot be posted instead of leaving it pending', async () => {
    const problems: string[] = [];
    const h = new MessageHandler<ClientRequests, ClientEvents, None, NoEvents>({
      post: () => {
        throw new Error('Webview is disposed');
      },
      schemas: { requests: {}, events: {} },
      requests: {},
      events: {},
      onProblem: (p) => problems.push(p),
    });
    await assert.rejects(h.sendRequest('add', { a: 1, b: 2 }), /could not be delivered/);
    assert.equal(h.pendingCount, 0);
    assert.match(problems[0]!, /Webview is disposed/);
  });
});
