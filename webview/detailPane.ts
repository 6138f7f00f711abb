// The detail pane: the selected entry's payload as Text, Hex and (when it parses) JSON, the code and
// reason of a WebSocket close, a WebSocket message's wire frames, and the Connection tab with the
// handshake and TLS details. While a protocol layer or payload codec reads the connection, the Decoded
// tab shows what it made of the entry, and opens first for entries it decodes.
import { Direction, Kind } from '../shared/logModel';
import type { DecodedMessage, PayloadResult } from '../shared/protocol';
import type { FramesResult } from '../shared/wireFrames';
import { charBoundaryBefore, isWellFormedUtf8 } from '../shared/codecs/utf8Decode';
import { clear, h } from './domBuilder';
import { copyEscapes } from './escapedText';
import { autoReplyText, legLabel, formatBytes, formatDateTime, kindLabel } from './entryFormat';
import { renderFrames } from './framesView';
import { renderConnectionDetails, type ConnectionDetails } from './handshakeView';
import { renderPagedHex, type HexView } from './hexPagedView';
import { renderDecoded, type ByteRange, type DecodedView } from './decodedView';
import { PARSE_AT_ONCE_BYTES, renderJsonTab } from './jsonTab';
import type { JsonView } from './jsonPagedView';
import { renderClose } from './closeView';
import { DetailHeader, type DetailHeaderDeps } from './detailHeader';
import { PayloadSource, type PayloadPageFetcher } from './payloadSource';
import { t } from './l10n';
import { attachTabKeyboard } from './tabKeyboard';
import { renderPagedText, type TextRowsFetcher, type TextView } from './textPagedView';

/** The detail tabs, in header order. */
export type DetailTab = 'decoded' | 'text' | 'hex' | 'json' | 'close' | 'frames' | 'connection';
export const DETAIL_TABS: readonly DetailTab[] = ['decoded', 'text', 'hex', 'json', 'close', 'frames', 'connection'];

/**
 * Payload bytes fetched with the entry: enough to parse JSON at once and to tell text from binary; the views
 * page in the rest. (4 MiB were fetched before paging: a task of 0.2 s in the page for every big entry.)
 */
export const DETAIL_PAYLOAD_LIMIT = PARSE_AT_ONCE_BYTES;

/** What the pane needs from the rest of the webview. */
export interface DetailPaneDeps extends DetailHeaderDeps, PayloadPageFetcher, TextRowsFetcher {
  getPayload(seq: number, limit: number): Promise<PayloadResult>;
  getFrames(seq: number): Promise<FramesResult>;
  /** Copies bytes [offset, offset + length) of an entry's payload to the clipboard (the Hex tab's selection). */
  copyRange(seq: number, offset: number, length: number, as: 'hex' | 'text'): Promise<void>;
  /** The entry as the connection's protocol layer or payload codec reads it; undefined when nothing applies. */
  getDecoded?(seq: number): Promise<DecodedMessage | undefined>;
  onTabChange(tab: DetailTab): void;
}

/** What getDecoded gave for the entry on display. */
type DecodedOutcome = { readonly decoded?: DecodedMessage } | { readonly error: string };

/** A binary message, or data or text whose bytes (a prefix when `cut`) are not UTF-8. */
function isBinary(kind: number, bytes: Uint8Array, cut: boolean): boolean {
  if (kind === Kind.Binary) return true;
  // A cut prefix may end inside a character: that is not a reason to call it binary.
  const whole = cut ? bytes.subarray(0, charBoundaryBefore(bytes, bytes.length)) : bytes;
  return (kind === Kind.Text || kind === Kind.Data) && !isWellFormedUtf8(whole);
}

interface TabParts {
  readonly header: HTMLElement;
  readonly panel: HTMLElement;
}

