// Synthesizes the Ethernet/IPv4/TCP packets of one TCP conversation around bytes we logged, so a capture
// reader sees a well-formed stream: three-way handshake, data segments with consistent sequence and
// acknowledgment numbers, an ACK for each segment, FIN or RST at the end.
//
// Both checksums are computed, not left zero: Wireshark does not check them by default, but other
// readers (and Wireshark with checksum validation on) would flag zeros as errors.

/** One end of the conversation. */
export interface TcpEndpoint {
  /** IPv4 address, 4 bytes. */
  readonly ip: Uint8Array;
  readonly port: number;
  /** MAC address, 6 bytes. */
  readonly mac: Uint8Array;
}

/** A packet with the time it is stamped with (ms since the Unix epoch). */
export interface SynthesizedPacket {
  readonly time: number;
  /** The whole Ethernet frame. */
  readonly bytes: Uint8Array;
}

export type TcpSide = 'client' | 'server';

/** Largest segment payload: 65535 (the largest IPv4 packet) less the IPv4 and TCP headers, as on loopback. */
export const MAX_SEGMENT_PAYLOAD = 65_495;

const ETHERNET_HEADER = 14;
const IPV4_HEADER = 20;
const TCP_HEADER = 20;
const ETHERTYPE_IPV4 = 0x0800;
const PROTOCOL_TCP = 6;
const TTL = 64;
/** Without window scaling this is the most a window can say; one segment in flight always fits. */
const WINDOW = 65_535;

export const TcpFlags = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** The fields of one TCP segment. */
export interface TcpSegment {
  readonly from: TcpEndpoint;
  readonly to: TcpEndpoint;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  /** IPv4 identification. */
  readonly id: number;
  readonly payload?: Uint8Array;
  /** TCP options, a multiple of 4 bytes. */
  readonly options?: Uint8Array;
}

/** Adds 16-bit big-endian words of `bytes` to `sum` (odd length: the last byte padded with zero). */
function addWords(sum: number, bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  // No folding needed on the way: a 64 KiB packet sums to below 2^32, far inside a double's exact range.
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The Internet checksum (RFC 1071) of bytes[start, end), plus `initial` (a partial sum). */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return ~fold(addWords(initial, bytes, start, end)) & 0xffff;
}

/** One Ethernet frame holding an IPv4 packet holding the TCP segment, both checksums filled in. */
export function encodeTcpPacket(segment: TcpSegment): Uint8Array {
  const payload = segment.payload ?? new Uint8Array(0);
  const options = segment.options ?? new Uint8Array(0);
  if (options.length % 4 !== 0) throw new RangeError('TCP options must be a multiple of 4 bytes');
  const tcpLength = TCP_HEADER + options.length + payload.length;
  const ipLength = IPV4_HEADER + tcpLength;
  if (ipLength > 0xffff) throw new RangeError(`An IPv4 packet holds at most 65535 bytes, not ${ipLength}`);
  const frame = new Uint8Array(ETHERNET_HEADER + ipLength);
  const view = new DataView(frame.buffer);

  frame.set(segment.to.mac, 0);
  frame.set(segment.from.mac, 6);
  view.setUint16(12, ETHERTYPE_IPV4);

  const ip = ETHERNET_HEADER;
  frame[ip] = 0x45; // version 4, header of 5 words
  view.setUint16(ip + 2, ipLength);
  view.setUint16(ip + 4, segment.id & 0xffff);
  view.setUint16(ip + 6, 0x4000); // don't fragment
  frame[ip + 8] = TTL;
  frame[ip + 9] = PROTOCOL_TCP;
  frame.set(segment.from.ip, ip + 12);
  frame.set(segment.to.ip, ip + 16);
  view.setUint16(ip + 10, internetChecksum(frame, ip, ip + IPV4_HEADER));

  const tcp = ip + IPV4_HEADER;
  view.setUint16(tcp, segment.from.port);
  view.setUint16(tcp + 2, segment.to.port);
  view.setUint32(tcp + 4, segment.seq >>> 0);
  view.setUint32(tcp + 8, segment.flags & TcpFlags.ACK ? segment.ack >>> 0 : 0);
  frame[tcp + 12] = ((TCP_HEADER + options.length) / 4) << 4;
  frame[tcp + 13] = segment.flags;
  view.setUint16(tcp + 14, WINDOW);
  frame.set(options, tcp + TCP_HEADER);
  frame.set(payload, tcp + TCP_HEADER + options.length);
  // Pseudo header: source, destination, zero + protocol, TCP length.
  let pseudo = addWords(0, frame, ip + 12, ip + 20);
  pseudo += PROTOCOL_TCP + tcpLength;
  view.setUint16(tcp + 16, internetChecksum(frame, tcp, frame.length, pseudo));
  return frame;
}

