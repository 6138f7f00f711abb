/** What went wrong, as a stable code that callers and tests can switch on. */
export type ErrorCode =
  | 'BAD_URL'
  | 'BAD_PORT'
  | 'UNRESOLVABLE_HOST'
  | 'REFUSED'
  | 'RESET'
  | 'TIMEOUT'
  | 'TLS'
  | 'UPGRADE_FAILED'
  | 'INVALID_HEX'
  | 'INVALID_BASE64'
  | 'INVALID_JSON'
  | 'INVALID_ESCAPE'
  | 'NOT_OPEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'PROTOCOL'
  | 'NETWORK'
  | 'BAD_SESSION'
  | 'BAD_FRAMER'
  | 'BAD_HAR'
  /** A Protobuf schema (.proto file) that cannot be read, parsed or resolved. */
  | 'BAD_SCHEMA'
  | 'EXPORT_FAILED'
  /** A listener could not bind its address (in use, not permitted, not a local address). */
  | 'BIND';

/** Where in the user's input a parse error sits (0-based offset, 1-based line and column). */
export interface InputPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/**
 * The one error type the engine throws or rejects with. `message` is written for a person
 * ("Connection refused by 127.0.0.1:9"), `code` is for code.
 */
export class SocketInspectorError extends Error {
  override readonly name = 'SocketInspectorError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      /** Position of the offending character, for input parse errors. */
      readonly position?: InputPosition;
      /** The system error code (ECONNREFUSED, CERT_HAS_EXPIRED…) this was made from. */
      readonly systemCode?: string;
      /** HTTP status of a failed WebSocket upgrade. */
      readonly status?: number;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isSocketInspectorError(e: unknown): e is SocketInspectorError {
  return e instanceof SocketInspectorError;
}

/** Computes line and column (1-based) of a 0-based offset in `text`. */
export function positionOf(text: string, offset: number): InputPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}
