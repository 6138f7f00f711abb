// Validates the options object a keybinding, task or test passes to a connect command. The object comes
// from a user's JSON, so every field is checked and a wrong one is named in the error.
import type { TcpOptions, TlsOptions, WebSocketOptions } from './connectionTypes';
import { parseTcpTarget, parseWebSocketUrl } from './connectionTarget';
import { SocketInspectorError } from '../../../shared/errors';

function bad(message: string): SocketInspectorError {
  return new SocketInspectorError('BAD_URL', message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalNumber(o: Record<string, unknown>, key: string, min: number): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw bad(`"${key}" must be a number ≥ ${min}`);
  return v;
}

function optionalBoolean(o: Record<string, unknown>, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw bad(`"${key}" must be true or false`);
  return v;
}

function tlsOptions(v: unknown): TlsOptions | undefined {
  if (v === undefined || v === true || v === false) return undefined;
  if (!isRecord(v)) throw bad('"tls" must be true, false or an object { servername, allowSelfSigned, ca, keyLogFile }');
  const out: TlsOptions = {};
  if (v.servername !== undefined) {
    if (typeof v.servername !== 'string') throw bad('"tls.servername" must be a string');
    out.servername = v.servername;
  }
  const allow = optionalBoolean(v, 'allowSelfSigned');
  if (allow !== undefined) out.allowSelfSigned = allow;
  if (v.ca !== undefined) {
    const ca = v.ca;
    if (typeof ca === 'string') out.ca = ca;
    else if (Array.isArray(ca) && ca.every((c) => typeof c === 'string')) out.ca = ca as string[];
    else throw bad('"tls.ca" must be a PEM string or a list of them');
  }
  if (v.keyLogFile !== undefined) {
    if (typeof v.keyLogFile !== 'string' || v.keyLogFile.trim() === '') throw bad('"tls.keyLogFile" must be a file path');
    out.keyLogFile = v.keyLogFile;
  }
  return out;
}

/** Checks a "headers" field: an object of header names to string values. */
function headersOption(v: unknown): Record<string, string> {
  if (!isRecord(v) || !Object.values(v).every((x) => typeof x === 'string')) {
    throw bad('"headers" must be an object of header names to string values');
  }
  return v as Record<string, string>;
}

/** Turns a connect-WebSocket argument (a URL string or an options object) into checked options. */
export function webSocketOptionsFrom(arg: unknown): WebSocketOptions {
  if (typeof arg === 'string') return { url: parseWebSocketUrl(arg).href };
  if (!isRecord(arg)) throw bad('Expected a ws:// or wss:// URL, or an object with a "url" field');
  if (typeof arg.url !== 'string') throw bad('The options need a "url" field with a ws:// or wss:// URL');
  const options: WebSocketOptions = { url: parseWebSocketUrl(arg.url).href };
  if (arg.headers !== undefined) options.headers = headersOption(arg.headers);
  if (arg.protocols !== undefined) {
    const p = typeof arg.protocols === 'string' ? [arg.protocols] : arg.protocols;
    if (!Array.isArray(p) || !p.every((x) => typeof x === 'string')) throw bad('"protocols" must be a list of strings');
    options.protocols = p as string[];
  }
  const deflate = optionalBoolean(arg, 'perMessageDeflate');
  if (deflate !== undefined) options.perMessageDeflate = deflate;
  const timeout = optionalNumber(arg, 'handshakeTimeoutMs', 1);
  if (timeout !== undefined) options.handshakeTimeoutMs = timeout;
  const maxPayload = optionalNumber(arg, 'maxPayload', 1);
  if (maxPayload !== undefined) options.maxPayload = maxPayload;
  const tls = tlsOptions(arg.tls);
  if (tls) options.tls = tls;
  return options;
}

/**
 * Turns a connect-TCP argument into checked options: a target string (`host:port`, `tcp://…`, `tls://…`)
 * or an object with `target`, or with `host` and `port`.
 */
export function tcpOptionsFrom(arg: unknown): TcpOptions {
  if (typeof arg === 'string') {
    const t = parseTcpTarget(arg);
    return { host: t.host, port: t.port, tls: t.tls };
  }
  if (!isRecord(arg)) throw bad('Expected host:port, tcp://host:port, tls://host:port, or an object with "host" and "port"');
  let options: TcpOptions;
  if (typeof arg.target === 'string') {
    const t = parseTcpTarget(arg.target);
    options = { host: t.host, port: t.port, tls: t.tls };
  } else {
    if (typeof arg.host !== 'string' || arg.host === '') throw bad('The options need a "host" (or a "target")');
    if (typeof arg.port !== 'number' && typeof arg.port !== 'string') {
      throw new SocketInspectorError('BAD_PORT', 'The options need a "port" (1–65535)');
    }
    const host = arg.host.includes(':') && !arg.host.startsWith('[') ? `[${arg.host}]` : arg.host;
    const t = parseTcpTarget(`${host}:${arg.port}`);
    options = { host: t.host, port: t.port, tls: false };
  }
  if (arg.tls !== undefined) {
    if (arg.tls === true || arg.tls === false) options.tls = arg.tls;
    else options.tls = tlsOptions(arg.tls) ?? true;
  }
  const timeout = optionalNumber(arg, 'connectTimeoutMs', 1);
  if (timeout !== undefined) options.connectTimeoutMs = timeout;
  return options;
}

/** What a proxy command takes besides its prompts' answers (from a keybinding, task or test). */
export interface ProxyCommandOptions {
  /** Where to listen: "127.0.0.1:0", "9000", … */
  listen?: string;
  /** The upstream: tcp://…, tls://… or host:port for TCP; ws://… or wss://… for WebSocket. */
  upstream?: string;
  /** TLS toward a tls:// or wss:// upstream: servername, allowSelfSigned, ca. */
  tls?: TlsOptions;
  /** WebSocket only: headers sent upstream in addition to (or instead of) the client's. */
  headers?: Record<string, string>;
  /** Pairs start holding messages in these directions. */
  startPaused?: { toServer?: boolean; toClient?: boolean };
}

/** Checks a proxy command's argument object; a wrong field is named in the error. */
export function proxyOptionsFrom(arg: unknown, kind: 'tcp' | 'ws'): ProxyCommandOptions {
  if (!isRecord(arg)) throw bad('Expected an object { listen, upstream, tls?, headers?, startPaused? }');
  const out: ProxyCommandOptions = {};
  for (const key of ['listen', 'upstream'] as const) {
    const v = arg[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw bad(`"${key}" must be a string`);
    out[key] = v;
  }
  const tls = tlsOptions(arg.tls);
  if (tls) out.tls = tls;
  if (arg.headers !== undefined) {
    if (kind !== 'ws') throw bad('"headers" apply to a WebSocket upstream only');
    out.headers = headersOption(arg.headers);
  }
  if (arg.startPaused !== undefined) {
    if (!isRecord(arg.startPaused)) throw bad('"startPaused" must be an object { toServer?, toClient? }');
    const toServer = optionalBoolean(arg.startPaused, 'toServer');
    const toClient = optionalBoolean(arg.startPaused, 'toClient');
    out.startPaused = { ...(toServer !== undefined ? { toServer } : {}), ...(toClient !== undefined ? { toClient } : {}) };
  }
  return out;
}
