// What the panel's Frames tab asks of a connection: an entry's wire frames, shaped for the webview.
// Connections that record no frames (TCP, a session file's recording) answer "not available".
import { Direction } from '../../shared/logModel';
import { MAX_FRAMES_PER_ENTRY, anomalyNames, type FramesResult, type WireFrameInfo } from '../../shared/wireFrames';
import type { Connection, WebSocketConnection } from '../core/connection/connectionTypes';
import { WireFrameStore, type WireFrame } from '../core/wireFrames/wireFrameStore';

/** The connection as one that records wire frames, or undefined. */
export function frameRecorder(connection: Connection): WebSocketConnection | undefined {
  const c = connection as Partial<WebSocketConnection>;
  return connection.kind === 'ws' && c.wireFrames !== undefined ? (connection as WebSocketConnection) : undefined;
}

/** A proxy pair's second recorder: its client leg's frames (the upstream leg's are `wireFrames`). */
function clientLegOf(connection: WebSocketConnection): WireFrameStore | undefined {
  const store = (connection as { clientWireFrames?: unknown }).clientWireFrames;
  return store instanceof WireFrameStore ? store : undefined;
}

type Leg = 'client' | 'upstream';

/**
 * `f` for the webview: `position` is its place among the entry's frames on its leg; its wall time is
 * `wallOffset` + its monotonic time, one clock for all the rows of an entry (see framesResult).
 */
function toInfo(f: WireFrame, position: number, wallOffset: number, leg?: Leg): WireFrameInfo {
  return {
    index: f.index,
    position,
    ...(leg ? { leg } : {}),
    direction: f.direction,
    fin: f.fin,
    rsv1: f.rsv1,
    rsv2: f.rsv2,
    rsv3: f.rsv3,
    opcode: f.opcode,
    masked: f.masked,
    ...(f.masked ? { maskKey: f.maskKey.toString(16).padStart(8, '0') } : {}),
    payloadLength: f.payloadLength,
    ...(f.payloadLength > Number.MAX_SAFE_INTEGER ? { payloadLengthText: f.payloadLengthExact.toString() } : {}),
    headerLength: f.headerLength,
    wallTime: Number.isNaN(wallOffset) ? f.wallTime : wallOffset + f.monoTime,
    anomalies: anomalyNames(f.anomalies),
  };
}

/**
 * A proxy pair's two legs as one timeline, at most `limit` rows: by capture time, and at the same time
 * the leg the message came in on before the one it went out on. Each leg's list is in wire order
 * already, so this is one merge pass.
 */
function mergeLegs(
  first: readonly WireFrame[],
  firstLeg: Leg,
  second: readonly WireFrame[],
  secondLeg: Leg,
  wallOffset: number,
  limit: number,
): WireFrameInfo[] {
  const rows: WireFrameInfo[] = [];
  let i = 0;
  let j = 0;
  while (rows.length < limit && (i < first.length || j < second.length)) {
    if (j >= second.length || (i < first.length && first[i]!.monoTime <= second[j]!.monoTime)) {
      rows.push(toInfo(first[i]!, i, wallOffset, firstLeg));
      i++;
    } else {
      rows.push(toInfo(second[j]!, j, wallOffset, secondLeg));
      j++;
    }
  }
  return rows;
}

/** The wire frames of entry `seq` (at most MAX_FRAMES_PER_ENTRY of them) and their totals. */
export function framesResult(connection: Connection, seq: number): FramesResult {
  const recorder = frameRecorder(connection);
  const messageLength = connection.log.length(seq);
  if (!recorder) return { seq, available: false, frames: [], total: 0, wireBytes: 0, messageLength, deflate: false };
  const upstream = recorder.wireFrames.collect(seq, MAX_FRAMES_PER_ENTRY);
  const clientLeg = clientLegOf(recorder);
  // Every row on the entry's clock: each store turns monotonic time into wall time with the offset of the
  // moment its segment opened, and two such offsets can differ by a millisecond or more (Date.now() is
  // whole milliseconds, and the two clocks drift apart), which would make the Time column disagree with
  // the row order.
  const wallOffset = connection.log.wallTime(seq) - connection.log.monoTime(seq);
  const client = clientLeg?.collect(seq, MAX_FRAMES_PER_ENTRY);
  // A proxy pair: both legs' frames, each tagged with its leg. A client's message (Out on both legs) came
  // in on the client leg and went out upstream; a server's (In) the other way round.
  const clientFirst = (client?.frames[0] ?? upstream.frames[0])?.direction === Direction.Out;
  const frames = !client
    ? upstream.frames.map((f, i) => toInfo(f, i, wallOffset))
    : clientFirst
      ? mergeLegs(client.frames, 'client', upstream.frames, 'upstream', wallOffset, MAX_FRAMES_PER_ENTRY)
      : mergeLegs(upstream.frames, 'upstream', client.frames, 'client', wallOffset, MAX_FRAMES_PER_ENTRY);
  return {
    seq,
    available: true,
    frames,
    total: upstream.total + (client?.total ?? 0),
    wireBytes: upstream.wireBytes + (client?.wireBytes ?? 0),
    messageLength,
    deflate: recorder.extensions.includes('permessage-deflate'),
  };
}
