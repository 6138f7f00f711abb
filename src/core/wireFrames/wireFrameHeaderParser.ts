// An incremental parser of WebSocket frame headers (RFC 6455 §5.2) for one direction of one connection.
// Bytes go in as they were read or written, cut anywhere; each header is reported the moment its last
// byte arrives, and payload bytes are skipped by count, never buffered: a frame announcing 2^63 bytes
// costs nothing but a counter. Nothing a peer sends makes it throw; what breaks the protocol is
// reported as anomaly bits on the frame (shared/wireFrames.ts).
import { FrameAnomaly, isControlOpcode } from '../../../shared/wireFrames';

/** A parsed header. The parser reuses one object: read it inside the callback, do not keep it. */
export interface ParsedWireFrameHeader {
  /** The first header byte as sent: FIN, RSV1-3 and the opcode. */
  b0: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  /** The masking key, big-endian as on the wire; 0 when not masked. */
  maskKey: number;
  /** High and low 32 bits of the payload length. */
  lengthHigh: number;
  lengthLow: number;
  /** Bytes of the header: 2 to 14. */
  headerLength: number;
  /** FrameAnomaly bits. */
  anomalies: number;
}

/** Which side wrote the bytes: client frames must be masked, server frames must not. */
export type WireFrameSender = 'client' | 'server';

export interface WireFrameHeaderParserOptions {
  readonly sender: WireFrameSender;
  /** Whether an extension that defines RSV1 (permessage-deflate) was negotiated; asked per frame. */
  readonly rsv1Allowed: () => boolean;
  readonly onHeader: (header: ParsedWireFrameHeader) => void;
  /**
   * Given, a server's plain frame (FIN, no RSV bit, text or binary, unmasked, 7-bit length, outside a
   * fragmented message: nothing anomalous) is reported here instead of through onHeader, from its two
   * bytes without a field-by-field parse: most frames of a flood.
   */
  readonly onPlainFrame?: (b0: number, length: number) => void;
}

const TWO_32 = 2 ** 32;
/** Lengths whose high word is at least this are beyond 2^53 and cannot be counted down exactly. */
const UNSAFE_HIGH = 2 ** 21;

/** Parses the frame headers of one byte stream; payloads are skipped. */
export class WireFrameHeaderParser {
  private readonly header = new Uint8Array(14);
  /** Header bytes collected so far. */
  private have = 0;
  /** Header bytes needed: 2 until the second byte tells the rest. */
  private need = 2;
  /** Payload bytes still to skip; Infinity after a length too large to count down exactly. */
  private skip = 0;
  /** A fragmented data message is in progress (its first frame had FIN clear). */
  private inMessage = false;
  private readonly out: ParsedWireFrameHeader = {
    b0: 0,
    fin: false,
    rsv1: false,
    rsv2: false,
    rsv3: false,
    opcode: 0,
    masked: false,
    maskKey: 0,
    lengthHigh: 0,
    lengthLow: 0,
    headerLength: 0,
    anomalies: 0,
  };

  private readonly onPlain: ((b0: number, length: number) => void) | undefined;

  constructor(private readonly options: WireFrameHeaderParserOptions) {
    // Unmasked is right only for a server's frames.
    this.onPlain = options.sender === 'server' ? options.onPlainFrame : undefined;
  }

  /** Whether the stream is between frames (no header or payload half read). */
  get atBoundary(): boolean {
    return this.have === 0 && this.skip === 0;
  }

  /** Bytes until the current frame ends: 0 between frames, -1 inside a header (or a frame too long to count). */
  get bytesToBoundary(): number {
    return this.have !== 0 || this.skip === Infinity ? -1 : this.skip;
  }

