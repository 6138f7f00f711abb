// What a mock serves, read from a recorded client session: the conversation cut into exchanges, each a
// request the client sent (Out) and the replies the server sent (In) before the client's next request.
// Replies that came before the first request are the greeting, sent to every client on accept.
// A TCP recording with a framer in `view.framing` is cut message by message (a line without its
// delimiter); each reply is framed again when sent. Without a framer each recorded chunk is a message.
import { Direction, Kind } from '../../../shared/logModel';
import { framerSpecFromJson, type FramerSpec } from '../../../shared/framerSpec';
import { SocketInspectorError } from '../../../shared/errors';
import { createFramerDecoder } from '../framing/framerDecoder';
import { encodeFramed } from '../framing/framerEncoder';
import type { Session, SessionLogEntry } from '../session/sessionFormat';
import { sessionEntryPayload } from '../session/sessionLog';

/** One message of the recording: its bytes, and for a WebSocket whether it went as text. */
export interface MockMessage {
  readonly bytes: Uint8Array;
  /** WebSocket: a text message (else binary). TCP: always false. */
  readonly text: boolean;
  /** The seq of the recorded entry it came from (the first, when framing joined several). */
  readonly seq: number;
}

/** A request of the recording and what the server answered to it. */
export interface MockExchange {
  /** 0-based position among the requests. */
  readonly index: number;
  readonly request: MockMessage;
  /** The replies as sent: for a framed TCP recording, already framed again. */
  readonly replies: readonly MockMessage[];
}

/** A recorded conversation ready to serve. */
export interface MockScript {
  readonly kind: 'ws' | 'tcp';
  /** The TCP framer requests are cut with (as in the recording's view.framing); none: each chunk is one. */
  readonly framer?: FramerSpec;
  readonly greeting: readonly MockMessage[];
  readonly exchanges: readonly MockExchange[];
}

const WS_MESSAGE_KINDS = new Set(['text', 'binary']);

/** Cuts one direction of a TCP recording into messages, remembering the seq each message ends in. */
class Cutter {
  private readonly decoder;
  private seq = 0;
  readonly out: MockMessage[] = [];

  constructor(framer: FramerSpec) {
    this.decoder = createFramerDecoder(framer, (m) => this.out.push({ bytes: m.slice(), text: false, seq: this.seq }), {
      onError: () => {},
    });
  }

  push(seq: number, bytes: Uint8Array): MockMessage[] {
    this.seq = seq;
    const before = this.out.length;
    this.decoder.push(bytes);
    return this.out.slice(before);
  }
}

/** The mock script of a recorded session: throws BAD_SESSION when the session has no recording to serve. */
export function mockScriptFromSession(session: Session): MockScript {
  const entries = session.log?.entries ?? [];
  const kind = session.connection.type === 'websocket' ? 'ws' : 'tcp';
  const framer = kind === 'tcp' && session.view?.framing ? framerSpecFromJson(session.view.framing) : undefined;
  const greeting: MockMessage[] = [];
  const exchanges: MockExchange[] = [];
  const replies = (): MockMessage[] => (exchanges.length === 0 ? greeting : (exchanges[exchanges.length - 1]!.replies as MockMessage[]));
  const outCut = framer ? new Cutter(framer) : undefined;
  const inCut = framer ? new Cutter(framer) : undefined;
  for (const e of entries) {
    if (!isMessage(e, kind)) continue;
    const bytes = sessionEntryPayload(e);
    const messages: MockMessage[] =
      e.direction === 'out'
        ? (outCut?.push(e.seq, bytes) ?? [message(e, bytes)])
        : (inCut?.push(e.seq, bytes).map((m) => ({ ...m, bytes: encodeFramed(framer!, m.bytes) })) ?? [message(e, bytes)]);
    for (const m of messages) {
      if (e.direction === 'out') exchanges.push({ index: exchanges.length, request: m, replies: [] });
      else replies().push(m);
    }
  }
  if (exchanges.length === 0 && greeting.length === 0) {
    throw new SocketInspectorError(
      'BAD_SESSION',
      session.log
        ? 'The session\'s recorded log holds no messages to serve; record a conversation with the server first'
        : 'The session has no recorded log to serve as a mock; save the session with its log first',
    );
  }
  return { kind, ...(framer ? { framer } : {}), greeting, exchanges };
}

function isMessage(e: SessionLogEntry, kind: 'ws' | 'tcp'): boolean {
  if (e.direction !== 'in' && e.direction !== 'out') return false;
  return kind === 'ws' ? WS_MESSAGE_KINDS.has(e.kind) : e.kind === 'data';
}

function message(e: SessionLogEntry, bytes: Uint8Array): MockMessage {
  return { bytes, text: e.kind === 'text', seq: e.seq };
}

/** Entry kinds a mock answers to, in a peer's log. */
export const REQUEST_KINDS: ReadonlySet<number> = new Set<number>([Kind.Text, Kind.Binary, Kind.Data]);
/** A peer's received message is a request: what the client sent. */
export const REQUEST_DIRECTION = Direction.In;
