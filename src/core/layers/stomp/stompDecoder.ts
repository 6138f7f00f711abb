// The STOMP layer's decoder: one logged message (a WebSocket message or a TCP piece) to its frames as
// the panel shows them: a summary, a tree with command, headers in order (a repeated header is kept and
// marked: the first occurrence wins) and body, and the fields the filter knows. Stateless: a frame split
// over messages shows as incomplete in the first and as not a frame in the next (the session's reader
// joins them).
import { clipSummary, type DecodedMessage, type DecodedNode } from '../../../../shared/decode/decoded';
import { Kind } from '../../../../shared/logModel';
import { toHex } from '../../../../shared/codecs/hexDump';
import type { LayerDecodeInput, LayerDecoder, LayerSummary } from '../protocolLayer';
import { headerValue, isKnownCommand, type StompHeader } from './stompFrame';
import { headerPairs, parseStomp, type ParsedFrame, type ParsedHeader, type PartialFrame, type StompItem } from './stompParser';
import { frameSummary } from './stompSummary';
import { stompFromEditableText, stompToEditableText } from './stompEditableText';

/** Most body bytes shown in the tree (the Text and Hex tabs hold the whole payload). */
const TREE_BODY_BYTES = 16 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text when it is UTF-8, else undefined. */
function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function headersNode(headers: readonly ParsedHeader[], offset: number): DecodedNode {
  const seen = new Set<string>();
  const children = headers.map((h): DecodedNode => {
    const repeated = seen.has(h.name);
    seen.add(h.name);
    return {
      key: h.name,
      type: repeated ? 'header (repeated: ignored, the first wins)' : 'header',
      value: JSON.stringify(h.value),
      offset: h.offset,
      length: h.length,
    };
  });
  return { key: 'headers', type: `headers (${headers.length})`, children, offset: headers[0]?.offset ?? offset };
}

function bodyNode(body: Uint8Array, offset: number): DecodedNode {
  const shown = body.length > TREE_BODY_BYTES ? body.subarray(0, TREE_BODY_BYTES) : body;
  const clipped = shown.length < body.length ? ` (first ${TREE_BODY_BYTES} of ${body.length} B)` : '';
  // A clipped text may end inside a character: then the cut is shown as hex like any binary body.
  const text = utf8Text(shown);
  if (text !== undefined) return { key: 'body', type: `text${clipped}`, value: JSON.stringify(text), offset, length: body.length };
  return { key: 'body', type: `bin${clipped}`, value: toHex(shown), offset, length: body.length };
}

function commandNode(command: string, offset: number): DecodedNode {
  return {
    key: 'command',
    type: isKnownCommand(command) ? 'command' : 'command (not one STOMP defines)',
    value: JSON.stringify(command),
    offset,
    length: command.length,
  };
}

function frameNode(key: string, frame: ParsedFrame): DecodedNode {
  return {
    key,
    type: frame.command,
    offset: frame.offset,
    length: frame.end - frame.offset,
    children: [
      commandNode(frame.command, frame.offset),
      headersNode(frame.headers, frame.offset + frame.command.length + (frame.crlf ? 2 : 1)),
      bodyNode(frame.body, frame.bodyOffset),
    ],
  };
}

function partialNode(key: string, partial: PartialFrame): DecodedNode {
  const children: DecodedNode[] = [];
  if (partial.command !== undefined) {
    children.push(commandNode(partial.command, partial.offset));
    children.push(headersNode(partial.headers, partial.offset + partial.command.length + 1));
  }
  const missing = partial.missing !== undefined ? `, ${partial.missing} B missing` : '';
  return { key, type: `${partial.command ?? 'frame'} (incomplete${missing})`, offset: partial.offset, children };
}

function heartBeatNode(key: string, item: Extract<StompItem, { type: 'heart-beat' }>): DecodedNode {
  return { key, type: 'heart-beat', value: JSON.stringify(item.count === 1 ? 'EOL' : `${item.count} EOLs`), offset: item.offset, length: item.length };
}

