// The Frames tab: the wire frames of the selected WebSocket entry as they crossed the wire, one row
// each (FIN, RSV1-3, opcode, mask and key, payload and header length, anomalies), and a summary that
// sets the bytes on the wire against the message as logged (compressed, when permessage-deflate).
import { ANOMALY_TEXT, opcodeName, type FramesResult, type WireFrameInfo } from '../shared/wireFrames';
import { h, icon } from './domBuilder';
import { formatBytes, formatCount, formatTime } from './entryFormat';
import { framesSummary, isCompressedFrame } from './framesSummary';
import { t } from './l10n';

const COLUMNS = ['#', t('Dir'), 'FIN', 'RSV1', 'RSV2', 'RSV3', t('Opcode'), 'MASK', t('Payload'), t('Header'), t('Notes'), t('Time')] as const;

/** A proxy pair's legs as the Leg column and its filter name them. */
const LEG_TEXT = { client: t('client'), upstream: t('upstream') } as const;
const LEG_CHOICES: ReadonlyArray<[value: '' | 'client' | 'upstream', label: string]> = [
  ['', t('Both legs')],
  ['client', t('Client leg')],
  ['upstream', t('Upstream leg')],
];
/** The leg the filter shows ('' both); kept for the page's life so the next entry opens the same way. */
let shownLeg: '' | 'client' | 'upstream' = '';

/** Shows the rows of `leg` ('' all of them). */
function filterLegs(table: HTMLElement, leg: typeof shownLeg): void {
  for (const tr of table.querySelectorAll<HTMLElement>('tr.frame-row')) tr.hidden = leg !== '' && tr.dataset.leg !== leg;
}

/** The leg filter above a proxy pair's table. */
function legFilter(table: HTMLElement): HTMLElement {
  const select = document.createElement('vscode-single-select') as HTMLElement & { value: string };
  select.dataset.testid = 'frames-leg';
  select.setAttribute('aria-label', t('Show the frames of'));
  for (const [value, label] of LEG_CHOICES) {
    const o = document.createElement('vscode-option');
    o.setAttribute('value', value);
    if (value === shownLeg) o.setAttribute('selected', '');
    o.textContent = label;
    select.append(o);
  }
  select.addEventListener('change', () => {
    shownLeg = select.value === 'client' || select.value === 'upstream' ? select.value : '';
    filterLegs(table, shownLeg);
  });
  return select;
}

/** Each cell's column name, shown before its value when a narrow pane stacks a frame's cells (frames.css). */
/** The Frames table's columns as data-col names them (CSS and tests read them). */
type FrameColumn = 'index' | 'leg' | 'fin' | 'rsv1' | 'rsv2' | 'rsv3' | 'opcode' | 'mask' | 'payload' | 'header' | 'notes' | 'time';

const LABELS: Readonly<Partial<Record<FrameColumn, string>>> = { fin: 'FIN', rsv1: 'RSV1', rsv2: 'RSV2', rsv3: 'RSV3', mask: 'MASK', payload: t('Payload'), header: t('Header') };

/** What `#` counts: a frame's place in its message, on its own leg in a proxy pair (host: WireFrameInfo.position). */
function positionTitle(f: WireFrameInfo): string {
  if (f.leg === 'client') return t('Frame {0} of the message on the client leg, counting from 0', f.position);
  if (f.leg === 'upstream') return t('Frame {0} of the message on the upstream leg, counting from 0', f.position);
  return t('Frame {0} of the message, counting from 0', f.position);
}

const bit = (on: boolean) => (on ? '1' : '0');

function cell(col: FrameColumn, text: string, title?: string): HTMLTableCellElement {
  const label = LABELS[col];
  return h('td', { attrs: { 'data-col': col, ...(label ? { 'data-label': label } : {}) }, text, ...(title ? { title } : {}) });
}

function row(f: WireFrameInfo, deflate: boolean, legs: boolean): HTMLTableRowElement {
  const notes: string[] = [];
  if (isCompressedFrame(f, deflate)) notes.push(t('compressed'));
  for (const a of f.anomalies) notes.push(ANOMALY_TEXT[a]);
  const length = f.payloadLengthText ?? String(f.payloadLength);
  const attrs: Record<string, string> = { 'data-index': String(f.index), ...(f.leg ? { 'data-leg': f.leg } : {}) };
  const tr = h('tr', { className: `frame-row frame-${f.direction === 1 ? 'out' : 'in'}`, testId: 'frame-row', attrs }, [
    cell('index', String(f.position), positionTitle(f)),
    h('td', { attrs: { 'data-col': 'dir' } }, [icon(f.direction === 1 ? 'arrow-up' : 'arrow-down'), ' ', f.direction === 1 ? t('out') : t('in')]),
    legs ? cell('leg', f.leg ? LEG_TEXT[f.leg] : '', f.leg === 'client' ? t('Between the client and the proxy') : t('Between the proxy and the upstream server')) : undefined,
    cell('fin', bit(f.fin)),
    cell('rsv1', bit(f.rsv1)),
    cell('rsv2', bit(f.rsv2)),
    cell('rsv3', bit(f.rsv3)),
    cell('opcode', `${opcodeName(f.opcode)} (0x${f.opcode.toString(16).toUpperCase()})`),
    cell('mask', f.masked ? `1 · ${f.maskKey ?? ''}` : '0', f.masked ? t('Masked; the masking key in hex') : t('Not masked')),
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
  refreshButton.setAttribute('label', t('Refresh frames'));
  refreshButton.title = t('Refresh frames (a message being sent is framed once compressed)');
  refreshButton.dataset.testid = 'frames-refresh';
  refreshButton.addEventListener('click', refresh);
  if (!r.available) {
    return h('div', { className: 'frames-view', testId: 'detail-frames' }, [
      h('div', { className: 'muted', testId: 'frames-empty', text: t('This connection records no wire frames (a recorded session, or not a WebSocket).') }),
    ]);
  }
  if (r.total === 0) {
    return h('div', { className: 'frames-view', testId: 'detail-frames' }, [
      h('div', { className: 'frames-header' }, [
        h('div', {
          className: 'muted',
          testId: 'frames-empty',
          text: t('No wire frames for this entry: not framed yet (a sent message waits for its compression), or evicted by the retention limit.'),
        }),
        refreshButton,
      ]),
    ]);
  }
  // A proxy pair's frames come from two legs: a Leg column after Dir, and a filter by leg.
  const legs = r.frames.some((f) => f.leg !== undefined);
  const columns: readonly string[] = legs ? [...COLUMNS.slice(0, 2), t('Leg'), ...COLUMNS.slice(2)] : COLUMNS;
  const table = h('table', { className: 'frames-table', testId: 'frames-table' }, [
    h('thead', {}, [h('tr', {}, columns.map((c) => h('th', { text: c, attrs: { scope: 'col' } })))]),
    h('tbody', {}, r.frames.map((f) => row(f, r.deflate, legs))),
  ]);
  if (legs) filterLegs(table, shownLeg);
  return h('div', { className: 'frames-view', testId: 'detail-frames' }, [
    h('div', { className: 'frames-header' }, [
      h('div', { className: 'frames-summary', testId: 'frames-summary', text: framesSummary(r) }),
      legs ? legFilter(table) : undefined,
      refreshButton,
    ]),
    table,
    r.frames.length < r.total
      ? h('div', { className: 'muted', testId: 'frames-truncated', text: t('Showing the first {0} of {1} frames.', formatCount(r.frames.length), formatCount(r.total)) })
      : undefined,
  ]);
}
