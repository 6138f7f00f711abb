// Issue 16's acceptance test for user patterns: a listener with the rule /^(\w+\s?)*$/ and a panel filter
// /(a+)+$/ over a log holding `a…a!` (40 bytes) and 1 MiB of spaces. On the host's thread the rule alone
// would block for hours (each byte doubles it) and the filter for minutes; here both run on the pattern
// worker, the event loop stays responsive (p99 of its delay under 100 ms), and the panel is told, in
// words, that each pattern was switched off.
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, it } from 'node:test';
import { MessageHandler } from '../../shared/messageHandler';
import { webviewIncoming } from '../../shared/messageSchema';
import type { AutoRepliesInfo, HostEvents, HostRequests, WebviewEvents, WebviewRequests } from '../../shared/protocol';
import { createServerConnection } from '../../src/core/connection/serverConnection';
import { createWsListener } from '../../src/core/listen/wsListener';
import { PanelController } from '../../src/panel/panelController';
import { eventually } from '../support/eventually';
import { peerNumber, recordingClient } from '../support/listenClients';
import { entries, waitForEntry } from '../support/logReading';
import { hostEventHandlers, ignoreEvent } from '../support/panelWiring';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

describe('catastrophic user patterns', () => {
  it('a catastrophic rule and filter never block the event loop, and the panel says each was switched off', async () => {
    const server = createServerConnection(createWsListener({ address: { host: '127.0.0.1', port: 0 } }));
    cleanups.push(() => server.dispose());
    await server.connect();
    const problems: string[] = [];
    const ruleEvents: AutoRepliesInfo[] = [];
    const filterOff: Array<{ generation: number; message: string }> = [];
    let webview: MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents> | undefined;
    const controller = new PanelController(
      server,
      (message) => queueMicrotask(() => webview!.handleMessage(message)),
      { connect: () => undefined, disconnect: () => undefined, writeClipboard: () => undefined, sessionCommand: () => undefined },
      { log: (line) => problems.push(line) },
    );
    cleanups.push(() => controller.dispose());
    webview = new MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>({
      post: (m) => queueMicrotask(() => controller.handleMessage(m)),
      schemas: webviewIncoming,
      requests: {},
      events: hostEventHandlers(ignoreEvent, {
        entries: ({ batchId }) => webview!.sendEvent('ack', { batchId }),
        autoReplies: ({ autoReplies }) => void ruleEvents.push(autoReplies),
        filterOff: ({ generation, message }) => void filterOff.push({ generation, message }),
      }),
      onProblem: (p) => problems.push(`webview: ${p}`),
    });
    cleanups.push(() => webview!.dispose());

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    cleanups.push(() => delay.disable());
    await webview.sendRequest('ready', {});
    const rule = { enabled: true, match: '/^(\\w+\\s?)*$/', reply: { format: 'text' as const, input: 'matched', escapes: false }, delayMs: 0 };
    assert.deepEqual((await webview.sendRequest('setAutoReplies', { rules: [rule] })).problems, [null]);

    const client = recordingClient(`ws://127.0.0.1:${server.server.address!.port}/`);
    cleanups.push(() => client.ws.terminate());
    await client.opened;
    const catastrophic = 'a'.repeat(39) + '!';
    client.ws.send(catastrophic);
    client.ws.send(' '.repeat(1024 * 1024));
    const peer = await peerNumber(server.server, 1);
    const log = peer.connection.log;
    await waitForEntry(log, 'the megabyte of spaces', (e) => e.direction === 'in' && e.payload.length === 1024 * 1024);
    const seq = entries(log).find((e) => e.text === catastrophic)!.seq;

    await webview.sendRequest('selectPeer', { peer: 1 });
    await webview.sendRequest('setFilter', { generation: 1, filter: { text: '/(a+)+$/', directions: [], kinds: [] } });

    const rules = (await eventually(() => ruleEvents.at(-1), (info) => info !== undefined, 'the rules, switched off'))!;
    assert.deepEqual(rules.rules, [{ ...rule, enabled: false }]);
    assert.deepEqual(rules.problems, [`This pattern took too long on message #${seq} of peer #1; it is off.`]);
    const off = (await eventually(() => filterOff.at(-1), (e) => e !== undefined, 'the filter, switched off'))!;
    assert.deepEqual(off, { generation: 1, message: `This pattern took too long on message #${seq}; it is off.` });
    assert.ok(
      entries(server.server.log).some((e) => e.kind === 'error' && e.text === `Auto-reply rule 1 (/^(\\w+\\s?)*$/): This pattern took too long on message #${seq} of peer #1; it is off.`),
      'the server log says so too',
    );
    delay.disable();
    const p99 = delay.percentile(99) / 1e6;
    assert.ok(p99 < 100, `event-loop delay p99 ${p99.toFixed(1)} ms (max ${(delay.max / 1e6).toFixed(1)} ms)`);
    assert.deepEqual(client.texts, [], 'no reply: the rule never matched');
    assert.deepEqual(problems, []);
  });
});
