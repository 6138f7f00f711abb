// The `*.socket-server.json` file format, version 1: a listener or a proxy saved to reopen and start
// again with the same settings (listen address, protocol layer, auto-reply rules, hold settings,
// upstream), or a mock of a recorded session. schemas/socket-server.schema.json describes the same format
// for the editor; keep the two in step (test/unit/serverFile.test.ts checks the fields agree).
import type { AutoReplyRule } from '../../../shared/autoReplyRules';
import type { FramerSpecJson } from '../../../shared/framerSpec';
import type { SessionLayer } from '../session/sessionFormat';
import type { TestMock } from '../testing/testFormat';

/** The format version this code reads and writes. */
export const SERVER_FILE_VERSION = 1;

/** How server files are named; the schema is contributed for this pattern. */
export const SERVER_FILE_SUFFIX = '.socket-server.json';

/** Largest server file opened: 4 MiB (it holds settings, never a log). */
export const MAX_SERVER_FILE_BYTES = 4 * 1024 * 1024;

/** Hold settings of a proxy: the caps of each pair's hold queue, and the directions pairs start paused in. */
export interface ServerFileHold {
  readonly maxMessages?: number;
  readonly maxBytes?: number;
  /** Pairs start paused toward the server and/or toward the client (default: forwarding). */
  readonly startPaused?: { readonly toServer?: boolean; readonly toClient?: boolean };
}

/** An auto-reply rule as a file holds it (the composer message under `reply`). */
export interface ServerFileAutoReply {
  readonly enabled?: boolean;
  readonly match: string;
  readonly reply: { readonly format: AutoReplyRule['reply']['format']; readonly body: string; readonly escapes?: boolean };
  readonly delayMs?: number;
}

/** A whole server file. */
export interface ServerFile {
  readonly $schema?: string;
  readonly version: typeof SERVER_FILE_VERSION;
  /** Display name; the file name is used when absent. */
  readonly name?: string;
  /** Serve clients ("listen") or forward them to `upstream` ("proxy"). */
  readonly mode: 'listen' | 'proxy';
  /** What clients speak: "websocket" or "tcp". */
  readonly type: 'websocket' | 'tcp';
  /** Where to listen: "127.0.0.1:9000", ":9000", "9000", "[::1]:0" (port 0: a free port). */
  readonly listen: string;
  /** Proxy only: where clients are forwarded, "ws://…"/"wss://…" or "host:port"/"tls://host:port". */
  readonly upstream?: string;
  /** The protocol layer spoken (Socket.IO, MQTT, STOMP), as in a session's connection.layer. */
  readonly layer?: SessionLayer;
  /** TCP: how the log is cut into messages, as in a session's view.framing. */
  readonly framing?: FramerSpecJson;
  /** Listener only: rules that answer matching messages. */
  readonly autoReplies?: readonly ServerFileAutoReply[];
  /** Proxy only: hold settings. */
  readonly hold?: ServerFileHold;
  /** Listener only: serve a recorded session as a mock (its replies follow the recording). */
  readonly mock?: TestMock;
}

/** The known fields of each object of the format, in the order they are written. */
export const SERVER_FILE_FIELDS = {
  root: ['$schema', 'version', 'name', 'mode', 'type', 'listen', 'upstream', 'layer', 'framing', 'autoReplies', 'hold', 'mock'],
  autoReply: ['enabled', 'match', 'reply', 'delayMs'],
  reply: ['format', 'body', 'escapes'],
  hold: ['maxMessages', 'maxBytes', 'startPaused'],
  startPaused: ['toServer', 'toClient'],
  mock: ['session', 'strategy', 'fallback'],
} as const satisfies Record<string, readonly string[]>;

/** The auto-reply rules of a file as a listener's AutoResponder takes them. */
export function autoReplyRulesOf(file: ServerFile): AutoReplyRule[] {
  return (file.autoReplies ?? []).map((r) => ({
    enabled: r.enabled !== false,
    match: r.match,
    reply: { format: r.reply.format, input: r.reply.body, escapes: r.reply.escapes === true },
    delayMs: r.delayMs ?? 0,
  }));
}

/** Auto-reply rules as a file holds them. */
export function autoRepliesToFile(rules: readonly AutoReplyRule[]): ServerFileAutoReply[] {
  return rules.map((r) => ({
    ...(r.enabled ? {} : { enabled: false }),
    match: r.match,
    reply: { format: r.reply.format, body: r.reply.input, ...(r.reply.escapes ? { escapes: true } : {}) },
    ...(r.delayMs > 0 ? { delayMs: r.delayMs } : {}),
  }));
}
