// Credentials kept out of exports (and the output channel) unless the user includes them: the values of
// the Authorization, Proxy-Authorization, Cookie and Set-Cookie headers, URL passwords, query values whose
// names say they are credentials (token, api_key, session…), and the values the inspector knows to be
// secret (secret-store header values, ${env:…} values). Each is replaced with `<redacted>`; an export made
// from the redacted log is consistent by construction (HAR sizes, pcapng TCP sequence numbers), since the
// exporters only ever see the redacted bytes.
//
// Logged bytes are handled as Latin-1 text (one character per byte, as HTTP heads are), so every byte
// outside a replaced value stays exactly as it was logged.
import { Direction, type HandshakeInfo, type LogEntry } from '../../../shared/logModel';
import { looksSecret } from '../session/sessionPolicy';
import { REDACTED_MARK, redactText as redactValues, type ExportSource } from './exportSource';
import { isRequestHead, isResponseHead } from './httpHeads';
import { logPrologue } from './logPrologue';

/** Headers whose values are credentials, lower case. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** `?name=value` or `&name=value` in a URL or a request line; the value ends at &, #, whitespace or a quote. */
const QUERY_PAIR = /([?&])([^=&#\s"'<>]+)=([^&#\s"'<>]*)/g;
/** The password of `scheme://user:password@host`. */
const URL_PASSWORD = /(\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/\s@:]*):([^/\s@]*)@/g;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The value of a credential header with its secret parts replaced: the auth scheme and cookie names stay. */
export function redactCredentialHeader(name: string, value: string): string {
  switch (name.toLowerCase()) {
    case 'authorization':
    case 'proxy-authorization': {
      // "Bearer abc" → "Bearer <redacted>": the scheme says what kind of credential was sent.
      const scheme = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s+\S/.exec(value)?.[1];
      return scheme ? `${scheme} ${REDACTED_MARK}` : REDACTED_MARK;
    }
    case 'cookie':
      return value
        .split(';')
        .map((part) => {
          const eq = part.indexOf('=');
          return eq < 0 ? (part.trim() === '' ? part : part.replace(part.trim(), REDACTED_MARK)) : `${part.slice(0, eq)}=${REDACTED_MARK}`;
        })
        .join(';');
    case 'set-cookie': {
      // Only the name=value before the first ';' is the credential; Path, Expires, HttpOnly… stay.
      const semi = value.indexOf(';');
      const first = semi < 0 ? value : value.slice(0, semi);
      const eq = first.indexOf('=');
      return `${eq < 0 ? REDACTED_MARK : `${first.slice(0, eq)}=${REDACTED_MARK}`}${semi < 0 ? '' : value.slice(semi)}`;
    }
    default:
      return value;
  }
}

/**
 * Text with the known secret values, URL passwords and credential-named query values replaced. `values`
 * must be in the text's own form (see latin1Values for logged bytes).
 */
function redactText(text: string, values: readonly string[]): string {
  let out = redactValues(text, values);
  out = out.replace(URL_PASSWORD, (_whole, before: string) => `${before}:${REDACTED_MARK}@`);
  return out.replace(QUERY_PAIR, (whole, sep: string, name: string) => (looksSecret(safeDecode(name)) ? `${sep}${name}=${REDACTED_MARK}` : whole));
}

/** An HTTP head (with any body after it) as Latin-1 text, credential headers and values redacted. */
function redactHead(text: string, values: readonly string[]): string {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const lines = head.split('\r\n').map((line, i) => {
    const colon = line.indexOf(':');
    if (i === 0 || colon <= 0 || !CREDENTIAL_HEADERS.has(line.slice(0, colon).trim().toLowerCase())) return line;
    const value = line.slice(colon + 1);
    const lead = /^[ \t]*/.exec(value)![0];
    return `${line.slice(0, colon + 1)}${lead}${redactCredentialHeader(line.slice(0, colon).trim(), value.slice(lead.length).trimEnd())}`;
  });
  return redactText(lines.join('\r\n') + (end < 0 ? '' : text.slice(end)), values);
}

/** The secret values as the Latin-1 text of their UTF-8 bytes: how they appear in logged bytes read as Latin-1. */
function latin1Values(values: readonly string[]): string[] {
  return values.map((v) => Buffer.from(v, 'utf8').toString('latin1'));
}

/** A meta entry with credentials redacted; the same entry when it holds none. */
export function redactMetaEntry(entry: LogEntry, values: readonly string[]): LogEntry {
  const payload = entry.payload;
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('latin1');
  const out = isRequestHead(payload) || isResponseHead(payload) ? redactHead(text, values) : redactText(text, values);
  if (out === text) return entry;
  const bytes = Buffer.from(out, 'latin1');
  return { ...entry, payload: bytes, length: bytes.length };
}

/** A URL or a line naming one (e.g. for the output channel), with credentials redacted. */
export function redactCredentialsInText(text: string, values: readonly string[] = []): string {
  return redactText(text, values);
}

function redactHeaders(headers: ReadonlyArray<readonly [string, string]>, values: readonly string[]): Array<readonly [string, string]> {
  return headers.map(([name, value]) => [name, redactText(CREDENTIAL_HEADERS.has(name.toLowerCase()) ? redactCredentialHeader(name, value) : value, values)] as const);
}

/** A handshake record with credentials redacted; its texts are Latin-1 like the bytes, so `values` are latin1Values. */
function redactHandshake(info: HandshakeInfo, values: readonly string[]): HandshakeInfo {
  const body = info.responseBody && Buffer.from(redactText(Buffer.from(info.responseBody).toString('latin1'), values), 'latin1');
  return {
    ...info,
    requestLine: redactText(info.requestLine, values),
    requestHeaders: redactHeaders(info.requestHeaders, values),
    ...(info.statusLine !== undefined ? { statusLine: redactText(info.statusLine, values) } : {}),
    ...(info.responseHeaders ? { responseHeaders: redactHeaders(info.responseHeaders, values) } : {}),
    ...(body ? { responseBody: body } : {}),
  };
}

/**
 * The source as an export sees it by default: its target, handshake record and meta entries (the HTTP
 * heads, "Connecting to …") with credentials and the source's `redact` values replaced with `<redacted>`.
 * Messages and data are the user's payloads and stay as logged.
 */
export function withCredentialsRedacted(source: ExportSource): ExportSource {
  const values = source.redact ?? [];
  const bytesValues = latin1Values(values);
  return {
    ...source,
    target: redactText(source.target, values),
    ...(source.handshake ? { handshake: redactHandshake(source.handshake, bytesValues) } : {}),
    entries: function* () {
      for (const e of source.entries()) yield e.direction === Direction.Meta ? redactMetaEntry(e, bytesValues) : e;
    },
  };
}

/** Whether exporting `source` redacts anything: credentials in its target, handshake or opening entries. */
export function hasCredentials(source: ExportSource): boolean {
  const redacted = withCredentialsRedacted(source);
  if (redacted.target !== source.target) return true;
  const heads = (s: ExportSource): string => {
    const p = logPrologue(s);
    const info = s.handshake;
    return JSON.stringify([
      ...[p.connecting, p.request, p.response, p.open, p.error].map((e) => (e ? Buffer.from(e.payload).toString('latin1') : '')),
      info ? [info.requestLine, info.requestHeaders, info.statusLine, info.responseHeaders] : [],
    ]);
  };
  return heads(redacted) !== heads(source);
}
