// A connection's log as a pcapng capture: one synthesized TCP conversation (Ethernet/IPv4/TCP) carrying
// the bytes of the log, so Wireshark's dissectors read it. WebSocket logs carry the HTTP upgrade and each
// message re-encoded as a frame; TCP logs carry the data chunks as they were read and written.
// TLS connections are exported as the plaintext the inspector saw, on the target's port.
import { Direction, Kind, type LogEntry } from '../../../shared/logModel';
import { conversationAddresses, ipv4Bytes, type ConversationAddresses } from './conversationAddresses';
import { wireEntries, type ExportSource } from './exportSource';
import { headsOfHandshake, isRequestHead, isResponseHead, minimalHandshake, redactHead } from './httpHeads';
import { logPrologue, prologueText } from './logPrologue';
import {
  LINKTYPE_ETHERNET,
  enhancedPacketBlock,
  interfaceDescriptionBlock,
  microsecondsOf,
  sectionHeaderBlock,
} from './pcapngWriter';
import { TcpConversation, type SynthesizedPacket, type TcpEndpoint, type TcpSide } from './tcpSynthesis';
import { closePayload, encodeWebSocketFrame, maskKeyFor, opcodeOfKind } from './wsFrameEncoding';

/** Snap length announced: larger than any packet made here (65535 + 14). */
const SNAP_LENGTH = 262_144;
/** Locally administered MAC addresses: the capture was never on a real link. */
const CLIENT_MAC = new Uint8Array([0x02, 0, 0, 0, 0, 0x01]);
const SERVER_MAC = new Uint8Array([0x02, 0, 0, 0, 0, 0x02]);
/** Initial sequence numbers: fixed, so the same log always exports the same bytes. */
const ISN = { client: 0x1000_0000, server: 0x2000_0000 };

export interface PcapngOptions {
  /** Recorded as the writing application (shb_userappl). */
  readonly application?: string;
}

function endpoint(address: ConversationAddresses['client'], mac: Uint8Array): TcpEndpoint {
  return { ip: ipv4Bytes(address.ip), port: address.port, mac };
}

function text(entry: LogEntry): string {
  return Buffer.from(entry.payload.buffer, entry.payload.byteOffset, entry.payload.byteLength).toString('utf8');
}

/** The addresses the capture of `source` uses (for callers that filter or decode it). */
export function pcapngAddresses(source: ExportSource): ConversationAddresses {
  return conversationAddresses(source.kind, source.target, prologueText(logPrologue(source).open), source.clientAddress);
}

