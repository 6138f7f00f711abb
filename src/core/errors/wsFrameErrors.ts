// What a broken frame from a WebSocket server means, in words: `ws` rejects it with a terse code
// (WS_ERR_UNEXPECTED_RSV_1, "RSV1 must be clear") and closes with 1002, 1007, 1008 or 1009; the person
// reading the log needs to know what the server did wrong and how the connection ended.

/** A frame error explained, and the close code `ws` sent because of it. */
export interface FrameErrorExplanation {
  /** PAYLOAD_TOO_LARGE for size limits, PROTOCOL for everything else. */
  readonly kind: 'PROTOCOL' | 'PAYLOAD_TOO_LARGE';
  /** What the server sent, completing "<peer> sent …". */
  readonly what: string;
  /** The close code ws answers with. */
  readonly closeCode: number;
  /** What the user can do about it, if anything. */
  readonly hint?: string;
}

/** The names of the close codes ws sends on a bad frame (RFC 6455 §7.4.1). */
const CLOSE_NAMES: Readonly<Record<number, string>> = {
  1002: 'protocol error',
  1007: 'invalid data',
  1008: 'policy violation',
  1009: 'message too big',
};

/** The setting that limits a received message's size. */
export const MAX_MESSAGE_SETTING = 'socketInspector.maxMessageMegabytes';

/** "1024 bytes", "104857600 bytes (100 MiB)". */
export function formatByteLimit(bytes: number): string {
  if (bytes < 1024 * 1024) return `${bytes} bytes`;
  return `${bytes} bytes (${+(bytes / (1024 * 1024)).toFixed(2)} MiB)`;
}

function numberIn(message: string): number | undefined {
  const m = /(\d+)\s*$/.exec(message);
  return m ? Number(m[1]) : undefined;
}

function opcodeProblem(opcode: number | undefined): string {
  if (opcode === 0) return 'a continuation frame (opcode 0) while no fragmented message was in progress';
  if (opcode === 1 || opcode === 2) {
    return `a new ${opcode === 1 ? 'text' : 'binary'} frame while a fragmented message was still unfinished (only continuation frames may follow)`;
  }
  if (opcode === undefined) return 'a frame with an opcode RFC 6455 does not define';
  const range = opcode < 8 ? 'reserved for future data frames' : 'reserved for future control frames';
  return `a frame with opcode ${opcode} (0x${opcode.toString(16).toUpperCase()}), which RFC 6455 leaves undefined (${range})`;
}

/**
 * Explains a receiver error of `ws` (its `code` and `message`), or undefined for codes that are not about
 * a received frame. `deflate` tells whether permessage-deflate was negotiated; `maxPayload` is the limit.
 */
export function explainFrameError(
  code: string | undefined,
  message: string,
  context: { readonly maxPayload?: number; readonly deflate?: boolean } = {},
): FrameErrorExplanation | undefined {
  switch (code) {
    case 'WS_ERR_INVALID_OPCODE':
      return { kind: 'PROTOCOL', what: opcodeProblem(numberIn(message)), closeCode: 1002 };
    case 'WS_ERR_UNEXPECTED_RSV_1':
      return {
        kind: 'PROTOCOL',
        what: context.deflate
          ? 'a control or continuation frame with the reserved bit RSV1 set (only the first frame of a compressed message may set it)'
          : 'a frame with the reserved bit RSV1 set, but no extension that uses it (such as permessage-deflate) was negotiated',
        closeCode: 1002,
      };
    case 'WS_ERR_UNEXPECTED_RSV_2_3':
      return { kind: 'PROTOCOL', what: 'a frame with the reserved bit RSV2 or RSV3 set, which no negotiated extension defines', closeCode: 1002 };
    case 'WS_ERR_UNEXPECTED_MASK':
      return { kind: 'PROTOCOL', what: 'a masked frame; a server must never mask its frames (RFC 6455 §5.1)', closeCode: 1002 };
    case 'WS_ERR_EXPECTED_MASK':
      return { kind: 'PROTOCOL', what: 'an unmasked frame where a masked one was required (RFC 6455 §5.1)', closeCode: 1002 };
    case 'WS_ERR_EXPECTED_FIN':
      return { kind: 'PROTOCOL', what: 'a fragmented control frame (FIN not set); close, ping and pong frames cannot be fragmented', closeCode: 1002 };
    case 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH': {
      const length = numberIn(message);
      return {
        kind: 'PROTOCOL',
        what:
          length === 1
            ? 'a close frame with a 1-byte payload (a close code takes 2 bytes)'
            : `a control frame (close, ping or pong) with a ${length ?? 'too long'}-byte payload; control frames carry at most 125 bytes`,
        closeCode: 1002,
      };
    }
    case 'WS_ERR_INVALID_CLOSE_CODE': {
      const closeCode = numberIn(message);
      return {
        kind: 'PROTOCOL',
        what: `a close frame with the code ${closeCode ?? '(unknown)'}, which may not be sent in a close frame`,
        closeCode: 1002,
      };
    }
    case 'WS_ERR_INVALID_UTF8':
      return { kind: 'PROTOCOL', what: 'text that is not valid UTF-8 (in a text message or a close reason)', closeCode: 1007 };
    case 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH':
      return {
        kind: 'PAYLOAD_TOO_LARGE',
        what: 'a frame whose header declares a length beyond 2^53 − 1 bytes, which no client can receive',
        closeCode: 1009,
      };
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH': {
      const limit = context.maxPayload !== undefined ? ` of ${formatByteLimit(context.maxPayload)}` : '';
      return {
        kind: 'PAYLOAD_TOO_LARGE',
        what: `a message larger than the limit${limit}; the rest of it was not received`,
        closeCode: 1009,
        hint: `Raise the setting "${MAX_MESSAGE_SETTING}" (or "maxPayload" in the connection options) to accept it.`,
      };
    }
    case 'WS_ERR_TOO_MANY_BUFFERED_PARTS':
      return {
        kind: 'PAYLOAD_TOO_LARGE',
        what: /fragments/i.test(message)
          ? 'a message in more fragments than a client accepts (16384)'
          : 'a message in more pieces than a client buffers',
        closeCode: 1008,
      };
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
    case 'Z_STREAM_ERROR':
      if (!context.deflate) return undefined;
      return {
        kind: 'PROTOCOL',
        what: `a compressed message (permessage-deflate) that does not decompress (${message})`,
        closeCode: 1007,
      };
  }
  return undefined;
}

/** "<peer> sent <what>; the connection was closed with code 1002 (protocol error). <hint>" */
export function frameErrorMessage(peer: string, e: FrameErrorExplanation): string {
  const name = CLOSE_NAMES[e.closeCode];
  return `${peer} sent ${e.what}; the connection was closed with code ${e.closeCode}${name ? ` (${name})` : ''}.${e.hint ? ` ${e.hint}` : ''}`;
}