/** The right-hand (or lower) pane of the panel. */
export class DetailPane {
  readonly element: HTMLElement;
  private readonly header: DetailHeader;
  private readonly tabs: HTMLElement & { selectedIndex: number };
  private readonly parts: Record<DetailTab, TabParts>;
  private seq: number | undefined;
  private tab: DetailTab = 'text';
  /** Bumped on every show() so a late payload for an earlier selection is dropped. */
  private token = 0;
  private connectionKind: 'ws' | 'tcp' = 'ws';
  /** The entry shown belongs to a proxy pair: its header names the leg. */
  proxy = false;
  /** The entry on display is a WebSocket message, so it has wire frames. */
  private hasFrames = false;
  /** A layer or codec reads the connection: entries are asked for their decoded form. */
  private decoding = false;
  /** The user went to a raw tab while Decoded was offered: decoded entries open there, not on Decoded. */
  private rawPreferred = false;
  /** The pane, not the user, put Hex in front for a binary entry: the next text entry opens on Text again. */
  private autoHex = false;
  /** The show() token during which the user last picked a tab: that pick is kept for the entry loading. */
  private pickedAt = -1;
  /** The payload on display, paged from the host: the Hex and Text views read beyond the prefix through it. */
  private source: PayloadSource | undefined;
  private hexView: HexView | undefined;
  /** The Text tab, filled over several tasks; disposed when another entry is shown. */
  private textView: TextView | undefined;
  /** The JSON tab of a big document, read while it is shown; disposed when another entry is shown. */
  private jsonView: JsonView | undefined;
  /** A payload whose Text and Hex tabs wait to be opened (shown on Decoded: for 1 MiB they cost seconds). */
  private rawPending: PayloadResult | undefined;
  /** The bytes of the tree's selected node, marked in Hex (again when Hex is drawn later). */
  private marked: ByteRange | undefined;
  /** Show in Hex asked for before the raw tabs of the entry on display were filled; done when they are. */
  private showBytesWhenFilled: ByteRange | undefined;
  private decodedView: DecodedView | undefined;

  constructor(private readonly deps: DetailPaneDeps) {
    this.header = new DetailHeader(deps, () => this.seq);
    const labels: Record<DetailTab, string> = {
      decoded: t('Decoded'),
      text: t('Text'),
      hex: t('Hex'),
      json: 'JSON',
      close: t('Close'),
      frames: t('Frames'),
      connection: t('Connection'),
    };
    const tabs = document.createElement('vscode-tabs') as unknown as HTMLElement & { selectedIndex: number };
    tabs.className = 'detail-tabs';
    this.parts = {} as Record<DetailTab, TabParts>;
    for (const name of DETAIL_TABS) {
      const header = document.createElement('vscode-tab-header');
      header.setAttribute('slot', 'header');
      header.dataset.testid = `detail-tab-${name}`;
      header.textContent = labels[name];
      const panel = document.createElement('vscode-tab-panel');
      panel.className = 'detail-panel';
      panel.dataset.tab = name;
      panel.dataset.testid = `detail-panel-${name}`;
      tabs.append(header);
      this.parts[name] = { header, panel };
    }
    for (const name of DETAIL_TABS) tabs.append(this.parts[name].panel);
    tabs.addEventListener('vsc-tabs-select', (e) => {
      const index = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      const name = DETAIL_TABS[index];
      if (name) {
        this.tab = name;
        this.autoHex = false;
        this.pickedAt = this.token;
        this.deps.onTabChange(name);
        if (!this.parts.decoded.header.hidden) this.rawPreferred = name !== 'decoded';
        if (name === 'text' || name === 'hex') this.drawRaw();
        if (name === 'hex') this.scrollToMark();
        // Coming back to Frames asks again: a sent message is framed once ws has compressed it.
        if (name === 'frames') this.loadFrames();
      }
    });
    attachTabKeyboard(tabs);
    this.tabs = tabs;
    this.element = h('div', { className: 'detail', attrs: { role: 'region', 'aria-label': t('Entry details') } }, [this.header.element, tabs]);
    // A selection with escapes (a header value, a close reason) copies as the characters they stand for.
    this.element.addEventListener('copy', copyEscapes);
    // The hex dump re-lays its rows to the pane's width (the pane lives as long as the page; so does this).
    // In the next frame: re-laying inside the callback resizes what is observed ("ResizeObserver loop").
    let fitFrame = 0;
    new ResizeObserver(() => {
      cancelAnimationFrame(fitFrame);
      fitFrame = requestAnimationFrame(() => this.hexView?.fit(this.parts.hex.panel.clientWidth));
    }).observe(this.parts.hex.panel);
    this.setAvailable('decoded', false);
    this.setAvailable('json', false);
    this.setAvailable('close', false);
    this.setAvailable('frames', false);
    this.placeholder(t('Select an entry to see its payload.'));
  }

