// The Text tab: the payload decoded as UTF-8, with invalid bytes shown as marked \xHH runs (one node per
// run) instead of silently turning into U+FFFD. A big payload is laid out in blocks of a few KiB, filled
// one block a task so no task is long, and blocks out of view skip layout (content-visibility).
import { charBoundaryBefore, decodeUtf8 } from '../shared/codecs/utf8Decode';
import { h } from './domBuilder';
import { formatBytes } from './entryFormat';

/** Most bytes decoded into the view; the rest is reachable through Copy. */
export const TEXT_VIEW_LIMIT = 1024 * 1024;

/**
 * Bytes decoded into one block (one task). Random bytes make a node every two bytes or so: 4 KiB is
 * some 2,000 nodes, a few milliseconds to build.
 */
const BLOCK_BYTES = 4 * 1024;
/** How far back from a block's end a newline is looked for, so blocks break where the text does. */
const NEWLINE_LOOKBACK = 1024;

/** A Text tab being filled; dispose() stops the filling (another entry is shown). */
export interface TextView {
  readonly element: HTMLElement;
  dispose(): void;
}

/** Where the block starting at `start` ends: after a newline near the limit, else not inside a character. */
function blockEnd(bytes: Uint8Array, start: number): number {
  const limit = start + BLOCK_BYTES;
  if (limit >= bytes.length) return bytes.length;
  const newline = bytes.lastIndexOf(0x0a, limit - 1);
  if (newline >= limit - NEWLINE_LOOKBACK && newline >= start) return newline + 1;
  const end = charBoundaryBefore(bytes, limit);
  return end > start ? end : limit;
}

/** Decodes bytes [start, end) into a block: text nodes, and one marked span per run of invalid bytes. */
function renderBlock(bytes: Uint8Array, start: number, end: number): { block: HTMLElement; invalidBytes: number; end: number } {
  const decoded = decodeUtf8(bytes.subarray(start, end));
  let segments = decoded.segments;
  let invalidBytes = decoded.invalidBytes;
  const last = segments[segments.length - 1];
  // A run of invalid bytes at the end may go on past it: it starts the next block, so it stays one node.
  if (last?.invalid && last.byteOffset > 0 && end < bytes.length) {
    segments = segments.slice(0, -1);
    invalidBytes -= last.byteLength;
    end = start + last.byteOffset;
  }
  const block = h('div', { className: 'text-block' });
  const nodes: (Node | string)[] = [];
  for (const segment of segments) {
    if (segment.invalid) {
      const at = start + segment.byteOffset;
      nodes.push(
        h('span', {
          className: 'invalid-bytes',
          text: segment.text,
          title: `${segment.byteLength} byte${segment.byteLength === 1 ? '' : 's'} of invalid UTF-8 at offset ${at}`,
        }),
      );
    } else {
      nodes.push(segment.text);
    }
  }
  block.append(...nodes);
  return { block, invalidBytes, end };
}

/** Renders `bytes` (a prefix of `length` bytes) as marked-up text: the first block now, the rest in later tasks. */
export function renderText(bytes: Uint8Array, length: number): TextView {
  const shown = bytes.subarray(0, TEXT_VIEW_LIMIT);
  const pre = h('pre', { className: 'payload-text', testId: 'detail-text' });
  const note = h('div', { className: 'payload-note' });
  let invalidBytes = 0;
  let at = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const showNote = (): void => {
    const notes: string[] = [];
    if (invalidBytes > 0) notes.push(`${invalidBytes} invalid UTF-8 byte${invalidBytes === 1 ? '' : 's'} marked${at < shown.length ? ' so far' : ''}`);
    if (length > shown.length) notes.push(`showing the first ${formatBytes(shown.length)} of ${formatBytes(length)} — Copy or Save takes everything`);
    if (length === 0) notes.push('empty payload');
    note.textContent = notes.join(' · ');
    note.hidden = notes.length === 0;
  };
  const fill = (): void => {
    timer = undefined;
    const { block, invalidBytes: invalid, end } = renderBlock(shown, at, blockEnd(shown, at));
    pre.append(block);
    invalidBytes += invalid;
    at = end;
    if (at < shown.length) {
      pre.setAttribute('aria-busy', 'true');
      timer = setTimeout(fill, 0);
    } else {
      pre.removeAttribute('aria-busy');
    }
    showNote();
  };
  if (shown.length > 0) fill();
  else showNote();

  return {
    element: h('div', { className: 'payload-view' }, [note, pre]),
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
