// Our own STOMP 1.0-1.2 frame parser. The grammar (STOMP 1.2 §"Augmented BNF"):
//   frame  = command EOL *( header EOL ) EOL *OCTET NULL *( EOL )
//   header = header-name ":" header-value        EOL = [CR] LF
// with content-length (first occurrence) fixing the body's length, else the body ends at the first NUL,
// and bare EOLs between frames as heart-beats. One WebSocket message may hold several frames and one
// frame may be split over several messages: parseStomp says how far it got and where a frame is cut.
// It never throws: malformed input stops with an error naming its byte offset, and the items before it.
import { usesHeaderEscapes, type StompHeader, type StompVersion } from './stompFrame';
import { readHeaderText } from './stompHeaderEscapes';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const COLON = 0x3a;

/** Bounds that keep a hostile or broken peer from making the parser hold or build too much. */
export interface StompLimits {
  /** Most bytes of the command line. */
  readonly maxCommandBytes: number;
  /** Most headers in one frame. */
  readonly maxHeaders: number;
  /** Most bytes of one header line. */
  readonly maxHeaderBytes: number;
  /** Most bytes of one body. */
  readonly maxBodyBytes: number;
}

export const DEFAULT_STOMP_LIMITS: StompLimits = {
  maxCommandBytes: 64,
  maxHeaders: 1000,
  maxHeaderBytes: 64 * 1024,
  maxBodyBytes: 100 * 1024 * 1024,
};

/** One header line as parsed: name and value unescaped, and where its line lies. */
export interface ParsedHeader {
  readonly name: string;
  readonly value: string;
  /** Byte offset of the line and its length without the EOL. */
  readonly offset: number;
  readonly length: number;
}

/** A complete frame. `body` is a view into the bytes given: read it before they change. */
export interface ParsedFrame {
  readonly type: 'frame';
  readonly command: string;
  readonly headers: readonly ParsedHeader[];
  readonly body: Uint8Array;
  /** Byte offsets: the frame's first byte, its body, and just after its NUL. */
  readonly offset: number;
  readonly bodyOffset: number;
  readonly end: number;
  /** EOLs right after the NUL (part of the frame by the grammar). */
  readonly trailingEols: number;
  /** Whether the lines ended in CR LF. */
  readonly crlf: boolean;
}

/** Bare EOLs between frames: heart-beats. */
export interface ParsedHeartBeat {
  readonly type: 'heart-beat';
  readonly offset: number;
  readonly length: number;
  /** How many EOLs. */
  readonly count: number;
}

export type StompItem = ParsedFrame | ParsedHeartBeat;

/** Where and why parsing stopped on malformed input. */
export interface StompParseError {
  readonly offset: number;
  readonly message: string;
}

/** A frame the bytes end in the middle of: what of it was read. */
export interface PartialFrame {
  readonly offset: number;
  readonly command?: string;
  readonly headers: readonly ParsedHeader[];
  /** Bytes the frame still needs at least, when known (content-length given). */
  readonly missing?: number;
}

export interface StompParseResult {
  readonly items: readonly StompItem[];
  /** Bytes taken by complete items (the offset a partial frame or the error starts at). */
  readonly consumed: number;
  readonly error?: StompParseError;
  readonly partial?: PartialFrame;
}

export interface StompParseOptions {
  /**
   * The version whose header escapes apply ('1.0': none). Default '1.2'; CONNECT and CONNECTED are
   * never escaped.
   */
  readonly version?: StompVersion;
  readonly limits?: StompLimits;
}

/** Header lines as bytes (with CR stripped), or why they stop. */
type LineEnd = { end: number; next: number; crlf: boolean } | undefined;

