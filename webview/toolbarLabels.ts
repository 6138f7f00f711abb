// The toolbar's words that docs and tests check without a page (no DOM here).
import type { ConnectionState } from '../shared/logModel';
import { t } from './l10n';

/** The connect button's label on a single connection: Connect before the first connection, then Reconnect. */
export function connectLabel(state: ConnectionState): string {
  if (state === 'open' || state === 'connecting' || state === 'closing') return t('Disconnect');
  return state === 'idle' ? t('Connect') : t('Reconnect');
}
