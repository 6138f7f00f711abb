// What the panel's Frames tab asks of a connection: an entry's wire frames, shaped for the webview.
// Connections that record no frames (TCP, a session file's recording) answer "not available".
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

function toInfo(f: WireFrame, leg?: 'client' | 'upstream'): WireFrameInfo {
  return {
    index: f.index,
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
    wallTime: f.wallTime,
    anomalies: anomalyNames(f.anomalies),
  };
}

/** The wire frames of entry `seq` (at most MAX_FRAMES_PER_ENTRY of them) and their totals. */
export function framesResult(connection: Connection, seq: number): FramesResult {
  const recorder = frameRecorder(connection);
  const messageLength = connection.log.length(seq);
  if (!recorder) return { seq, available: false, frames: [], total: 0, wireBytes: 0, messageLength, deflate: false };
  const upstream = recorder.wireFrames.collect(seq, MAX_FRAMES_PER_ENTRY);
  const clientLeg = clientLegOf(recorder);
  // A proxy pair: both legs' frames, each tagged with its leg, in the order they were seen (the upstream
  // leg first at the same instant); the totals count both legs.
  const client = clientLeg?.collect(seq, MAX_FRAMES_PER_ENTRY);
  const frames = client
    ? [...client.frames.map((f) => ({ f, leg: 'client' as const })), ...upstream.frames.map((f) => ({ f, leg: 'upstream' as const }))]
        .sort((a, b) => a.f.monoTime - b.f.monoTime || (a.leg === b.leg ? a.f.index - b.f.index : a.leg === 'upstream' ? -1 : 1))
        .slice(0, MAX_FRAMES_PER_ENTRY)
        .map(({ f, leg }) => toInfo(f, leg))
    : upstream.frames.map((f) => toInfo(f));
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
