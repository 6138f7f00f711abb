// Reads back what the exporters write, written from the specifications and independently of the code
// under test: pcapng blocks (draft-ietf-opsawg-pcapng), Ethernet/IPv4/TCP headers (RFC 791, 793, 1071)
// and WebSocket frames (RFC 6455 §5.2). Throws on anything malformed, naming it.
import assert from 'node:assert/strict';

export interface PcapngBlock {
  readonly type: number;
  readonly offset: number;
  readonly body: Buffer;
}

export interface PcapngOption {
  readonly code: number;
  readonly value: Buffer;
}

/** Splits a pcapng file into blocks, checking both length fields and alignment of each. */
export function pcapngBlocks(file: Buffer): PcapngBlock[] {
  const blocks: PcapngBlock[] = [];
  let at = 0;
  while (at < file.length) {
    assert.ok(at + 12 <= file.length, `truncated block header at ${at}`);
    const type = file.readUInt32LE(at);
    const total = file.readUInt32LE(at + 4);
    assert.equal(total % 4, 0, `block at ${at}: length ${total} is not a multiple of 4`);
    assert.ok(total >= 12 && at + total <= file.length, `block at ${at}: length ${total} runs past the file`);
    assert.equal(file.readUInt32LE(at + total - 4), total, `block at ${at}: trailing length differs`);
    blocks.push({ type, offset: at, body: file.subarray(at + 8, at + total - 4) });
    at += total;
  }
  return blocks;
}

/** Options from `at` in a block body up to opt_endofopt. */
export function pcapngOptions(body: Buffer, at: number): PcapngOption[] {
  const out: PcapngOption[] = [];
  while (at + 4 <= body.length) {
    const code = body.readUInt16LE(at);
    const length = body.readUInt16LE(at + 2);
    if (code === 0) {
      assert.equal(length, 0, 'opt_endofopt with a length');
      return out;
    }
    out.push({ code, value: body.subarray(at + 4, at + 4 + length) });
    at += 4 + Math.ceil(length / 4) * 4;
  }
  assert.equal(at, body.length, 'options run past the block');
  return out;
}

export interface CapturedPacket {
  /** Microseconds since the epoch. */
  readonly timeUs: bigint;
  readonly data: Buffer;
}

/** Checks SHB and IDB and returns the packets of the EPBs. */
export function readPcapng(file: Buffer): { packets: CapturedPacket[]; linkType: number; tsresol: number; userAppl?: string } {
  const blocks = pcapngBlocks(file);
  const shb = blocks[0];
  assert.ok(shb, 'empty file');
  assert.equal(shb.type, 0x0a0d0d0a, 'the file does not start with a Section Header Block');
  assert.equal(shb.body.readUInt32LE(0), 0x1a2b3c4d, 'byte-order magic');
  assert.equal(shb.body.readUInt16LE(4), 1, 'major version');
  assert.equal(shb.body.readUInt16LE(6), 0, 'minor version');
  const userAppl = pcapngOptions(shb.body, 16).find((o) => o.code === 4)?.value.toString('utf8');
  const idb = blocks[1];
  assert.ok(idb && idb.type === 1, 'second block is not an Interface Description Block');
  const linkType = idb.body.readUInt16LE(0);
  const tsOption = pcapngOptions(idb.body, 8).find((o) => o.code === 9);
  const tsresol = tsOption ? tsOption.value[0]! : 6;
  const packets: CapturedPacket[] = [];
  for (const b of blocks.slice(2)) {
    assert.equal(b.type, 6, `block at ${b.offset} is not an Enhanced Packet Block`);
    assert.equal(b.body.readUInt32LE(0), 0, 'interface id');
    const timeUs = (BigInt(b.body.readUInt32LE(4)) << 32n) | BigInt(b.body.readUInt32LE(8));
    const captured = b.body.readUInt32LE(12);
    const original = b.body.readUInt32LE(16);
    assert.equal(captured, original, 'a packet was cut');
    assert.ok(20 + captured <= b.body.length, 'packet data runs past the block');
    packets.push({ timeUs, data: b.body.subarray(20, 20 + captured) });
  }
  return { packets, linkType, tsresol, ...(userAppl !== undefined ? { userAppl } : {}) };
}

/** RFC 1071 one's complement sum, written plainly. */
function onesComplementSum(parts: Buffer[]): number {
  const all = Buffer.concat(parts);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) {
    sum += (all[i]! << 8) + (i + 1 < all.length ? all[i + 1]! : 0);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return sum;
}

export interface TcpPacket {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: { syn: boolean; ack: boolean; fin: boolean; rst: boolean; psh: boolean };
  readonly window: number;
  readonly ipId: number;
  readonly payload: Buffer;
  readonly timeUs: bigint;
}

