// When Node or ws no longer look the way the fast receive paths expect (a private slot gone, a Receiver
// field renamed, a socket handle that no longer reads where it is told), the start-up self-test turns the
// affected paths off, the output lines say which and why, and the connections record through Node's and
// ws's own paths exactly what they recorded before. Each case changes Node or ws in this process only,
// runs the self-test again (forgetSelfTest), records, and puts everything back.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { afterEach, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { describeFastReceive, fastReceive, type FastPathState } from '../../src/core/receive/fastReceive';
import { FAST_PATHS, type FastPath } from '../../src/core/receive/fastPaths';
import { expectedPaths, record, type Recording, type Scenario } from '../support/receiveTraffic';

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const SCENARIOS: Scenario[] = ['WebSocket: a server to our client', "WebSocket: a client's masked frames to our listener", 'TCP: a server to our client, framed by lines'];

/** Recordings with every fast path working, to compare the fallback's with. */
const reference = new Map<Scenario, Recording>();

const engagedCounts = (): Record<FastPath, number> => Object.fromEntries(FAST_PATHS.map((p) => [p, fastReceive.engagedConnections(p)])) as Record<FastPath, number>;

/** Runs the self-test afresh under the change `apply` makes (undone by the returned function). */
async function selfTestUnder(apply: () => () => void): Promise<FastPathState[]> {
  const undo = apply();
  cleanup.push(() => {
    undo();
    // The next case starts from a self-test of the real Node and ws.
    fastReceive.forgetSelfTest();
  });
  fastReceive.forgetSelfTest();
  return [...(await fastReceive.ready())];
}

/**
 * Records every scenario: the same as with the fast paths working, its connection engaging every path
 * it would but those `off` (and on a WebSocket no reads into the log without the bypass, which they need).
 */
async function assertFallbackRecords(off: FastPath[]): Promise<void> {
  for (const scenario of SCENARIOS) {
    const before = engagedCounts();
    const recording = await record(scenario, cleanup);
    const after = engagedCounts();
    const expected = expectedPaths(scenario).filter(
      (p) => !off.includes(p) && !(p === 'readIntoLog' && scenario.startsWith('WebSocket') && off.includes('plainFrameBypass')),
    );
    assert.deepEqual(
      FAST_PATHS.filter((p) => after[p] > before[p]),
      expected,
      `${scenario}: the fast paths its connection engaged`,
    );
    const wanted = reference.get(scenario)!;
    assert.deepEqual(recording.received, recording.sent, `${scenario}: every message arrived as sent`);
    assert.deepEqual(recording.entries, wanted.entries, `${scenario}: the log`);
    assert.deepEqual(recording.frames, wanted.frames, `${scenario}: the wire frames`);
    assert.equal(recording.ndjson, wanted.ndjson, `${scenario}: the NDJSON export`);
    assert.equal(recording.pcapng, wanted.pcapng, `${scenario}: the pcapng export`);
  }
}

/** The states' output lines, checked: `off` paths off and why (matching `why`), the rest on. */
function assertSays(states: FastPathState[], off: FastPath[], why: RegExp): void {
  const lines = describeFastReceive(states);
  states.forEach((s, i) => {
    if (off.includes(s.path)) {
      assert.equal(s.on, false, lines[i]);
      assert.match(lines[i]!, /is off: the start-up self-test failed: /);
      assert.match(lines[i]!, why);
    } else assert.equal(s.on, true, lines[i]);
  });
}

