// Reading an MQTT connection's log in tests: every logged packet decoded by the MQTT layer's decoder
// (a TCP log framed with the mqtt framer first, as the panel shows it), and waiting for one.
import { directionName, Kind } from '../../shared/logModel';
import { MQTT_PACKETS } from '../../shared/framerSpec';
import type { DecodedMessage, DecodedNode } from '../../shared/decode/decoded';
import { FramedLog } from '../../src/core/framing/framedLog';
import type { EntryLog } from '../../src/core/log/entryLog';
import { mqttDecoder } from '../../src/core/layers/mqtt/mqttDecoder';
import { describeLog } from './logReading';

export interface LoggedPacket {
  readonly seq: number;
  readonly direction: 'in' | 'out';
  readonly decoded: DecodedMessage & { readonly innerPayload?: Uint8Array };
  readonly payload: Buffer;
}

/** Every packet in the log, decoded; `framed` cuts a TCP log's chunks into packets first. */
export function loggedPackets(log: EntryLog, options: { framed: boolean; settings?: unknown }): LoggedPacket[] {
  const framed = options.framed ? new FramedLog(log, MQTT_PACKETS) : undefined;
  const source = framed?.log ?? log;
  const out: LoggedPacket[] = [];
  try {
    for (let seq = source.firstSeq; seq < source.nextSeq; seq++) {
      const e = source.get(seq);
      if (!e || (e.kind !== Kind.Binary && e.kind !== Kind.Data)) continue;
      const payload = Buffer.from(e.payload);
      const decoded = mqttDecoder.decode({ payload, direction: e.direction, kind: e.kind, settings: options.settings });
      if (decoded) out.push({ seq, direction: directionName(e.direction) as 'in' | 'out', decoded, payload });
    }
  } finally {
    framed?.dispose();
  }
  return out;
}

/** The value of a tree node found by its path of keys (`['properties', 'Content Type']`). */
export function nodeValue(tree: DecodedNode, ...path: string[]): string | undefined {
  let node: DecodedNode | undefined = tree;
  for (const key of path) node = node?.children?.find((c) => c.key === key);
  return node?.value;
}

/** Polls (on each append) until a packet matches; the log in the message when none comes. */
export function waitForPacket(log: EntryLog, options: { framed: boolean; settings?: unknown }, what: string, match: (p: LoggedPacket) => boolean): Promise<LoggedPacket> {
  const find = () => loggedPackets(log, options).find(match);
  const found = find();
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      const seen = loggedPackets(log, options).map((p) => `${p.direction} ${p.decoded.summary}`);
      reject(new Error(`No MQTT packet "${what}". Packets:\n${seen.join('\n')}\nLog:\n${describeLog(log)}`));
    }, 10_000);
    const sub = log.onDidAppend(() => {
      // After the append's listeners: the session may still be answering.
      setImmediate(() => {
        const p = find();
        if (!p) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(p);
      });
    });
  });
}