  /** The tab in front. */
  get currentTab(): DetailTab {
    return this.tab;
  }

  /** Brings a tab to the front (falls back to Text when that tab does not apply). */
  selectTab(tab: DetailTab): void {
    const target: DetailTab = this.parts[tab].header.hidden ? 'text' : tab;
    if (target === 'text' || target === 'hex') this.drawRaw();
    this.tab = target;
    this.tabs.selectedIndex = DETAIL_TABS.indexOf(target);
  }

  /** Shows an entry (undefined clears the pane); `summary` describes it until its payload arrives. */
  show(seq: number | undefined): void {
    const token = ++this.token;
    this.showBytesWhenFilled = undefined;
    this.seq = seq;
    if (seq === undefined) {
      this.header.set(t('No entry selected'), false);
      this.setAvailable('decoded', false);
      this.setAvailable('json', false);
      this.setAvailable('close', false);
      this.setAvailable('frames', false);
      this.placeholder(t('Select an entry to see its payload.'));
      return;
    }
    this.header.set(t('#{0} · loading…', seq), true);
    // Decoded, when it will open, is drawn as soon as its answer is there; the raw tabs follow it.
    const decoded: Promise<DecodedOutcome | undefined> =
      this.decoding && this.deps.getDecoded
        ? this.deps.getDecoded(seq).then(
            (d): DecodedOutcome => (d ? { decoded: d } : {}),
            (e: unknown): DecodedOutcome => ({ error: e instanceof Error ? e.message : String(e) }),
          )
        : Promise.resolve(undefined);
    let early: Promise<boolean> = Promise.resolve(false);
    if (this.decoding && this.opensDecoded()) {
      early = decoded.then((outcome) => {
        if (token !== this.token || !outcome || !('decoded' in outcome) || !outcome.decoded) return false;
        // In a task of its own: the message that brought a big decoded tree has cost its task enough.
        return new Promise<boolean>((resolve) => setTimeout(() => {
          if (token === this.token) {
            this.pendingRaw(t('loading…'));
            this.renderDecoded(outcome);
          }
          resolve(token === this.token);
        }, 0));
      });
    }
    Promise.all([this.deps.getPayload(seq, DETAIL_PAYLOAD_LIMIT), decoded, early]).then(
      ([result, outcome, drawn]) => {
        if (token !== this.token) return;
        const fill = (): void => {
          if (token !== this.token) return;
          this.render(result, drawn && this.tab === 'decoded');
          if (!drawn) this.renderDecoded(outcome);
        };
        // A frame after Decoded's first paint when it went first, else in a task of its own, as above.
        if (drawn) requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(fill, 0)));
        else setTimeout(fill, 0);
      },
      (e: unknown) => {
        if (token !== this.token) return;
        this.header.set(`#${seq}`, false);
        this.placeholder(e instanceof Error ? e.message : String(e));
      },
    );
  }

  /** Adds a row between the header and the tabs (the timing line). */
  addHeaderRow(row: HTMLElement): void {
    this.element.insertBefore(row, this.tabs);
  }

  /** Puts the keyboard in the tab in front (its panel scrolls with the arrow keys; Decoded: its tree). */
  focus(): void {
    if (this.tab === 'decoded' && this.decodedView) this.decodedView.tree.focus();
    else this.parts[this.tab].panel.focus();
  }

  /** Whether `seq` is the entry on display. */
  isShowing(seq: number): boolean {
    return this.seq === seq;
  }

  /** Whether a layer or codec reads the connection now; the entry on display is asked again. */
  setDecoding(on: boolean): void {
    const was = this.decoding;
    this.decoding = on;
    if (on !== was && !on) this.rawPreferred = false;
    if (this.seq !== undefined) this.show(this.seq);
  }

  /** Updates the Connection tab. */
  setConnection(details: ConnectionDetails): void {
    this.connectionKind = details.connectionKind;
    renderConnectionDetails(this.parts.connection.panel, details);
  }

  // ------------------------------------------------------------------------------------------------

  private setAvailable(tab: DetailTab, available: boolean): void {
    this.parts[tab].header.hidden = !available;
    if (!available && this.tab === tab) this.selectTab('text');
  }

  private placeholder(text: string): void {
    this.disposeDecoded();
    clear(this.parts.decoded.panel);
    this.parts.decoded.panel.append(h('div', { className: 'muted placeholder', text }));
    this.pendingRaw(text);
  }

  private render(r: PayloadResult, rawLater = false): void {
    const bytes = new Uint8Array(r.payload);
    const parts = [`#${r.seq}`, legLabel(r.direction, this.proxy), kindLabel(r.kind), formatBytes(r.length), formatDateTime(r.wallTime)];
    if (r.autoReply) parts.push(autoReplyText(r.autoReply));
    this.header.set(parts.join(' · '), true);

    this.source?.dispose();
    this.source = new PayloadSource(r.seq, r.length, this.deps, bytes);
    this.rawPending = r;
    if (!rawLater) this.drawRaw();
    const isClose = r.kind === Kind.Close;
    clear(this.parts.close.panel);
    if (isClose) this.parts.close.panel.append(renderClose(r.code, bytes));
    this.setAvailable('close', isClose);

    this.jsonView?.dispose();
    const json = renderJsonTab(this.parts.json.panel, r.seq, bytes, r.length, this.deps);
    this.jsonView = json.view;
    this.setAvailable('json', json.available);

    this.hasFrames = this.connectionKind === 'ws' && r.direction !== Direction.Meta && r.kind <= Kind.Close;
    clear(this.parts.frames.panel);
    this.setAvailable('frames', this.hasFrames);
    if (this.hasFrames) this.loadFrames();

    // Binary opens on Hex: Text would be mostly escapes. Only in place of Text, and never over the user's pick.
    if (this.autoHex && this.tab === 'hex') this.tab = 'text';
    this.autoHex = false;
    if (this.tab === 'text' && this.pickedAt !== this.token && isBinary(r.kind, bytes, r.length > bytes.length)) {
      this.tab = 'hex';
      this.autoHex = true;
    }
    if (isClose && this.tab !== 'connection' && this.tab !== 'frames') this.selectTab('close');
    else this.selectTab(this.tab);
    if (this.showBytesWhenFilled) this.showBytes(this.showBytesWhenFilled);
  }

  /** Draws the Text and Hex tabs of the payload on display, if they wait to be. */
  private drawRaw(): void {
    const r = this.rawPending;
    if (!r) return;
    this.rawPending = undefined;
    // render() made the source for this payload; drawRaw runs only after it.
    const source = (this.source ??= new PayloadSource(r.seq, r.length, this.deps, new Uint8Array(r.payload)));
    clear(this.parts.text.panel);
    this.disposeText();
    this.textView = renderPagedText(source, this.deps);
    this.parts.text.panel.append(this.textView.element);
    clear(this.parts.hex.panel);
    this.disposeHex();
    this.hexView = renderPagedHex(source, { copyRange: (offset, length, as) => this.deps.copyRange(r.seq, offset, length, as) });
    this.parts.hex.panel.append(this.hexView.element);
    this.hexView.fit(this.parts.hex.panel.clientWidth);
    if (this.marked) this.hexView.highlight(this.marked, false);
  }

  /** Shows the Decoded tab for the entry on display (or hides it), and opens it unless the user went raw. */
  private renderDecoded(outcome: DecodedOutcome | undefined): void {
    this.disposeDecoded();
    const panel = this.parts.decoded.panel;
    clear(panel);
    const decoded = outcome && 'decoded' in outcome ? outcome.decoded : undefined;
    const error = outcome && 'error' in outcome ? outcome.error : undefined;
    if (decoded === undefined && error === undefined) {
      this.setAvailable('decoded', false);
      return;
    }
    if (decoded === undefined) {
      panel.append(h('div', { className: 'muted placeholder', testId: 'decoded-failed', text: t('Could not decode this entry: {0}', error ?? '') }));
    } else {
      this.decodedView = renderDecoded(decoded, {
        markBytes: (range) => {
          this.marked = range;
          this.hexView?.highlight(range, false);
        },
        showBytes: (range) => this.showBytes(range),
      });
      panel.append(this.decodedView.element);
    }
    this.setAvailable('decoded', true);
    if (this.opensDecoded()) this.selectTab('decoded');
  }

  private opensDecoded(): boolean {
    return !this.rawPreferred && this.tab !== 'connection' && this.tab !== 'frames' && this.tab !== 'close';
  }

  /** Empties the raw tabs (the previous entry's) until this entry's payload is drawn in them. */
  private pendingRaw(text: string): void {
    this.rawPending = undefined;
    this.source?.dispose();
    this.source = undefined;
    this.disposeText();
    this.jsonView?.dispose();
    this.jsonView = undefined;
    this.disposeHex();
    for (const name of ['text', 'hex', 'json', 'close', 'frames'] satisfies DetailTab[]) {
      clear(this.parts[name].panel);
      this.parts[name].panel.append(h('div', { className: 'muted placeholder', text }));
    }
  }

  private disposeText(): void {
    this.textView?.dispose();
    this.textView = undefined;
  }

  private disposeHex(): void {
    this.hexView?.dispose();
    this.hexView = undefined;
  }

  private disposeDecoded(): void {
    this.marked = undefined;
    this.decodedView?.tree.dispose();
    this.decodedView = undefined;
  }

  /** Opens the Hex tab with `range` marked and scrolled into view. */
  private showBytes(range: ByteRange): void {
    this.drawRaw();
    // Decoded is drawn before the raw tabs are filled (a frame or two later): Hex opens when they are.
    this.showBytesWhenFilled = this.hexView ? undefined : range;
    if (!this.hexView) return;
    this.hexView.highlight(range, false);
    this.selectTab('hex');
    this.deps.onTabChange('hex');
    this.rawPreferred = false;
    this.scrollToMark();
    this.parts.hex.panel.focus();
  }

  /** Scrolls the Hex tab to its mark once the tab is laid out. */
  private scrollToMark(): void {
    requestAnimationFrame(() => this.hexView?.revealMark());
  }

  /** Fetches and shows the wire frames of the entry on display. */
  private loadFrames(): void {
    const seq = this.seq;
    if (seq === undefined || !this.hasFrames) return;
    const token = this.token;
    const panel = this.parts.frames.panel;
    this.deps.getFrames(seq).then(
      (result) => {
        if (token !== this.token) return;
        clear(panel);
        panel.append(renderFrames(result, () => this.loadFrames()));
      },
      (e: unknown) => {
        if (token !== this.token) return;
        clear(panel);
        panel.append(h('div', { className: 'muted placeholder', text: e instanceof Error ? e.message : String(e) }));
      },
    );
  }
}