/** Parses an Ethernet/IPv4/TCP packet, verifying both checksums (a valid checksum sums to 0xffff). */
export function parseTcpPacket(p: CapturedPacket): TcpPacket {
  const d = p.data;
  assert.equal(d.readUInt16BE(12), 0x0800, 'EtherType is not IPv4');
  const ip = d.subarray(14);
  assert.equal(ip[0]! >> 4, 4, 'IP version');
  const ihl = (ip[0]! & 15) * 4;
  const total = ip.readUInt16BE(2);
  assert.equal(total, ip.length, 'IPv4 total length differs from the packet');
  assert.equal(ip[9], 6, 'protocol is not TCP');
  assert.equal(onesComplementSum([ip.subarray(0, ihl)]), 0xffff, 'IPv4 header checksum is wrong');
  const tcp = ip.subarray(ihl, total);
  const pseudo = Buffer.alloc(12);
  ip.copy(pseudo, 0, 12, 20);
  pseudo[9] = 6;
  pseudo.writeUInt16BE(tcp.length, 10);
  assert.equal(onesComplementSum([pseudo, tcp]), 0xffff, 'TCP checksum is wrong');
  const offset = (tcp[12]! >> 4) * 4;
  const f = tcp[13]!;
  const dotted = (b: Buffer) => [...b].join('.');
  return {
    src: dotted(ip.subarray(12, 16)),
    dst: dotted(ip.subarray(16, 20)),
    srcPort: tcp.readUInt16BE(0),
    dstPort: tcp.readUInt16BE(2),
    seq: tcp.readUInt32BE(4),
    ack: tcp.readUInt32BE(8),
    flags: { fin: !!(f & 1), syn: !!(f & 2), rst: !!(f & 4), psh: !!(f & 8), ack: !!(f & 16) },
    window: tcp.readUInt16BE(14),
    ipId: ip.readUInt16BE(4),
    payload: tcp.subarray(offset),
    timeUs: p.timeUs,
  };
}

/**
 * Follows a TCP conversation and checks it: handshake first, every segment's seq is where its side's
 * stream stands, every ACK acknowledges exactly what the other side has sent. Returns each side's bytes.
 */
export function followTcp(packets: TcpPacket[]): { client: Buffer; server: Buffer; clientFin: boolean; serverFin: boolean; reset: boolean; segments: TcpPacket[] } {
  assert.ok(packets.length >= 3, 'fewer packets than a handshake');
  const [syn, synAck, ack] = packets;
  assert.ok(syn!.flags.syn && !syn!.flags.ack, 'first packet is not a SYN');
  assert.ok(synAck!.flags.syn && synAck!.flags.ack, 'second packet is not a SYN-ACK');
  assert.ok(ack!.flags.ack && !ack!.flags.syn, 'third packet is not an ACK');
  const clientKey = `${syn!.src}:${syn!.srcPort}`;
  const next = { client: (syn!.seq + 1) >>> 0, server: (synAck!.seq + 1) >>> 0 };
  assert.equal(synAck!.ack, next.client, 'SYN-ACK does not acknowledge the SYN');
  const data = { client: [] as Buffer[], server: [] as Buffer[] };
  const fin = { client: false, server: false };
  let reset = false;
  const segments: TcpPacket[] = [];
  for (const p of packets.slice(2)) {
    assert.ok(!reset, 'a packet after RST');
    const side = `${p.src}:${p.srcPort}` === clientKey ? 'client' : 'server';
    const peer = side === 'client' ? 'server' : 'client';
    assert.ok(!p.flags.syn, 'SYN after the handshake');
    assert.equal(p.seq, next[side], `${side} seq ${p.seq} is not where its stream stands (${next[side]})`);
    assert.ok(p.flags.ack, `${side} packet without ACK`);
    assert.equal(p.ack, next[peer], `${side} ack ${p.ack} does not acknowledge what ${peer} sent (${next[peer]})`);
    if (p.payload.length > 0) {
      assert.ok(!fin[side], `${side} sends data after its FIN`);
      data[side].push(p.payload);
      segments.push(p);
    }
    next[side] = (next[side] + p.payload.length + (p.flags.fin ? 1 : 0)) >>> 0;
    if (p.flags.fin) fin[side] = true;
    if (p.flags.rst) reset = true;
  }
  return {
    client: Buffer.concat(data.client),
    server: Buffer.concat(data.server),
    clientFin: fin.client,
    serverFin: fin.server,
    reset,
    segments,
  };
}

export interface WsFrame {
  readonly fin: boolean;
  readonly rsv: number;
  readonly opcode: number;
  readonly masked: boolean;
  /** 7, 16 or 64: which length encoding the frame used. */
  readonly lengthBits: 7 | 16 | 64;
  /** Unmasked. */
  readonly payload: Buffer;
}

/** Splits a byte stream (after the HTTP head) into WebSocket frames. */
export function parseWsFrames(stream: Buffer): WsFrame[] {
  const frames: WsFrame[] = [];
  let at = 0;
  while (at < stream.length) {
    assert.ok(at + 2 <= stream.length, 'truncated frame header');
    const b0 = stream[at]!;
    const b1 = stream[at + 1]!;
    let length = b1 & 127;
    let lengthBits: 7 | 16 | 64 = 7;
    at += 2;
    if (length === 126) {
      length = stream.readUInt16BE(at);
      lengthBits = 16;
      at += 2;
      assert.ok(length >= 126, 'a 16-bit length for a short payload');
    } else if (length === 127) {
      const big = stream.readBigUInt64BE(at);
      assert.ok(big < 2n ** 53n && big > 0xffffn, 'a 64-bit length out of range or too short');
      length = Number(big);
      lengthBits = 64;
      at += 8;
    }
    const masked = (b1 & 128) !== 0;
    let key: Buffer | undefined;
    if (masked) {
      key = stream.subarray(at, at + 4);
      at += 4;
    }
    assert.ok(at + length <= stream.length, 'frame payload runs past the stream');
    const payload = Buffer.from(stream.subarray(at, at + length));
    if (key) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ key[i % 4]!;
    at += length;
    frames.push({ fin: (b0 & 128) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 15, masked, lengthBits, payload });
  }
  return frames;
}

/** The bytes after the first CRLFCRLF (the HTTP head), and the head itself. */
export function splitHttpHead(stream: Buffer): { head: string; rest: Buffer } {
  const end = stream.indexOf('\r\n\r\n');
  assert.ok(end >= 0, 'no complete HTTP head');
  return { head: stream.subarray(0, end + 4).toString('latin1'), rest: stream.subarray(end + 4) };
}
