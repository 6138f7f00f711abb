// The composer's input formats: their names and the placeholder that shows each one's syntax (used by the
// format choice and by the saved-messages list).
import type { ComposerFormat } from '../shared/protocol';
import { t } from './l10n';

/** The name of each format. */
/** The composer's input formats, in the order its select lists them. */
export const COMPOSER_FORMATS: readonly ComposerFormat[] = ['text', 'json', 'hex', 'base64'];

export const FORMAT_LABELS: Record<ComposerFormat, string> = { text: t('Text'), json: 'JSON', hex: t('Hex'), base64: 'Base64' };
/** What an empty input shows, per format. */
export const PLACEHOLDERS: Record<ComposerFormat, string> = {
  text: t('Message text — Ctrl+Enter to send'),
  json: t('{"type": "subscribe"} — checked before sending'),
  hex: t('48 65 6c 6c 6f  or  0x48,0x65  or  48656c6c6f'),
  base64: 'SGVsbG8=',
};
