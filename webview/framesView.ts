// The Frames tab: the wire frames of the selected WebSocket entry as they crossed the wire, one row
// each (FIN, RSV1-3, opcode, mask and key, payload and header length, anomalies), and a summary that
// sets the bytes on the wire against the message as logged (compressed, when permessage-deflate).
import { ANOMALY_TEXT, opcodeName, type FramesResult, type WireFrameInfo } from '../shared/wireFrames';
import { h, icon } from './domBuilder';
import { formatBytes, formatCount, formatTime } from './entryFormat';
import { framesSummary, isCompressedFrame } from './framesSummary';

const COLUMNS = ['#', 'Dir', 'FIN', 'RSV1', 'RSV2', 'RSV3', 'Opcode', 'MASK', 'Payload', 'Header', 'Notes', 'Time'] as const;

/** Each cell's column name, shown before its value when a narrow pane stacks a frame's cells (frames.css). */
const LABELS: Readonly<Record<string, string>> = { fin: 'FIN', rsv1: 'RSV1', rsv2: 'RSV2', rsv3: 'RSV3', mask: 'MASK', payload: 'Payload', header: 'Header' };

const bit = (on: boolean) => (on ? '1' : '0');

function cell(col: string, text: string, title?: string): HTMLTableCellElement {
  const label = LABELS[col];
  return h('td', { attrs: { 'data-col': col, ...(label ? { 'data-label': label } : {}) }, text, ...(title ? { title } : {}) });
}

function row(f: WireFrameInfo, deflate: boolean): HTMLTableRowElement {
  const notes: string[] = [];
  if (isCompressedFrame(f, deflate)) notes.push('compressed');
  for (const a of f.anomalies) notes.push(ANOMALY_TEXT[a]);
  const length = f.payloadLengthText ?? String(f.payloadLength);
  const tr = h('tr', { className: `frame-row frame-${f.direction === 1 ? 'out' : 'in'}`, testId: 'frame-row', attrs: { 'data-index': String(f.index) } }, [
    cell('index', String(f.index)),
    h('td', { attrs: { 'data-col': 'dir' } }, [icon(f.direction === 1 ? 'arrow-up' : 'arrow-down'), f.direction === 1 ? ' out' : ' in']),
    cell('fin', bit(f.fin)),
    cell('rsv1', bit(f.rsv1)),
    cell('rsv2', bit(f.rsv2)),
    cell('rsv3', bit(f.rsv3)),
    cell('opcode', `${opcodeName(f.opcode)} (0x${f.opcode.toString(16).toUpperCase()})`),
    cell('mask', f.masked ? `1 · ${f.maskKey ?? ''}` : '0', f.masked ? 'Masked; the masking key in hex' : 'Not masked'),
    cell('payload', length, formatBytes(f.payloadLength)),
    cell('header', String(f.headerLength)),
    h('td', { attrs: { 'data-col': 'notes' }, className: f.anomalies.length ? 'frame-anomaly' : '', text: notes.join('; ') }),
    cell('time', formatTime(f.wallTime)),
  ]);
  return tr;
}

/** Renders the Frames tab for one entry; `refresh` asks for the frames again. */
export function renderFrames(r: FramesResult, refresh: () => void): HTMLElement {
  const refreshButton = document.createElement('vscode-toolbar-button');
  refreshButton.setAttribute('icon', 'refresh');
  refreshButton.setAttribute('label', 'Refresh frames');
  refreshButton.title = 'Refresh frames (a message being sent is framed once compressed)';
  refreshButton.dataset.testid = 'frames-refresh';
  refreshButton.addEventListener('click', refresh);
  if (!r.available) {
    return h('div', { className: 'frames-view', testId: 'detail-frames' }, [
      h('div', { className: 'muted', testId: 'frames-empty', text: 'This connection records no wire frames (a recorded session, or not a WebSocket).' }),
    ]);
  }
  if (r.total === 0) {
    return h('div', { className: 'frames-view', testId: 'detail-frames' }, [
      h('div', { className: 'frames-header' }, [
        h('div', {
          className: 'muted',
          testId: 'frames-empty',
          text: 'No wire frames for this entry: not framed yet (a sent message waits for its compression), or evicted by the retention limit.',
        }),
        refreshButton,
      ]),
    ]);
  }
  const table = h('table', { className: 'frames-table', testId: 'frames-table' }, [
    h('thead', {}, [h('tr', {}, COLUMNS.map((c) => h('th', { text: c, attrs: { scope: 'col' } })))]),
    h('tbody', {}, r.frames.map((f) => row(f, r.deflate))),
  ]);
  return h('div', { className: 'frames-view', testId: 'detail-frames' }, [
    h('div', { className: 'frames-header' }, [h('div', { className: 'frames-summary', testId: 'frames-summary', text: framesSummary(r) }), refreshButton]),
    table,
    r.frames.length < r.total
      ? h('div', { className: 'muted', testId: 'frames-truncated', text: `Showing the first ${formatCount(r.frames.length)} of ${formatCount(r.total)} frames.` })
      : undefined,
  ]);
}
