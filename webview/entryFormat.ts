// How entries are described in rows and the detail header: times, sizes, arrows, kinds, close codes.
import { type AutoReplyOrigin, DIRECTION_NAMES, Kind, KIND_NAMES } from '../shared/logModel';
import { toHex } from '../shared/codecs/hexDump';
import { isWellFormedUtf8, previewText } from '../shared/codecs/utf8Decode';
import { t } from './l10n';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time with milliseconds: 14:03:27.512. */
export function formatTime(wallTime: number): string {
  const d = new Date(wallTime);
  return `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${pad(d.getMilliseconds(), 3)}`;
}

/** Local date and time for the detail header. */
export function formatDateTime(wallTime: number): string {
  const d = new Date(wallTime);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)} ${formatTime(wallTime)}`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** A byte count for people: 512 B, 1.5 KiB, 12 MiB. */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}

// One formatter for all counts: toLocaleString builds a new one per call, which shows in profiles.
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** A count with thousands separators. */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

/** Name of a direction value: in, out, meta. */
export function directionLabel(direction: number): string {
  return DIRECTION_NAMES[direction] ?? t('meta');
}

/** A direction as a proxy pair's log reads it: Out is client → server, In server → client. */
export function legLabel(direction: number, proxy: boolean): string {
  if (!proxy || direction > 1) return directionLabel(direction);
  return direction === 1 ? t('client → server') : t('server → client');
}

/** Name of a kind value: text, binary, ping… */
export function kindLabel(kind: number): string {
  return KIND_NAMES[kind] ?? t('unknown');
}

/** Codicon for a row's direction (or its meta event). */
export function directionIcon(direction: number, kind: number): string {
  if (direction === 0) return 'arrow-down';
  if (direction === 1) return 'arrow-up';
  switch (kind) {
    case Kind.Connecting:
      return 'loading';
    case Kind.Open:
      return 'plug';
    case Kind.Handshake:
      return 'git-compare';
    case Kind.Error:
      return 'error';
    case Kind.Closed:
      return 'debug-disconnect';
    default:
      return 'info';
  }
}

const CLOSE_CODES: Readonly<Record<number, string>> = {
  1000: t('Normal Closure'),
  1001: t('Going Away'),
  1002: t('Protocol Error'),
  1003: t('Unsupported Data'),
  1005: t('No Status Received'),
  1006: t('Abnormal Closure'),
  1007: t('Invalid Payload Data'),
  1008: t('Policy Violation'),
  1009: t('Message Too Big'),
  1010: t('Mandatory Extension'),
  1011: t('Internal Error'),
  1012: t('Service Restart'),
  1013: t('Try Again Later'),
  1014: t('Bad Gateway'),
  1015: t('TLS Handshake'),
};

/** The registered name of a WebSocket close code (RFC 6455 §7.4 and IANA). */
export function closeCodeName(code: number): string {
  if (CLOSE_CODES[code]) return CLOSE_CODES[code]!;
  if (code >= 3000 && code <= 3999) return t('Registered (libraries, frameworks)');
  if (code >= 4000 && code <= 4999) return t('Application-defined');
  return t('Unknown');
}

/** Share of bytes that are not text-like, to choose between a text and a hex preview. */
function looksBinary(bytes: Uint8Array): boolean {
  let odd = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) odd++;
  }
  return odd * 10 > bytes.length;
}

/** The one-line preview of a row. `length` is the true length; `bytes` may be a prefix of it. */
export function rowPreview(direction: number, kind: number, code: number, length: number, bytes: Uint8Array, maxChars = 240): string {
  const truncated = length > bytes.length;
  if (kind === Kind.Close) {
    const reason = previewText(bytes, maxChars);
    const head = code ? `${code} ${closeCodeName(code)}` : t('no status code');
    return reason ? `${head} · ${reason}${truncated ? '…' : ''}` : head;
  }
  if (bytes.length === 0) return length === 0 ? (direction === 2 ? '' : t('(empty)')) : '…';
  // Binary WebSocket messages are always shown as bytes; raw TCP data and control payloads only when
  // they do not look like text (many TCP protocols are text: HTTP, Redis, SMTP). A ping or pong payload
  // (at most 125 bytes, all of it here) that is not UTF-8 is bytes too, as the same payload is in Hex.
  const control = kind === Kind.Ping || kind === Kind.Pong;
  if (kind === Kind.Binary || (direction !== 2 && looksBinary(bytes)) || (control && !isWellFormedUtf8(bytes))) {
    const shown = bytes.subarray(0, Math.min(bytes.length, Math.floor(maxChars / 3)));
    return toHex(shown, ' ') + (shown.length < length ? ' …' : '');
  }
  const text = previewText(bytes, maxChars);
  return truncated && !text.endsWith('\u2026') ? text + '\u2026' : text;
}

/**
 * Who sent an auto-reply, for the header: the rule's number and match text as they were when it sent it,
 * or what of its recording a mock sent.
 */
export function autoReplyText(origin: AutoReplyOrigin): string {
  if (origin.mock === 'greeting') return t('mock greeting (recorded before the first request)');
  if (origin.mock === 'fallback') return t('mock fallback (no recorded request matched)');
  if (origin.mock === 'reply') return t('mock reply to recorded message #{0}: {1}', origin.rule, origin.match);
  if (origin.rule === 0) return t('auto-reply (its rule is no longer known)');
  return origin.match === '' ? t('auto-reply by rule {0} (any message)', origin.rule) : t('auto-reply by rule {0}: {1}', origin.rule, origin.match);
}
