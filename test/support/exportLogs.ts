// Logs for export tests, built as a connection would log them, with fixed wall times so every export
// of them is the same bytes.
import { Direction, Kind, type LogEntry } from '../../shared/logModel';
import type { ConnectionKind } from '../../src/core/connection/connectionTypes';
import { exportSourceFromEntries, type ExportSource } from '../../src/core/export/exportSource';

/** 2024-05-01T12:00:00.000Z */
export const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

/** Builds entries one at a time, each 1.25 ms after the previous (a fraction, to exercise µs). */
export class LogBuilder {
  readonly entries: LogEntry[] = [];
  private time = T0;

  add(direction: Direction, kind: Kind, payload: Uint8Array | string, code = 0, step = 1.25): LogEntry {
    const bytes = typeof payload === 'string' ? Buffer.from(payload, kind === Kind.Handshake ? 'latin1' : 'utf8') : payload;
    const entry: LogEntry = {
      seq: this.entries.length,
      wallTime: this.time,
      monoTime: this.time - T0 + 1000,
      direction,
      kind,
      length: bytes.length,
      code,
      payload: bytes,
    };
    this.entries.push(entry);
    this.time += step;
    return entry;
  }

  meta(kind: Kind, text: string, code = 0): LogEntry {
    return this.add(Direction.Meta, kind, text, code);
  }

  source(kind: ConnectionKind, target: string, extra: Partial<Pick<ExportSource, 'handshake' | 'redact'>> = {}): ExportSource {
    return exportSourceFromEntries({ kind, target, ...extra }, this.entries);
  }
}

export const REQUEST_HEAD =
  'GET /chat?room=1 HTTP/1.1\r\n' +
  'Sec-WebSocket-Version: 13\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
  'Connection: Upgrade\r\n' +
  'Upgrade: websocket\r\n' +
  'Authorization: Bearer s3cret-token\r\n' +
  'Cookie: sid=abc; theme=dark\r\n' +
  'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n' +
  'Host: 127.0.0.1:8765\r\n' +
  '\r\n';

export const RESPONSE_HEAD =
  'HTTP/1.1 101 Switching Protocols\r\n' +
  'Upgrade: websocket\r\n' +
  'Connection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n' +
  'Sec-WebSocket-Extensions: permessage-deflate\r\n' +
  '\r\n';

/** What a WebSocket session to ws://127.0.0.1:8765/chat?room=1 logs, from connecting to closed. */
export function webSocketLog(options: { bigPayload?: number } = {}): LogBuilder {
  const b = new LogBuilder();
  b.meta(Kind.Connecting, 'Connecting to ws://127.0.0.1:8765/chat?room=1');
  b.meta(Kind.Handshake, REQUEST_HEAD);
  b.meta(Kind.Handshake, RESPONSE_HEAD);
  b.meta(Kind.Open, 'Connected 127.0.0.1:50412 → 127.0.0.1:8765 (extensions: permessage-deflate)');
  b.add(Direction.Out, Kind.Text, 'hello ✓');
  b.add(Direction.In, Kind.Text, 'hello ✓');
  b.add(Direction.Out, Kind.Binary, new Uint8Array([0, 1, 2, 0xfe, 0xff]));
  b.add(Direction.In, Kind.Binary, new Uint8Array(0));
  b.add(Direction.Out, Kind.Text, 'm'.repeat(300)); // 16-bit length
  const big = Buffer.alloc(options.bigPayload ?? 200_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  b.add(Direction.In, Kind.Binary, big); // 64-bit length, several segments
  b.add(Direction.Out, Kind.Ping, 'are you there');
  b.add(Direction.In, Kind.Pong, 'are you there');
  b.add(Direction.Out, Kind.Close, 'bye', 1000);
  b.add(Direction.In, Kind.Close, 'bye', 1000);
  b.meta(Kind.Closed, 'Closed by us: 1000 "bye"', 1000);
  return b;
}
