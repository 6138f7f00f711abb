// The Close tab: a WebSocket close frame's status code (with its registered name) and reason.
import { t } from './l10n';
import { h } from './domBuilder';
import { escapedElement } from './escapedText';
import { closeCodeName } from './entryFormat';

const utf8 = new TextDecoder('utf-8');

/** The code and reason of a close frame. */
export function renderClose(code: number, reason: Uint8Array): HTMLElement {
  return h('div', { className: 'close-view', testId: 'detail-close' }, [
    h('table', { className: 'kv-table' }, [
      h('tr', {}, [h('th', { text: t('Code') }), h('td', { text: code ? t('{0} — {1}', code, closeCodeName(code)) : t('none (no status code in the frame)') })]),
      h('tr', {}, [h('th', { text: t('Reason') }), reason.length ? escapedElement('td', {}, utf8.decode(reason)) : h('td', { text: t('(none)') })]),
    ]),
  ]);
}