  /** Feeds bytes in stream order. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, n - i);
        this.skip -= take;
        i += take;
        continue;
      }
      const onPlain = this.onPlain;
      if (onPlain !== undefined && this.have === 0 && i + 1 < n && !this.inMessage) {
        const b0 = chunk[i]!;
        const b1 = chunk[i + 1]!;
        if ((b0 === 0x81 || b0 === 0x82) && b1 < 126) {
          i += 2;
          this.skip = b1;
          onPlain(b0, b1);
          continue;
        }
      }
      // At most 14 bytes: a loop, not a view and a set() per header (the tap sees every frame of a flood).
      const want = Math.min(this.need - this.have, n - i);
      const header = this.header;
      for (let k = 0; k < want; k++) header[this.have + k] = chunk[i + k]!;
      this.have += want;
      i += want;
      if (this.have === 2 && this.need === 2) {
        const b1 = this.header[1]!;
        const len7 = b1 & 0x7f;
        this.need = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
      }
      if (this.have === this.need) this.finishHeader();
    }
  }

  private finishHeader(): void {
    const h = this.header;
    const o = this.out;
    const b0 = h[0]!;
    const b1 = h[1]!;
    const len7 = b1 & 0x7f;
    let at = 2;
    let high = 0;
    let low = len7;
    let anomalies = 0;
    if (len7 === 126) {
      low = (h[2]! << 8) | h[3]!;
      at = 4;
      if (low < 126) anomalies |= FrameAnomaly.NonMinimalLength;
    } else if (len7 === 127) {
      high = ((h[2]! << 24) | (h[3]! << 16) | (h[4]! << 8) | h[5]!) >>> 0;
      low = ((h[6]! << 24) | (h[7]! << 16) | (h[8]! << 8) | h[9]!) >>> 0;
      at = 10;
      if (high >= 0x80000000) anomalies |= FrameAnomaly.LengthHighBit;
      if (high === 0 && low < 65536) anomalies |= FrameAnomaly.NonMinimalLength;
    }
    const masked = (b1 & 0x80) !== 0;
    const maskKey = masked ? ((h[at]! << 24) | (h[at + 1]! << 16) | (h[at + 2]! << 8) | h[at + 3]!) >>> 0 : 0;

    const fin = (b0 & 0x80) !== 0;
    const rsv1 = (b0 & 0x40) !== 0;
    const rsv2 = (b0 & 0x20) !== 0;
    const rsv3 = (b0 & 0x10) !== 0;
    const opcode = b0 & 0x0f;
    const control = isControlOpcode(opcode);
    const known = opcode <= 0x2 || (control && opcode <= 0xa);
    if (!known) anomalies |= FrameAnomaly.BadOpcode;
    if (rsv2 || rsv3) anomalies |= FrameAnomaly.ReservedBits;
    if (rsv1) {
      if (!this.options.rsv1Allowed()) anomalies |= FrameAnomaly.ReservedBits;
      else if (opcode === 0x0 || control) anomalies |= FrameAnomaly.MisplacedRsv1;
    }
    if (this.options.sender === 'client' ? !masked : masked) {
      anomalies |= this.options.sender === 'client' ? FrameAnomaly.UnmaskedClientFrame : FrameAnomaly.MaskedServerFrame;
    }
    if (control) {
      if (!fin) anomalies |= FrameAnomaly.FragmentedControl;
      if (high !== 0 || low > 125) anomalies |= FrameAnomaly.ControlTooLong;
      if (opcode === 0x8 && high === 0 && low === 1) anomalies |= FrameAnomaly.CloseLengthOne;
    } else if (known) {
      // Fragmentation state: a data message runs from a text/binary frame to the continuation with FIN.
      if (opcode === 0x0) {
        if (!this.inMessage) anomalies |= FrameAnomaly.UnexpectedContinuation;
        else if (fin) this.inMessage = false;
      } else {
        if (this.inMessage) anomalies |= FrameAnomaly.MissingContinuation;
        this.inMessage = !fin;
      }
    }

    o.b0 = b0;
    o.fin = fin;
    o.rsv1 = rsv1;
    o.rsv2 = rsv2;
    o.rsv3 = rsv3;
    o.opcode = opcode;
    o.masked = masked;
    o.maskKey = maskKey;
    o.lengthHigh = high;
    o.lengthLow = low;
    o.headerLength = this.need;
    o.anomalies = anomalies;

    this.have = 0;
    this.need = 2;
    // Past 2^53 a count-down would be inexact; such a frame never ends in practice, so skip forever.
    this.skip = high >= UNSAFE_HIGH ? Infinity : high * TWO_32 + low;
    this.options.onHeader(o);
  }
}
