// Translates what Node, OpenSSL and `ws` raise into a SocketInspectorError a person can act on.
import { STATUS_CODES } from 'node:http';
import { SocketInspectorError } from '../../../shared/errors';
import { explainFrameError, frameErrorMessage } from './wsFrameErrors';

/** What the failing connection was doing, so the message can name the peer. */
export interface ErrorContext {
  /** host:port as the person would recognise it (IPv6 in brackets). */
  readonly peer: string;
  /** Host name alone, for DNS messages. */
  readonly host: string;
  /** The TLS server name (SNI) checked against the certificate, when it differs from host. */
  readonly servername?: string;
  /** The maxPayload in force, for the message of an oversized frame. */
  readonly maxPayload?: number;
  /** Whether permessage-deflate was negotiated, which changes what a frame may contain. */
  readonly deflate?: boolean;
}

const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);
const UNKNOWN_ISSUER = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);
const BAD_CERT = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);
const ALLOW_HINT = 'Enable "Allow self-signed" to connect anyway, or add the CA certificate.';

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function make(
  code: SocketInspectorError['code'],
  message: string,
  cause: unknown,
  extra: { status?: number } = {},
): SocketInspectorError {
  const systemCode = errorCode(cause);
  return new SocketInspectorError(code, message, { ...extra, ...(systemCode ? { systemCode } : {}) }, { cause });
}

/** "Server refused the WebSocket upgrade: 401 Unauthorized". */
export function upgradeRefusedMessage(status: number, reason: string | undefined): string {
  return `Server refused the WebSocket upgrade: ${status}${reason ? ` ${reason}` : ''}`;
}

/** The TIMEOUT error of one of our own timers (connect, TLS handshake, WebSocket upgrade). */
export function timeoutError(what: string, peer: string, ms: number): SocketInspectorError {
  const seconds = ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
  return new SocketInspectorError('TIMEOUT', `${what} with ${peer} did not complete within ${seconds}`, {
    systemCode: 'ETIMEDOUT',
  });
}

