// The composer's "Encode as <codec>": shown while a payload codec reads whole messages of the direction
// the composer sends in (shared/decode/encodeRule.ts, the same rule the host encodes with). Checked, the
// composer's JSON goes to the host, which encodes it with that codec and sends the bytes as binary.
import type { DecodeSettings } from '../shared/decode/decodeSettings';
import { encodeRuleFor } from '../shared/decode/encodeRule';
import { formatName } from './decodeNames';
import { t } from './l10n';

type CheckboxElement = HTMLElement & { checked: boolean; disabled: boolean };

export class EncodeOption {
  readonly element: CheckboxElement;
  private settings: DecodeSettings = {};
  private direction: 'in' | 'out' = 'out';

  constructor() {
    this.element = document.createElement('vscode-checkbox') as CheckboxElement;
    this.element.dataset.testid = 'composer-encode';
    this.element.hidden = true;
  }

  /** Whether the composer's JSON is to be encoded by the host. */
  get chosen(): boolean {
    return !this.element.hidden && this.element.checked;
  }

  /** The panel's decode settings, from decodeState. */
  setSettings(settings: DecodeSettings): void {
    this.settings = settings;
    this.update();
  }

  /** The direction the composer sends in: 'in' while a proxy pair's message is injected toward the client. */
  setDirection(direction: 'in' | 'out'): void {
    if (direction === this.direction) return;
    this.direction = direction;
    this.update();
  }

  private update(): void {
    const rule = encodeRuleFor(this.settings, this.direction);
    this.element.hidden = rule === undefined;
    if (!rule) return;
    const name = formatName(rule.codec);
    const label = rule.messageType ? t('Encode as {0} ({1})', name, rule.messageType) : t('Encode as {0}', name);
    if (this.element.getAttribute('label') !== label) this.element.setAttribute('label', label);
    this.element.title = t('Send the JSON typed below encoded as {0}, as a binary message', name);
  }
}
