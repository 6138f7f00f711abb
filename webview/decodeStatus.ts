// The toolbar's part of decoding: which protocol layer or payload codecs read the connection and the
// layer's state ("Socket.IO · connected to /chat"), and a toggle to see raw previews in the rows instead
// of the decoded summaries. Not a setting: it lasts as long as the page.
import type { DecodeEvents } from '../shared/protocol/decode';
import { visibleText } from '../shared/codecs/utf8Decode';
import { decodeIsOn, formatName } from './decodeNames';
import { h, icon } from './domBuilder';
import { setEscapedText } from './escapedText';
import { t } from './l10n';

type ToggleElement = HTMLElement & { checked: boolean };

/**
 * What the connection's reading is, in words: "Socket.IO · connected to /chat", "MessagePack"; '' for none.
 * The layer's status is the peer's words (a namespace, a topic): as sent, control characters and all.
 */
function statusText(state: DecodeEvents['decodeState'] | undefined): string {
  const settings = state?.settings;
  if (!decodeIsOn(settings)) return '';
  const codecs = [...new Set((settings!.codecs ?? []).map((rule) => formatName(rule.codec)))];
  const reading = settings!.layer !== undefined ? [formatName(settings!.layer), ...(codecs.length ? [codecs.join(', ')] : [])].join(' + ') : codecs.join(', ');
  const status = state?.layerStatus ?? '';
  return status ? `${reading} · ${status}` : reading;
}

/** The decode status and the raw-previews toggle. */
export class DecodeStatus {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly rawToggle: ToggleElement;

  constructor(onRawChange: (raw: boolean) => void) {
    this.text = h('span', { className: 'decode-status-text' });
    const status = h('span', { className: 'decode-status', testId: 'decode-status' }, [icon('symbol-structure'), this.text]);
    this.rawToggle = document.createElement('vscode-toolbar-button') as ToggleElement;
    this.rawToggle.setAttribute('icon', 'file-binary');
    this.rawToggle.setAttribute('toggleable', '');
    this.rawToggle.setAttribute('label', t('Show raw previews instead of decoded summaries'));
    this.rawToggle.title = t('Show raw previews instead of decoded summaries');
    this.rawToggle.dataset.testid = 'decode-raw';
    this.rawToggle.addEventListener('change', () => onRawChange(this.rawToggle.checked));
    this.element = h('span', { className: 'decode-controls' }, [h('span', { className: 'divider' }), status, this.rawToggle]);
    this.element.hidden = true;
  }

  /** Whether rows show raw previews although a layer or codec is on. */
  get raw(): boolean {
    return this.rawToggle.checked;
  }

  /** Shows the reading of the connection; hidden when nothing decodes. Returns the status text. */
  update(state: DecodeEvents['decodeState'] | undefined): string {
    const shown = statusText(state);
    // Drawn with muted escapes, as rows draw them; the title and what is announced spell them plainly.
    setEscapedText(this.text, shown);
    const text = visibleText(shown);
    this.element.title = text;
    this.element.hidden = text === '';
    return text;
  }
}
