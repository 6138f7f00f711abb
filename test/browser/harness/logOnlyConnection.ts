// A Connection that is nothing but a log filled in advance. Used ONLY where a live peer cannot do the
// job: loading a million entries (the 1M browser test and the scroll benchmark). It holds a real
// EntryLog; every send fails as on a closed connection.
import { Direction, Kind } from '../../../shared/logModel';
import type { Connection } from '../../../src/core/connection/connectionTypes';
import { Emitter } from '../../../src/core/base/dispose';
import { SocketInspectorError } from '../../../shared/errors';
import { EntryLog } from '../../../src/core/log/entryLog';

/** The payload of synthetic entry `i`: distinct, searchable, and of varying length. */
export function syntheticPayload(i: number): string {
  return i % 7 === 0
    ? `{"seq":${i},"type":"tick","price":${(i * 0.37).toFixed(2)},"tags":["a","b"]}`
    : `entry ${i} ${'x'.repeat(i % 40)}`;
}

/** Fills a log with `count` entries alternating in and out (every 1000th a meta event). */
export function fillLog(count: number): EntryLog {
  const log = new EntryLog({ maxEntries: count });
  const encoder = new TextEncoder();
  for (let i = 0; i < count; i++) {
    if (i % 1000 === 999) log.appendText(Direction.Meta, Kind.Open, `event ${i}`);
    else log.append(i % 2 === 0 ? Direction.In : Direction.Out, Kind.Text, encoder.encode(syntheticPayload(i)));
  }
  return log;
}

/** A closed WebSocket-like connection over `log`. */
export function logOnlyConnection(log: EntryLog, target = 'ws://127.0.0.1:9/recorded'): Connection {
  const states = new Emitter<never>();
  const notOpen = (): never => {
    throw new SocketInspectorError('NOT_OPEN', 'This recorded log has no live connection');
  };
  return {
    kind: 'ws',
    target,
    log,
    state: 'closed',
    lastError: undefined,
    handshake: undefined,
    tls: undefined,
    onDidChangeState: states.event,
    connect: () => Promise.reject(new SocketInspectorError('NOT_OPEN', 'This recorded log cannot connect')),
    sendText: notOpen,
    sendBytes: notOpen,
    close: () => {},
    dispose: () => states.dispose(),
  };
}
