// What the panel's Frames tab asks of a connection: an entry's wire frames, shaped for the webview.
// Connections that record no frames (TCP, a session file's recording) answer "not available".
import { MAX_FRAMES_PER_ENTRY, anomalyNames, type FramesResult, type WireFrameInfo } from '../../shared/wireFrames';
import type { Connection, WebSocketConnection } from '../core/connection/connectionTypes';
import type { WireFrame } from '../core/wireFrames/wireFrameStore';

/** The connection as one that records wire frames, or undefined. */
export function frameRecorder(connection: Connection): WebSocketConnection | undefined {
  const c = connection as Partial<WebSocketConnection>;
  return connection.kind === 'ws' && c.wireFrames !== undefined ? (connection as WebSocketConnection) : undefined;
}

function toInfo(f: WireFrame): WireFrameInfo {
  return {
    index: f.index,
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
    wallTime: f.wallTime,
    anomalies: anomalyNames(f.anomalies),
  };
}

/** The wire frames of entry `seq` (at most MAX_FRAMES_PER_ENTRY of them) and their totals. */
export function framesResult(connection: Connection, seq: number): FramesResult {
  const recorder = frameRecorder(connection);
  const messageLength = connection.log.length(seq);
  if (!recorder) return { seq, available: false, frames: [], total: 0, wireBytes: 0, messageLength, deflate: false };
  const { frames, total, wireBytes } = recorder.wireFrames.collect(seq, MAX_FRAMES_PER_ENTRY);
  return {
    seq,
    available: true,
    frames: frames.map(toInfo),
    total,
    wireBytes,
    messageLength,
    deflate: recorder.extensions.includes('permessage-deflate'),
  };
}