function headersOf(frame: ParsedFrame | PartialFrame): StompHeader[] {
  return 'type' in frame ? headerPairs(frame) : frame.headers.map((h) => [h.name, h.value] as const);
}

/** The tree of a parsed message: its one frame, or a node per frame and heart-beat. */
function stompTree(result: ReturnType<typeof parseStomp>, frames: number, length: number): DecodedNode {
  const nodes = result.items.map((item, i) => (item.type === 'frame' ? frameNode(String(i), item) : heartBeatNode(String(i), item)));
  if (result.partial) nodes.push(partialNode(String(nodes.length), result.partial));
  return nodes.length === 1 ? { ...nodes[0]!, key: '' } : { key: '', type: `${frames} frames`, children: nodes, offset: 0, length };
}

/** Decodes one logged message as STOMP; undefined for entries that are not messages (pings, meta). */
export function decodeStomp(input: LayerDecodeInput): (DecodedMessage & { readonly innerPayload?: Uint8Array }) | undefined {
  return decodeParts(input, true);
}

/** decodeStomp without the tree, for a row; see LayerDecoder.summarize. */
export function summarizeStomp(input: LayerDecodeInput): LayerSummary | undefined {
  return decodeParts(input, false);
}

function decodeParts(input: LayerDecodeInput, withTree: true): (DecodedMessage & { readonly innerPayload?: Uint8Array }) | undefined;
function decodeParts(input: LayerDecodeInput, withTree: false): LayerSummary | undefined;
function decodeParts(input: LayerDecodeInput, withTree: boolean): (LayerSummary & { readonly tree?: DecodedNode; readonly format?: string }) | undefined {
  if (input.kind !== Kind.Text && input.kind !== Kind.Binary && input.kind !== Kind.Data) return undefined;
  const result = parseStomp(input.payload);
  const frames = result.items.filter((i): i is ParsedFrame => i.type === 'frame');
  const beats = result.items.length - frames.length;

  const first: ParsedFrame | PartialFrame | undefined = frames[0] ?? result.partial;
  let summary: string;
  if (first === undefined) {
    summary = beats > 0 ? 'heart-beat' : result.error ? 'not a STOMP frame' : '(empty)';
  } else {
    const bodyBytes = 'type' in first ? first.body.length : 0;
    summary = frameSummary(first.command ?? 'frame', headersOf(first), bodyBytes);
    if (!('type' in first)) summary += ' … (incomplete: continues in the next message)';
    const more = frames.length + (result.partial ? 1 : 0) - 1;
    if (more > 0) summary += ` (+${more} more frame${more === 1 ? '' : 's'})`;
  }
  if (result.error) summary += ` · malformed at byte ${result.error.offset}`;

  const fields: Record<string, string> = {};
  if (first?.command !== undefined) {
    fields.command = first.command;
    const headers = headersOf(first);
    for (const [field, header] of [
      ['destination', 'destination'],
      ['subscription', 'subscription'],
      ['receipt', 'receipt'],
      ['receipt', 'receipt-id'],
    ] as const) {
      const v = headerValue(headers, header);
      if (v !== undefined && fields[field] === undefined) fields[field] = v;
    }
  } else if (beats > 0 && !result.error) {
    fields.command = 'heart-beat';
  }

  const inner = frames.find((f) => f.body.length > 0)?.body;
  const row = {
    summary: clipSummary(summary),
    fields,
    ...(result.error ? { error: result.error } : {}),
    ...(inner ? { innerPayload: inner } : {}),
  };
  if (!withTree) return row;
  return {
    format: 'stomp',
    summary: row.summary,
    tree: stompTree(result, frames.length, input.payload.length),
    fields,
    ...(result.error ? { error: result.error } : {}),
    ...(inner ? { innerPayload: inner } : {}),
  };
}

/** The STOMP layer's LayerDecoder. */
export const stompDecoder: LayerDecoder = {
  id: 'stomp',
  decode: decodeStomp,
  summarize: summarizeStomp,
  toEditableText: stompToEditableText,
  fromEditableText: stompFromEditableText,
};
