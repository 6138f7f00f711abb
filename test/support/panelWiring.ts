// A PanelController on a connection, driven through the real protocol by the webview's own MessageHandler
// (no browser): for checking that the panel still answers after whatever a peer did to the connection.
import { decodeEntryBatch } from '../../shared/entryBatch';
import { DIRECTION_NAMES, KIND_NAMES } from '../../shared/logModel';
import { MessageHandler } from '../../shared/messageHandler';
import { webviewIncoming } from '../../shared/messageSchema';
import type { HostEvents, HostRequests, ProxyHoldInfo, WebviewEvents, WebviewRequests } from '../../shared/protocol';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { PanelController, type PanelCallbacks, type PanelControllerOptions } from '../../src/panel/panelController';

type HostEvent = { [K in keyof HostEvents]: { type: K } & HostEvents[K] }[keyof HostEvents];

/** A webview-side handler for every event the host posts. */
export type HostEventHandlers = { [K in keyof HostEvents]: (params: HostEvents[K]) => void };

/** Every host event type; `satisfies` makes a new event in shared/protocol.ts a compile error here, and only here. */
const HOST_EVENT_TYPES = Object.keys({
  entries: 0,
  stats: 0,
  cleared: 0,
  state: 0,
  handshake: 0,
  tls: 0,
  filterMatches: 0,
  composerLists: 0,
  snapshot: 0,
  reveal: 0,
  peers: 0,
  held: 0,
  autoReplies: 0,
  filterOff: 0,
  decodeState: 0,
  session: 0,
} satisfies Record<keyof HostEvents, 0>) as Array<keyof HostEvents>;

/** Handlers for every host event: `each(type)` for all of them, replaced by `some` where given. */
export function hostEventHandlers(
  each: <K extends keyof HostEvents>(type: K) => (params: HostEvents[K]) => void,
  some: Partial<HostEventHandlers> = {},
): HostEventHandlers {
  const handlers: Partial<Record<keyof HostEvents, unknown>> = {};
  for (const type of HOST_EVENT_TYPES) handlers[type] = some[type] ?? each(type);
  return handlers as HostEventHandlers;
}

/** A handler that ignores an event. */
export const ignoreEvent = (): ((params: unknown) => void) => () => {};

/** A controller and the webview side of its channel. */
export interface WiredPanel {
  readonly controller: PanelController;
  readonly webview: MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>;
  /** Events the host posted, in order. */
  readonly events: HostEvent[];
  /** Messages the controller refused or could not handle, and webview-side problems. */
  readonly problems: string[];
  /** The rows of entries [from, from + count) as the webview would get them: "direction kind" and a text preview. */
  rows(fromSeq: number, count: number): Promise<Array<{ seq: number; row: string; preview: string }>>;
  dispose(): void;
}

/** Wires a controller to `connection`; `callbacks` default to no-ops. Batches are acknowledged at once. */
export function wirePanel(connection: Connection, callbacks: Partial<PanelCallbacks> = {}, options: PanelControllerOptions = {}): WiredPanel {
  const events: HostEvent[] = [];
  const problems: string[] = [];
  // eslint-disable-next-line prefer-const
  let webview: WiredPanel['webview'];
  const controller = new PanelController(
    connection,
    (message) => queueMicrotask(() => webview.handleMessage(message)),
    { connect: () => undefined, disconnect: () => undefined, writeClipboard: () => undefined, ...callbacks },
    { log: (line) => problems.push(line), statsIntervalMs: 0, ...options },
  );
  const record =
    <K extends keyof HostEvents>(type: K) =>
    (params: HostEvents[K]): void => {
      events.push({ ...params, type } as HostEvent);
      if (type === 'entries') webview.sendEvent('ack', { batchId: (params as HostEvents['entries']).batchId });
    };
  webview = new MessageHandler<WebviewRequests, WebviewEvents, HostRequests, HostEvents>({
    post: (m) => queueMicrotask(() => controller.handleMessage(m)),
    schemas: webviewIncoming,
    requests: {},
    events: hostEventHandlers(record),
    onProblem: (p) => problems.push(`webview: ${p}`),
  });
  return {
    controller,
    webview,
    events,
    problems,
    async rows(fromSeq, count) {
      const { batch } = await webview.sendRequest('getRange', { fromSeq, count });
      const decoded = decodeEntryBatch(batch);
      const out: Array<{ seq: number; row: string; preview: string }> = [];
      for (let i = 0; i < decoded.count; i++) {
        const dirKind = decoded.dirKind[i]!;
        const start = i === 0 ? 0 : decoded.end[i - 1]!;
        out.push({
          seq: decoded.seq[i]!,
          row: `${DIRECTION_NAMES[(dirKind >> 4) & 3]} ${KIND_NAMES[dirKind & 0x0f]}`,
          preview: Buffer.from(decoded.payload.subarray(start, decoded.end[i])).toString('utf8'),
        });
      }
      return out;
    },
    dispose() {
      controller.dispose();
      webview.dispose();
    },
  };
}

/**
 * Connects `connection`, wires a panel to it and has the webview say ready; disposing both goes on
 * `cleanups` (which the test runs after it, last first).
 */
export async function wireConnected(connection: Connection, cleanups: Array<() => unknown>, options: PanelControllerOptions = {}): Promise<WiredPanel> {
  cleanups.push(() => connection.dispose());
  await connection.connect();
  const panel = wirePanel(connection, {}, options);
  cleanups.push(() => panel.dispose());
  await panel.webview.sendRequest('ready', {});
  return panel;
}

/** A proxy pair's hold state as the panel last showed it: in its latest held event or snapshot. */
export function latestHold(panel: WiredPanel): ProxyHoldInfo | undefined {
  for (let i = panel.events.length - 1; i >= 0; i--) {
    const e = panel.events[i]!;
    if (e.type === 'held') return e.proxy;
    if (e.type === 'snapshot') return e.snapshot.proxy;
  }
  return undefined;
}
