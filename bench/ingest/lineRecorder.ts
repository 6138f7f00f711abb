// The recorder of the line case: the real TcpConnection, its raw log framed into messages by the real
// newline framer (FramedLog with LINES_LF, as the panel's "View as lines" does), counting messages.
import { Direction } from '../../shared/logModel';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { FramedLog } from '../../src/core/framing/framedLog';
import { LINES_LF } from '../../shared/framerSpec';
import { createTcpConnection } from '../../src/core/connection/tcpConnection';

/** A TcpConnection whose log is framed by newlines, counting messages. */
export interface LineRecorder {
  readonly connection: Connection;
  count(): number;
  evicted(): number;
  close(): void;
}

/** Connects to the blaster and frames its bytes by newline. */
export async function createLineRecorder(port: number, retention?: { maxEntries?: number; maxBytes?: number }): Promise<LineRecorder> {
  const connection = createTcpConnection({ host: '127.0.0.1', port }, retention);
  const framed = new FramedLog(connection.log, LINES_LF, { connection });
  await connection.connect();
  return {
    connection,
    count: () => framed.log.totals(Direction.In).entries,
    // Both logs (the raw chunks and the framed lines) must be at their caps for the steady state.
    evicted: () => Math.min(framed.log.dropped.entries, connection.log.dropped.entries),
    close: () => {
      framed.dispose();
      connection.dispose();
    },
  };
}
