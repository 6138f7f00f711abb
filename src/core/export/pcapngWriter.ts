// The blocks of a pcapng file (draft-ietf-opsawg-pcapng): Section Header, Interface Description and
// Enhanced Packet blocks, little-endian (the byte-order magic tells readers), options padded to 32 bits.

/** LINKTYPE_ETHERNET: packets start with an Ethernet II header. */
export const LINKTYPE_ETHERNET = 1;

export const BlockType = {
  SectionHeader: 0x0a0d0d0a,
  InterfaceDescription: 0x00000001,
  EnhancedPacket: 0x00000006,
} as const;

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Option codes used here. */
const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_HARDWARE = 2;
const SHB_OS = 3;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;

/** Microseconds: the resolution the interface announces (if_tsresol 6, also the default). */
const TSRESOL_MICROSECONDS = 6;

const encoder = new TextEncoder();

function padded(n: number): number {
  return (n + 3) & ~3;
}

/** One option: code, length, value, zero padding to 32 bits. */
interface BlockOption {
  readonly code: number;
  readonly value: Uint8Array;
}

function textOption(code: number, text: string | undefined): BlockOption[] {
  return text ? [{ code, value: encoder.encode(text) }] : [];
}

function optionsLength(options: readonly BlockOption[]): number {
  if (options.length === 0) return 0;
  return options.reduce((n, o) => n + 4 + padded(o.value.length), 0) + 4;
}

function writeOptions(view: DataView, bytes: Uint8Array, at: number, options: readonly BlockOption[]): number {
  if (options.length === 0) return at;
  for (const o of options) {
    view.setUint16(at, o.code, true);
    view.setUint16(at + 2, o.value.length, true);
    bytes.set(o.value, at + 4);
    at += 4 + padded(o.value.length);
  }
  view.setUint16(at, OPT_ENDOFOPT, true);
  view.setUint16(at + 2, 0, true);
  return at + 4;
}

/** A block: type, total length, body, options, total length again. `body` writes the fixed fields. */
function block(
  type: number,
  bodyLength: number,
  options: readonly BlockOption[],
  body: (view: DataView, bytes: Uint8Array, at: number) => void,
): Uint8Array {
  const total = 8 + padded(bodyLength) + optionsLength(options) + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  body(view, bytes, 8);
  writeOptions(view, bytes, 8 + padded(bodyLength), options);
  view.setUint32(total - 4, total, true);
  return bytes;
}

/** The Section Header Block that starts a file: version 1.0, section length unknown (-1). */
export function sectionHeaderBlock(info: { userAppl?: string; os?: string; hardware?: string } = {}): Uint8Array {
  const options = [
    ...textOption(SHB_HARDWARE, info.hardware),
    ...textOption(SHB_OS, info.os),
    ...textOption(SHB_USERAPPL, info.userAppl),
  ];
  return block(BlockType.SectionHeader, 16, options, (view, _bytes, at) => {
    view.setUint32(at, BYTE_ORDER_MAGIC, true);
    view.setUint16(at + 4, 1, true);
    view.setUint16(at + 6, 0, true);
    // -1: the section length is not given (the file is written as a stream).
    view.setUint32(at + 8, 0xffffffff, true);
    view.setUint32(at + 12, 0xffffffff, true);
  });
}

/** An Interface Description Block with microsecond timestamps. */
export function interfaceDescriptionBlock(info: {
  linkType: number;
  snapLength: number;
  name?: string;
  description?: string;
}): Uint8Array {
  const options = [
    ...textOption(IF_NAME, info.name),
    ...textOption(IF_DESCRIPTION, info.description),
    { code: IF_TSRESOL, value: new Uint8Array([TSRESOL_MICROSECONDS]) },
  ];
  return block(BlockType.InterfaceDescription, 8, options, (view, _bytes, at) => {
    view.setUint16(at, info.linkType, true);
    view.setUint16(at + 2, 0, true);
    view.setUint32(at + 4, info.snapLength, true);
  });
}

/** Microseconds since the Unix epoch of a wall time in (fractional) milliseconds. */
export function microsecondsOf(wallTimeMs: number): number {
  return Math.max(0, Math.round(wallTimeMs * 1000));
}

/** An Enhanced Packet Block on interface `interfaceId`, stamped in microseconds, optionally with a comment. */
export function enhancedPacketBlock(interfaceId: number, timeUs: number, packet: Uint8Array, comment?: string): Uint8Array {
  const options = textOption(OPT_COMMENT, comment);
  return block(BlockType.EnhancedPacket, 20 + packet.length, options, (view, bytes, at) => {
    view.setUint32(at, interfaceId, true);
    // 64-bit timestamp as two 32-bit halves; microseconds since 1970 stay far below 2^53.
    view.setUint32(at + 4, Math.floor(timeUs / 0x1_0000_0000), true);
    view.setUint32(at + 8, timeUs % 0x1_0000_0000, true);
    view.setUint32(at + 12, packet.length, true);
    view.setUint32(at + 16, packet.length, true);
    bytes.set(packet, at + 20);
  });
}