/** The line starting at `from`: its end (without CR) and where the next begins; undefined when no LF follows. */
function lineAt(bytes: Uint8Array, from: number): LineEnd {
  const lf = bytes.indexOf(LF, from);
  if (lf < 0) return undefined;
  const crlf = lf > from && bytes[lf - 1] === CR;
  return { end: crlf ? lf - 1 : lf, next: lf + 1, crlf };
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/** A CR inside a line (not right before its LF) breaks the grammar: where it is, or -1. */
function strayCr(bytes: Uint8Array, from: number, end: number): number {
  const at = bytes.indexOf(CR, from);
  return at >= 0 && at < end ? at : -1;
}

/** Parses every frame and heart-beat in `bytes`. */
export function parseStomp(bytes: Uint8Array, options: StompParseOptions = {}): StompParseResult {
  const version = options.version ?? '1.2';
  const limits = options.limits ?? DEFAULT_STOMP_LIMITS;
  const items: StompItem[] = [];
  let p = 0;
  const n = bytes.length;
  const stop = (error: StompParseError): StompParseResult => ({ items, consumed: p, error });
  const cut = (partial: PartialFrame): StompParseResult => ({ items, consumed: p, partial });

  while (p < n) {
    // Heart-beats: bare EOLs.
    if (bytes[p] === LF || bytes[p] === CR) {
      let q = p;
      let count = 0;
      while (q < n) {
        if (bytes[q] === LF) q += 1;
        else if (bytes[q] === CR && q + 1 < n && bytes[q + 1] === LF) q += 2;
        else break;
        count++;
      }
      if (count > 0) {
        items.push({ type: 'heart-beat', offset: p, length: q - p, count });
        p = q;
        continue;
      }
      if (q + 1 >= n) return cut({ offset: p, headers: [] }); // a CR at the very end: its LF may follow
      return stop({ offset: p, message: `a CR (0x0d) not followed by LF where a command or heart-beat should start` });
    }

    // Command line.
    const commandLine = lineAt(bytes, p);
    const commandEnd = commandLine ? commandLine.end : n;
    for (let i = p; i < commandEnd; i++) {
      const b = bytes[i]!;
      const letter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
      if (!letter) return stop({ offset: i, message: `a command has letters only, found ${hex(b)}` });
    }
    if (commandEnd - p > limits.maxCommandBytes) {
      return stop({ offset: p, message: `the command is longer than ${limits.maxCommandBytes} bytes` });
    }
    if (!commandLine) return cut({ offset: p, headers: [] });
    const command = String.fromCharCode(...bytes.subarray(p, commandLine.end));
    const escapesIn = usesHeaderEscapes(command, version) ? version : undefined;

    // Headers, up to the empty line.
    const headers: ParsedHeader[] = [];
    let q = commandLine.next;
    let contentLength: number | undefined;
    let contentLengthSeen = false;
    let headersDone = false;
    while (q < n) {
      const line = lineAt(bytes, q);
      const lineEnd = line ? line.end : n;
      if (lineEnd - q > limits.maxHeaderBytes) {
        return stop({ offset: q, message: `a header line is longer than ${limits.maxHeaderBytes} bytes` });
      }
      if (!line) break;
      if (line.end === q) {
        q = line.next;
        headersDone = true;
        break;
      }
      if (headers.length >= limits.maxHeaders) {
        return stop({ offset: q, message: `more than ${limits.maxHeaders} headers in one frame` });
      }
      const cr = strayCr(bytes, q, line.end);
      if (cr >= 0) return stop({ offset: cr, message: 'a CR (0x0d) inside a header line (CR only ends a line, before LF)' });
      const colon = bytes.indexOf(COLON, q);
      if (colon < 0 || colon >= line.end) return stop({ offset: q, message: "a header line without ':'" });
      if (colon === q) return stop({ offset: q, message: 'a header with an empty name' });
      const name = readHeaderText(bytes, q, colon, escapesIn);
      if (typeof name !== 'string') return stop(name);
      const value = readHeaderText(bytes, colon + 1, line.end, escapesIn);
      if (typeof value !== 'string') return stop(value);
      if (name === 'content-length' && !contentLengthSeen) {
        contentLengthSeen = true;
        if (!/^[0-9]{1,15}$/.test(value)) {
          return stop({ offset: colon + 1, message: `content-length must be a count of bytes, not ${JSON.stringify(value)}` });
        }
        contentLength = Number(value);
        if (contentLength > limits.maxBodyBytes) {
          return stop({ offset: colon + 1, message: `content-length ${contentLength} is more than the limit of ${limits.maxBodyBytes} bytes` });
        }
      }
      headers.push({ name, value, offset: q, length: line.end - q });
      q = line.next;
    }
    if (!headersDone) return cut({ offset: p, command, headers });

    // Body: content-length bytes then NUL, or up to the first NUL.
    const bodyOffset = q;
    let nul: number;
    if (contentLength !== undefined) {
      nul = bodyOffset + contentLength;
      if (nul >= n) return cut({ offset: p, command, headers, missing: nul + 1 - n });
      if (bytes[nul] !== NUL) {
        return stop({ offset: nul, message: `content-length ${contentLength} ends the body here, but the byte is ${hex(bytes[nul]!)}, not NUL` });
      }
    } else {
      nul = bytes.indexOf(NUL, bodyOffset);
      const bodyBytes = (nul < 0 ? n : nul) - bodyOffset;
      if (bodyBytes > limits.maxBodyBytes) {
        return stop({ offset: bodyOffset, message: `the body is longer than the limit of ${limits.maxBodyBytes} bytes (no NUL yet)` });
      }
      if (nul < 0) return cut({ offset: p, command, headers });
    }

    // Trailing EOLs belong to the frame.
    let end = nul + 1;
    let trailingEols = 0;
    let r = end;
    while (r < n) {
      if (bytes[r] === LF) r += 1;
      else if (bytes[r] === CR && r + 1 < n && bytes[r + 1] === LF) r += 2;
      else break;
      trailingEols++;
    }
    items.push({
      type: 'frame',
      command,
      headers,
      body: bytes.subarray(bodyOffset, nul),
      offset: p,
      bodyOffset,
      end,
      trailingEols,
      crlf: commandLine.crlf,
    });
    end = r;
    p = end;
  }
  return { items, consumed: p };
}

/** A parsed frame's headers as name/value pairs. */
export function headerPairs(frame: ParsedFrame): StompHeader[] {
  return frame.headers.map((h) => [h.name, h.value] as const);
}