/** MSS option announcing MAX_SEGMENT_PAYLOAD, as Linux does on loopback. */
const MSS_OPTION = new Uint8Array([2, 4, MAX_SEGMENT_PAYLOAD >> 8, MAX_SEGMENT_PAYLOAD & 0xff]);

interface SideState {
  readonly endpoint: TcpEndpoint;
  /** Next sequence number this side sends. */
  next: number;
  /** IPv4 identification of its next packet. */
  id: number;
  finished: boolean;
}

/**
 * One TCP conversation, packet by packet. Each call returns the packets it makes (data, and the
 * peer's ACK for each segment), so a caller can stream them out.
 */
export class TcpConversation {
  private readonly sides: Record<TcpSide, SideState>;
  private state: 'new' | 'established' | 'reset' = 'new';

  constructor(client: TcpEndpoint, server: TcpEndpoint, isn: { client: number; server: number }) {
    this.sides = {
      client: { endpoint: client, next: isn.client >>> 0, id: 1, finished: false },
      server: { endpoint: server, next: isn.server >>> 0, id: 1, finished: false },
    };
  }

  get established(): boolean {
    return this.state === 'established';
  }

  /** Whether the conversation is over on both sides (or reset). */
  get ended(): boolean {
    return this.state === 'reset' || (this.sides.client.finished && this.sides.server.finished);
  }

  /** Next sequence number of a side (for tests). */
  nextSeq(side: TcpSide): number {
    return this.sides[side].next;
  }

  private packet(side: TcpSide, time: number, flags: number, payload?: Uint8Array, options?: Uint8Array): SynthesizedPacket {
    const from = this.sides[side];
    const to = this.sides[side === 'client' ? 'server' : 'client'];
    const bytes = encodeTcpPacket({
      from: from.endpoint,
      to: to.endpoint,
      seq: from.next,
      ack: to.next,
      flags,
      id: from.id,
      ...(payload ? { payload } : {}),
      ...(options ? { options } : {}),
    });
    from.id = (from.id + 1) & 0xffff;
    return { time, bytes };
  }

  /** SYN, SYN-ACK, ACK; nothing if already open. */
  open(time: number): SynthesizedPacket[] {
    if (this.state !== 'new') return [];
    const out = [this.packet('client', time, TcpFlags.SYN, undefined, MSS_OPTION)];
    this.sides.client.next = (this.sides.client.next + 1) >>> 0;
    out.push(this.packet('server', time, TcpFlags.SYN | TcpFlags.ACK, undefined, MSS_OPTION));
    this.sides.server.next = (this.sides.server.next + 1) >>> 0;
    out.push(this.packet('client', time, TcpFlags.ACK));
    this.state = 'established';
    return out;
  }

  /** Data from `side`, in segments of at most MAX_SEGMENT_PAYLOAD bytes, each acknowledged by the peer. */
  send(side: TcpSide, bytes: Uint8Array, time: number): SynthesizedPacket[] {
    const out = this.open(time);
    if (this.state !== 'established' || bytes.length === 0) return out;
    const peer: TcpSide = side === 'client' ? 'server' : 'client';
    for (let start = 0; start < bytes.length; start += MAX_SEGMENT_PAYLOAD) {
      const chunk = bytes.subarray(start, Math.min(bytes.length, start + MAX_SEGMENT_PAYLOAD));
      out.push(this.packet(side, time, TcpFlags.PSH | TcpFlags.ACK, chunk));
      this.sides[side].next = (this.sides[side].next + chunk.length) >>> 0;
      out.push(this.packet(peer, time, TcpFlags.ACK));
    }
    return out;
  }

  /** FIN from `side`, acknowledged by the peer; nothing if that side already sent one. */
  fin(side: TcpSide, time: number): SynthesizedPacket[] {
    if (this.state !== 'established' || this.sides[side].finished) return [];
    const out = [this.packet(side, time, TcpFlags.FIN | TcpFlags.ACK)];
    this.sides[side].next = (this.sides[side].next + 1) >>> 0;
    this.sides[side].finished = true;
    out.push(this.packet(side === 'client' ? 'server' : 'client', time, TcpFlags.ACK));
    return out;
  }

  /** RST from `side`; the conversation is over. */
  reset(side: TcpSide, time: number): SynthesizedPacket[] {
    if (this.state !== 'established') return [];
    const out = [this.packet(side, time, TcpFlags.RST | TcpFlags.ACK)];
    this.state = 'reset';
    return out;
  }
}