function tlsError(code: string | undefined, message: string, e: unknown, ctx: ErrorContext): SocketInspectorError | undefined {
  if (code && SELF_SIGNED.has(code)) {
    const what = code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ? 'is self-signed' : 'chains to a self-signed root that is not trusted';
    return make('TLS', `The certificate of ${ctx.peer} ${what} (${code}). ${ALLOW_HINT}`, e);
  }
  if (code && UNKNOWN_ISSUER.has(code)) {
    return make('TLS', `The certificate of ${ctx.peer} is signed by an unknown authority (${code}). ${ALLOW_HINT}`, e);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const name = ctx.servername ?? ctx.host;
    const lists = /.*(?:altnames|list): (.*)$/.exec(message)?.[1];
    return make(
      'TLS',
      `The certificate of ${ctx.peer} is not valid for "${name}"${lists ? ` (it lists ${lists})` : ''}. ` +
        'Connect using a name the certificate lists, set the server name (SNI) to one, or enable "Allow self-signed".',
      e,
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    const what = code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet';
    return make('TLS', `The certificate of ${ctx.peer} ${what} (${code}). Check the clock, or enable "Allow self-signed" to connect anyway.`, e);
  }
  if (code && BAD_CERT.has(code)) {
    return make('TLS', `The certificate of ${ctx.peer} was rejected (${code}). ${ALLOW_HINT}`, e);
  }
  if (/wrong version number|packet length too long|unknown protocol|http request/i.test(message)) {
    return make(
      'TLS',
      `${ctx.peer} did not answer with TLS — it may be a plain (unencrypted) port; try tcp:// or ws:// instead`,
      e,
    );
  }
  if (/before secure TLS connection was established/i.test(message)) {
    return make('TLS', `${ctx.peer} closed the connection during the TLS handshake — it may not speak TLS on this port`, e);
  }
  if (code?.startsWith('ERR_SSL_') || code?.startsWith('ERR_TLS_') || /SSL routines|alert/i.test(message)) {
    const reason = message.replace(/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*:/i, '').replace(/:.*$/s, '');
    return make('TLS', `TLS handshake with ${ctx.peer} failed: ${reason}`, e);
  }
  return undefined;
}

function wsError(code: string | undefined, message: string, e: unknown, ctx: ErrorContext): SocketInspectorError | undefined {
  const frame = explainFrameError(code, message, ctx);
  if (frame) return make(frame.kind, frameErrorMessage(ctx.peer, frame), e);
  if (code?.startsWith('WS_ERR_')) {
    return make('PROTOCOL', `${ctx.peer} broke the WebSocket protocol: ${message} (${code})`, e);
  }
  const unexpected = /^Unexpected server response: (\d+)/.exec(message);
  if (unexpected) {
    const status = Number(unexpected[1]);
    return make('UPGRADE_FAILED', upgradeRefusedMessage(status, STATUS_CODES[status]), e, { status });
  }
  if (message === 'Opening handshake has timed out') {
    return make('TIMEOUT', `The WebSocket upgrade with ${ctx.peer} timed out`, e);
  }
  if (/^(Invalid Upgrade header|Invalid Sec-WebSocket-Accept header|Invalid Sec-WebSocket-Extensions header|Server sent|Server indicated)/.test(message)) {
    return make('UPGRADE_FAILED', `The upgrade response of ${ctx.peer} is not a valid WebSocket handshake: ${message}`, e, {
      status: 101,
    });
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return make('PROTOCOL', `${ctx.peer} sent more response headers than an HTTP client accepts (16 KiB) without ending them — is it a WebSocket endpoint?`, e);
  }
  if (code?.startsWith('HPE_')) {
    return make('PROTOCOL', `${ctx.peer} did not answer with valid HTTP (${message}) — is it a WebSocket endpoint?`, e);
  }
  return undefined;
}

/** Maps any error raised by a socket, DNS, TLS or `ws` to a SocketInspectorError; keeps the system code. */
export function toSocketInspectorError(e: unknown, ctx: ErrorContext): SocketInspectorError {
  if (e instanceof SocketInspectorError) return e;
  const code = errorCode(e);
  const message = errorMessage(e);
  const tls = tlsError(code, message, e, ctx);
  if (tls) return tls;
  const ws = wsError(code, message, e, ctx);
  if (ws) return ws;
  switch (code) {
    case 'ECONNREFUSED':
      return make('REFUSED', `Connection refused by ${ctx.peer} — nothing is listening there`, e);
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
      return make('UNRESOLVABLE_HOST', `Cannot resolve host "${ctx.host}" — check the spelling`, e);
    case 'EAI_AGAIN':
      return make('UNRESOLVABLE_HOST', `Looking up "${ctx.host}" failed for now (EAI_AGAIN) — check the network or DNS`, e);
    case 'ECONNRESET':
      return make(
        'RESET',
        message === 'socket hang up'
          ? `${ctx.peer} closed the connection without answering`
          : `Connection reset by ${ctx.peer}`,
        e,
      );
    case 'EPIPE':
      return make('RESET', `${ctx.peer} closed the connection while we were still sending (EPIPE)`, e);
    case 'ETIMEDOUT':
      return make('TIMEOUT', `Connection to ${ctx.peer} timed out`, e);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return make('NETWORK', `${ctx.peer} is unreachable (${code}) — check the address and the network`, e);
    case 'EADDRNOTAVAIL':
      return make('NETWORK', `Cannot connect to ${ctx.peer}: address not available (EADDRNOTAVAIL)`, e);
    case 'ECONNABORTED':
      return make('RESET', `The connection to ${ctx.peer} was aborted (ECONNABORTED)`, e);
    case 'ERR_SOCKET_CLOSED':
    case 'ERR_STREAM_DESTROYED':
    case 'ERR_STREAM_WRITE_AFTER_END':
      return make('NOT_OPEN', `The connection to ${ctx.peer} is already closed`, e);
  }
  return make('NETWORK', `Connection to ${ctx.peer} failed: ${message}`, e);
}
