// A held or logged STOMP message as JSON text for editing, and back: one frame is
//   {"command": "SEND", "headers": [["destination", "/queue/a"], …], "body": "hello"}
// (`bodyBase64` instead of `body` when the body is not UTF-8; `trailing` when EOLs followed the NUL),
// several frames in one message are an array of these. Lines are written with LF.
import { SocketInspectorError } from '../../../../shared/errors';
import { decodeBase64, encodeBase64, jsonError } from '../../../../shared/codecs';
import type { LayerDecodeInput } from '../protocolLayer';
import { headerValue, type StompHeader } from './stompFrame';
import { encodeStompFrame } from './stompEncoder';
import { headerPairs, parseStomp, type ParsedFrame } from './stompParser';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

interface EditableFrame {
  command: string;
  headers: [string, string][];
  body?: string;
  bodyBase64?: string;
  trailing?: string;
}

function editable(frame: ParsedFrame): EditableFrame {
  const out: EditableFrame = { command: frame.command, headers: headerPairs(frame).map(([n, v]) => [n, v]) };
  try {
    out.body = strictUtf8.decode(frame.body);
  } catch {
    out.bodyBase64 = encodeBase64(frame.body);
  }
  if (frame.trailingEols > 0) out.trailing = '\n'.repeat(frame.trailingEols);
  return out;
}

/** The frames of a message as JSON text; undefined when it holds no complete frame or is malformed. */
export function stompToEditableText(input: LayerDecodeInput): string | undefined {
  const result = parseStomp(input.payload);
  if (result.error || result.partial) return undefined;
  const frames = result.items.filter((i): i is ParsedFrame => i.type === 'frame');
  if (frames.length === 0 || frames.length !== result.items.length) return undefined;
  const value = frames.length === 1 ? editable(frames[0]!) : frames.map(editable);
  return JSON.stringify(value, null, 2);
}

function mistake(message: string): SocketInspectorError {
  return new SocketInspectorError('PROTOCOL', message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads one edited frame; `where` names it in mistakes ('the frame', 'frame 2'). */
function readFrame(v: unknown, where: string): { command: string; headers: StompHeader[]; body: Uint8Array; trailing: string } {
  if (!isRecord(v)) throw mistake(`${where} must be an object {"command", "headers", "body"}`);
  const extra = Object.keys(v).find((k) => !['command', 'headers', 'body', 'bodyBase64', 'trailing'].includes(k));
  if (extra !== undefined) throw mistake(`${where} has an unknown field "${extra}" (fields: command, headers, body or bodyBase64, trailing)`);
  if (typeof v.command !== 'string') throw mistake(`${where}: "command" must be a string such as "SEND"`);
  const headers: StompHeader[] = [];
  if (v.headers !== undefined) {
    if (!Array.isArray(v.headers)) throw mistake(`${where}: "headers" must be a list of [name, value] pairs`);
    v.headers.forEach((h, i) => {
      if (!Array.isArray(h) || h.length !== 2 || typeof h[0] !== 'string' || typeof h[1] !== 'string') {
        throw mistake(`${where}: headers[${i}] must be a pair of strings [name, value]`);
      }
      headers.push([h[0], h[1]]);
    });
  }
  if (v.body !== undefined && v.bodyBase64 !== undefined) throw mistake(`${where} has both "body" and "bodyBase64": keep one`);
  let body: Uint8Array = new Uint8Array(0);
  if (v.body !== undefined) {
    if (typeof v.body !== 'string') throw mistake(`${where}: "body" must be a string`);
    body = encoder.encode(v.body);
  } else if (v.bodyBase64 !== undefined) {
    if (typeof v.bodyBase64 !== 'string') throw mistake(`${where}: "bodyBase64" must be a string`);
    body = decodeBase64(v.bodyBase64);
  }
  let trailing = '';
  if (v.trailing !== undefined) {
    if (typeof v.trailing !== 'string' || !/^(\r?\n)*$/.test(v.trailing)) throw mistake(`${where}: "trailing" may hold only line ends`);
    trailing = v.trailing;
  }
  return { command: v.command, headers, body, trailing };
}

/**
 * A content-length the user left as it was while changing the body is brought up to date (else the
 * edited frame would break); one the user changed, or one that was wrong before, is sent as written.
 */
function updateContentLength(headers: StompHeader[], body: Uint8Array, original: ParsedFrame | undefined): StompHeader[] {
  const written = headerValue(headers, 'content-length');
  if (written === undefined || original === undefined) return headers;
  const before = headerValue(headerPairs(original), 'content-length');
  if (written !== before || Number(before) !== original.body.length || body.length === original.body.length) return headers;
  const i = headers.findIndex(([n]) => n === 'content-length');
  const copy = headers.slice();
  copy[i] = ['content-length', String(body.length)];
  return copy;
}

/** The edited JSON text back to the bytes of one message. */
export function stompFromEditableText(text: string, input: LayerDecodeInput): Uint8Array {
  const bad = jsonError(text);
  if (bad) throw bad;
  const value: unknown = JSON.parse(text);
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw mistake('The list of frames is empty');
  const originals = parseStomp(input.payload).items.filter((i): i is ParsedFrame => i.type === 'frame');
  const parts = list.map((v, i) => {
    const where = list.length === 1 ? 'The frame' : `Frame ${i + 1}`;
    const f = readFrame(v, where);
    const headers = updateContentLength(f.headers, f.body, originals[i]);
    const bytes = encodeStompFrame({ command: f.command, headers, body: f.body });
    return f.trailing ? concat(bytes, encoder.encode(f.trailing)) : bytes;
  });
  return parts.length === 1 ? parts[0]! : concat(...parts);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
