// The vocabulary of WebSocket frames as they crossed the wire (RFC 6455 §5.2), shared by the frame
// parser in the engine, the host that answers `getFrames`, and the webview's Frames tab.

/** Most frames one message may be cut into (the composer's Frames field). */
export const MAX_FRAGMENTS = 10_000;
/** Most frames of one entry the host sends the webview; the rest are counted in `total`. */
export const MAX_FRAMES_PER_ENTRY = 2000;

/** Protocol anomalies a frame header can show; a frame carries them as a bit set. */
export const FrameAnomaly = {
  /** A reserved opcode (0x3-0x7, 0xB-0xF). */
  BadOpcode: 1 << 0,
  /** RSV2 or RSV3 set, or RSV1 without a negotiated extension that defines it. */
  ReservedBits: 1 << 1,
  /** RSV1 on a continuation or control frame: permessage-deflate allows it only on a message's first frame. */
  MisplacedRsv1: 1 << 2,
  /** A control frame with FIN clear (control frames must not be fragmented). */
  FragmentedControl: 1 << 3,
  /** A control frame with more than 125 bytes of payload. */
  ControlTooLong: 1 << 4,
  /** A client-to-server frame without a mask. */
  UnmaskedClientFrame: 1 << 5,
  /** A server-to-client frame with a mask. */
  MaskedServerFrame: 1 << 6,
  /** A continuation frame with no fragmented message in progress. */
  UnexpectedContinuation: 1 << 7,
  /** A new text or binary frame while a fragmented message is unfinished. */
  MissingContinuation: 1 << 8,
  /** The length used a longer encoding than needed (RFC 6455 requires the minimal one). */
  NonMinimalLength: 1 << 9,
  /** A 64-bit length with its most significant bit set. */
  LengthHighBit: 1 << 10,
  /** A close frame with a 1-byte payload (a status code takes two). */
  CloseLengthOne: 1 << 11,
} as const;
export type FrameAnomalyName = keyof typeof FrameAnomaly;

/** Anomalies a conforming endpoint fails the connection for; a frame showing one belongs to no message. */
export const FATAL_ANOMALIES = Object.values(FrameAnomaly).reduce((a, b) => a | b, 0) & ~FrameAnomaly.NonMinimalLength;

/** What each anomaly means, for a person. */
export const ANOMALY_TEXT: Readonly<Record<FrameAnomalyName, string>> = {
  BadOpcode: 'reserved opcode',
  ReservedBits: 'RSV bit set without an extension that defines it',
  MisplacedRsv1: 'RSV1 on a continuation or control frame',
  FragmentedControl: 'control frame without FIN',
  ControlTooLong: 'control frame payload over 125 bytes',
  UnmaskedClientFrame: 'client frame not masked',
  MaskedServerFrame: 'server frame masked',
  UnexpectedContinuation: 'continuation without a message to continue',
  MissingContinuation: 'new message before the fragmented one ended',
  NonMinimalLength: 'length not in its shortest encoding',
  LengthHighBit: '64-bit length with the top bit set',
  CloseLengthOne: 'close frame with a 1-byte payload',
};

/** The names of the anomalies set in `bits`, in bit order. */
export function anomalyNames(bits: number): FrameAnomalyName[] {
  const names: FrameAnomalyName[] = [];
  for (const [name, bit] of Object.entries(FrameAnomaly) as Array<[FrameAnomalyName, number]>) {
    if (bits & bit) names.push(name);
  }
  return names;
}

const OPCODE_NAMES: Readonly<Record<number, string>> = {
  0x0: 'continuation',
  0x1: 'text',
  0x2: 'binary',
  0x8: 'close',
  0x9: 'ping',
  0xa: 'pong',
};

/** The RFC name of an opcode, or "reserved 0xN". */
export function opcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? `reserved 0x${opcode.toString(16).toUpperCase()}`;
}

/** Whether an opcode is a control opcode (close, ping, pong and the reserved 0xB-0xF). */
export function isControlOpcode(opcode: number): boolean {
  return opcode >= 0x8;
}

/** One frame as the webview gets it. */
export interface WireFrameInfo {
  /** Position among all frames of the connection (of its leg, in a proxy), both directions, in the order they were seen. */
  readonly index: number;
  /**
   * Position among the entry's frames on its leg, from 0 (the message's first frame): the Frames tab's
   * `#`. Unlike `index` it does not depend on what crossed the connection meanwhile.
   */
  readonly position: number;
  /** A proxy pair's leg the frame crossed: client↔proxy or proxy↔upstream (absent elsewhere). */
  readonly leg?: 'client' | 'upstream';
  /** 0 received, 1 sent (Direction.In / Direction.Out). */
  readonly direction: number;
  readonly fin: boolean;
  readonly rsv1: boolean;
  readonly rsv2: boolean;
  readonly rsv3: boolean;
  readonly opcode: number;
  readonly masked: boolean;
  /** The masking key as 8 hex digits, when masked. */
  readonly maskKey?: string;
  /** Payload length on the wire (compressed, when compressed); exact up to 2^53. */
  readonly payloadLength: number;
  /** The exact length in decimal when it is beyond 2^53 (only a broken or hostile peer sends that). */
  readonly payloadLengthText?: string;
  /** Bytes of the header: 2 to 14. */
  readonly headerLength: number;
  /** When the header was seen, ms since the Unix epoch. */
  readonly wallTime: number;
  /** Names of the protocol anomalies this header shows. */
  readonly anomalies: readonly FrameAnomalyName[];
}

/** The wire frames of one log entry. */
export interface FramesResult {
  readonly seq: number;
  /** Whether this connection records frames (false for TCP and for recorded sessions). */
  readonly available: boolean;
  /**
   * The entry's frames in wire order, at most a few thousand (see `total`). A proxy pair's two legs make
   * one timeline: by capture time, the leg the message came in on first at the same time.
   */
  readonly frames: readonly WireFrameInfo[];
  /** How many frames of the entry are retained. */
  readonly total: number;
  /** Sum of the retained frames' payload lengths on the wire. */
  readonly wireBytes: number;
  /** Length of the message as logged (reassembled and decompressed). */
  readonly messageLength: number;
  /** permessage-deflate was negotiated, so RSV1 on a message's first frame means "compressed". */
  readonly deflate: boolean;
}