/** The pcapng file of `source`, block by block (stream them to a file; never one big buffer). */
export function* pcapngChunks(source: ExportSource, options: PcapngOptions = {}): Generator<Uint8Array> {
  yield sectionHeaderBlock({ userAppl: options.application ?? 'Socket Inspector' });
  yield interfaceDescriptionBlock({
    linkType: LINKTYPE_ETHERNET,
    snapLength: SNAP_LENGTH,
    name: 'socket-inspector',
    description: `Synthesized by Socket Inspector from the log of ${source.target}`,
  });
  const addresses = pcapngAddresses(source);
  const tcp = new TcpConversation(endpoint(addresses.client, CLIENT_MAC), endpoint(addresses.server, SERVER_MAC), ISN);
  let lastUs = 0;
  // Wall times can step back (a clock adjustment between log segments); readers expect order.
  function* blocks(packets: SynthesizedPacket[]): Generator<Uint8Array> {
    for (const p of packets) {
      lastUs = Math.max(lastUs, microsecondsOf(p.time));
      yield enhancedPacketBlock(0, lastUs, p.bytes);
    }
  }

  let requestSent = false;
  let responseSent = false;
  const fallbackHeads = (): { request: Uint8Array; response?: Uint8Array } => {
    const fromInfo = source.handshake ? headsOfHandshake(source.handshake) : undefined;
    return fromInfo?.response ? fromInfo : minimalHandshake(source.target);
  };
  /** Sends whatever of the upgrade has not been sent yet, so frames always follow a 101. */
  const upgradeBefore = (time: number): SynthesizedPacket[] => {
    if (requestSent && responseSent) return [];
    const heads = fallbackHeads();
    const out: SynthesizedPacket[] = [];
    if (!requestSent) out.push(...tcp.send('client', redactHead(heads.request, source.redact), time));
    if (!responseSent && heads.response) out.push(...tcp.send('server', redactHead(heads.response, source.redact), time));
    requestSent = responseSent = true;
    return out;
  };

  // The end the log was recorded at sends its Out entries, its FINs and its resets.
  const us: TcpSide = source.end ?? 'client';
  const them: TcpSide = us === 'client' ? 'server' : 'client';
  let lastWasClosed = false;
  let closedTime = 0;
  let resetByPeer = false;
  for (const e of wireEntries(source)) {
    const time = e.wallTime;
    lastWasClosed = false;
    if (e.direction === Direction.Meta) {
      switch (e.kind) {
        case Kind.Open:
          yield* blocks(tcp.open(time));
          break;
        case Kind.Handshake:
          if (source.kind !== 'ws') break;
          if (!requestSent && isRequestHead(e.payload)) {
            yield* blocks(tcp.send('client', redactHead(e.payload, source.redact), time));
            requestSent = true;
          } else if (!responseSent && isResponseHead(e.payload)) {
            // The request was evicted from the log: a response alone would not read as HTTP.
            if (!requestSent) yield* blocks(tcp.send('client', redactHead(fallbackHeads().request, source.redact), time));
            requestSent = true;
            yield* blocks(tcp.send('server', redactHead(e.payload, source.redact), time));
            responseSent = true;
          }
          break;
        case Kind.Error:
          resetByPeer = /^Connection reset by /.test(text(e));
          break;
        case Kind.Closed: {
          lastWasClosed = true;
          closedTime = time;
          if (source.kind !== 'tcp') break;
          const what = text(e);
          if (source.clientAddress !== undefined) {
            // A proxy pair's entries name the side: "The client half-closed (FIN received)…", "Closing:
            // FIN sent to the server" (on the client's behalf, so the client's FIN in this conversation).
            const halfClosed = /The (client|server) half-closed/.exec(what)?.[1] as TcpSide | undefined;
            const sentTo = /FIN sent to the (client|server)/.exec(what)?.[1] as TcpSide | undefined;
            const from = halfClosed ?? (sentTo && (sentTo === 'server' ? 'client' : 'server'));
            if (/\(RST\)/.test(what)) yield* blocks(tcp.reset('client', time));
            else if (from) yield* blocks(tcp.fin(from, time));
          } else if (/\(RST\)/.test(what)) yield* blocks(tcp.reset(us, time));
          else {
            if (/FIN received/.test(what)) yield* blocks(tcp.fin(them, time));
            if (/FIN sent/.test(what)) yield* blocks(tcp.fin(us, time));
          }
          break;
        }
        default:
          break;
      }
      continue;
    }
    const side: TcpSide = e.direction === Direction.Out ? us : them;
    if (source.kind === 'tcp') {
      yield* blocks(tcp.send(side, e.payload, time));
      continue;
    }
    const opcode = opcodeOfKind(e.kind);
    if (opcode === undefined) continue;
    yield* blocks(upgradeBefore(time));
    const payload = e.kind === Kind.Close ? closePayload(e.code, e.payload) : e.payload;
    const frame = encodeWebSocketFrame(opcode, payload, side === 'client' ? maskKeyFor(e.seq) : undefined);
    yield* blocks(tcp.send(side, frame, time));
  }

  // The log ends with its Closed entry once the connection is over: close what is still open.
  if (lastWasClosed && tcp.established && !tcp.ended) {
    if (resetByPeer) yield* blocks(tcp.reset(them, closedTime));
    else {
      // A WebSocket server closes the TCP connection first (RFC 6455 §7.1.1).
      const order: TcpSide[] = source.kind === 'ws' ? ['server', 'client'] : ['client', 'server'];
      for (const side of order) yield* blocks(tcp.fin(side, closedTime));
    }
  }
}
