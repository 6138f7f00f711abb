// Host memory per logged frame: a separate process (run with --expose-gc) records exactly `count`
// 64-byte messages from a blaster with the real WsConnection, and reports what its heap and
// ArrayBuffers grew by, after full garbage collections, divided by the entries held.
import { Direction } from '../../shared/logModel';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { fastReceive } from '../../src/core/receive/fastReceive';

/** What the runner asks of this process. */
export interface HostMemoryConfig {
  readonly port: number;
  readonly count: number;
}

/** What it reports. */
export interface HostMemoryResult {
  readonly entries: number;
  readonly bytesPerEntry: number;
  /** What EntryLog itself accounts for (its arrays), per entry. */
  readonly logBytesPerEntry: number;
  readonly payloadBytesPerEntry: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as HostMemoryConfig;
const gc = (globalThis as { gc?: () => void }).gc;

function used(): number {
  if (!gc) throw new Error('hostMemory needs --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function main(): Promise<void> {
  await fastReceive.ready();
  const connection = createWebSocketConnection({ url: `ws://127.0.0.1:${config.port}/` }, { maxEntries: config.count + 1000 });
  // What exists before the first message: the connection, ws, the handshake entries.
  const base = used();
  await connection.connect();
  while (connection.log.totals(Direction.In).entries < config.count) await new Promise((r) => setTimeout(r, 20));
  // ws's read buffers and the last chunks become garbage once the flood is over.
  await new Promise((r) => setTimeout(r, 200));
  const after = used();
  const log = connection.log;
  const entries = log.size;
  const result: HostMemoryResult = {
    entries,
    bytesPerEntry: (after - base) / entries,
    logBytesPerEntry: log.memoryBytes / entries,
    payloadBytesPerEntry: log.retainedBytes / entries,
  };
  process.send?.({ type: 'result', result }, () => process.exit(0));
}

main().catch((e: unknown) => {
  process.send?.({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () => process.exit(1));
});