describe('the fast receive paths fall back', () => {
  before(async () => {
    const states = await fastReceive.ready();
    assert.ok(states.every((s) => s.on), describeFastReceive(states).join('\n'));
    for (const scenario of SCENARIOS) {
      reference.set(scenario, await record(scenario, cleanup));
      for (const c of cleanup.splice(0).reverse()) await c();
    }
  });

  it("when net.Socket lacks the read slots: reads into the log off, named, and the log exact", async () => {
    const states = await selfTestUnder(() => {
      // As a Node without lib/net.js's kBuffer, kBufferCb and kBufferGen would make every socket.
      const connect = net.Socket.prototype.connect;
      const strip = (socket: net.Socket): void => {
        for (const s of Object.getOwnPropertySymbols(socket)) {
          if (s.description === 'kBuffer' || s.description === 'kBufferCb' || s.description === 'kBufferGen') delete (socket as unknown as Record<symbol, unknown>)[s];
        }
      };
      net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
        strip(this);
        return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
      } as typeof connect;
      const emit = net.Server.prototype.emit;
      net.Server.prototype.emit = function (this: net.Server, event: string | symbol, ...args: unknown[]) {
        if (event === 'connection') strip(args[0] as net.Socket);
        return (emit as (event: string | symbol, ...a: unknown[]) => boolean).call(this, event, ...args);
      } as typeof emit;
      return () => {
        net.Socket.prototype.connect = connect;
        net.Server.prototype.emit = emit;
      };
    });
    assertSays(states, ['readIntoLog'], /net\.Socket has no kBuffer, kBufferCb, kBufferGen slots/);
    await assertFallbackRecords(['readIntoLog']);
  });

  it("when ws's Receiver lacks a field: the bypass and reassembly off, the field named, and the log exact", async () => {
    const states = await selfTestUnder(() => {
      // As a ws that renamed _fragments would look to receiverInternals.ts; ws itself still has it. The
      // receiver is wrapped as ws assigns it (setSocket emits 'open' right after, and that is when a
      // client's fast paths are put on).
      const hidden = new WeakMap<object, unknown>();
      const hideFragments = (receiver: object): object =>
        new Proxy(receiver, {
          get: (target, key) => {
            if (key === '_fragments') return undefined;
            const value = Reflect.get(target, key, target) as unknown;
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        });
      Object.defineProperty(WebSocket.prototype, '_receiver', {
        configurable: true,
        get(this: object) {
          return hidden.get(this) ?? null;
        },
        set(this: object, receiver: unknown) {
          hidden.set(this, receiver !== null && typeof receiver === 'object' ? hideFragments(receiver) : receiver);
        },
      });
      return () => {
        delete (WebSocket.prototype as unknown as { _receiver?: unknown })._receiver;
      };
    });
    assertSays(states, ['plainFrameBypass', 'inPlaceReassembly'], /ws's Receiver _fragments is missing/);
    await assertFallbackRecords(['plainFrameBypass', 'inPlaceReassembly']);
  });

  it('when a socket handle no longer reads into the buffer it is given: the wrong bytes are caught, reads into the log off, and the log exact', async () => {
    const owner = await handlePrototypeWithUseUserBuffer();
    const states = await selfTestUnder(() => {
      // As a Node whose handles kept reading into buffers of their own would behave: the slots are all
      // there, but what the callback is handed is not what was read.
      const original = owner.useUserBuffer;
      // The handle reads into the stand-in until it is closed: it must stay referenced as long as the
      // handle (net.js keeps the real one in kBuffer). Unreferenced, a GC freed it under libuv's reads and
      // Node 22 aborted with "malloc(): unsorted double linked list corrupted" in a clean-clone CI run.
      const standIns = new WeakMap<object, Uint8Array>();
      owner.useUserBuffer = function (this: object, buffer: Uint8Array) {
        const standIn = new Uint8Array(buffer.length);
        standIns.set(this, standIn);
        return original.call(this, standIn);
      };
      return () => {
        owner.useUserBuffer = original;
      };
    });
    assertSays(states, ['readIntoLog'], /TCP: \d+ of \d+ bytes arrived, differing from byte \d+/);
    await assertFallbackRecords(['readIntoLog']);
  });
});

/** The prototype of a TCP handle that defines useUserBuffer (StreamBase's methods), found through a listening server's handle. */
async function handlePrototypeWithUseUserBuffer(): Promise<{ useUserBuffer: (this: object, buffer: Uint8Array) => unknown }> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const handle = (server as unknown as { _handle: object })._handle;
  await new Promise<void>((r) => server.close(() => r()));
  let proto: object | null = Object.getPrototypeOf(handle) as object | null;
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'useUserBuffer')) proto = Object.getPrototypeOf(proto) as object | null;
  assert.ok(proto, 'a TCP handle has useUserBuffer');
  return proto as { useUserBuffer: (this: object, buffer: Uint8Array) => unknown };
}
