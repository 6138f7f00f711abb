// The composer's STOMP form: a client frame's command, destination, extra headers as name/value rows
// (added and removed by button), and a body for SEND. Header names are checked as the frame needs them.
import type { StompForm } from '../shared/decode/layerForms';
import { button, h } from './domBuilder';
import { choice, formRow, markInvalid, textArea, textField, type LayerForm, type ValueElement } from './layerFormFields';
import { t } from './l10n';

const COMMANDS: readonly StompForm['command'][] = ['SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'NACK', 'BEGIN', 'COMMIT', 'ABORT', 'DISCONNECT'];
/** Commands that name a destination. */
const WITH_DESTINATION = new Set<StompForm['command']>(['SEND', 'SUBSCRIBE']);

interface HeaderRow {
  readonly element: HTMLElement;
  readonly name: ValueElement;
  readonly value: ValueElement;
}

/** Builds the STOMP form; `onChange` runs on every edit. */
export function stompForm(onChange: () => void): LayerForm {
  const changed = (): void => {
    arrange();
    onChange();
  };
  const command = choice('stomp-command', t('Command'), COMMANDS.map((c) => [c, c] as const), changed);
  const destination = textField('stomp-destination', t('Destination'), '/queue/test', onChange);
  const body = textArea('stomp-body', t('Body'), t('Body — Ctrl+Enter to send'), onChange);
  const headerList = h('div', { className: 'stomp-headers', testId: 'stomp-headers', attrs: { role: 'group', 'aria-label': t('Headers') } });
  const rows: HeaderRow[] = [];
  const addHeader = (): HeaderRow => {
    const name = textField('stomp-header-name', t('Header {0} name', rows.length + 1), t('name'), onChange);
    const value = textField('stomp-header-value', t('Header {0} value', rows.length + 1), t('value'), onChange);
    const remove = button(t('Remove'), () => {
      rows.splice(rows.indexOf(row), 1);
      row.element.remove();
      onChange();
    }, true, 'close');
    remove.dataset.testid = 'stomp-header-remove';
    remove.setAttribute('aria-label', t('Remove header {0}', rows.length + 1));
    const row: HeaderRow = { element: h('div', { className: 'layer-row stomp-header' }, [name, value, remove]), name, value };
    rows.push(row);
    headerList.append(row.element);
    return row;
  };
  const add = button(t('Add header'), () => {
    addHeader().name.focus();
    onChange();
  }, true, 'add');
  add.dataset.testid = 'stomp-header-add';
  const element = h('div', { className: 'layer-form', testId: 'layer-form', attrs: { 'data-layer': 'stomp' } }, [
    formRow([t('Command'), command], [t('Destination'), destination], add),
    headerList,
    body,
  ]);
  const current = (): StompForm['command'] => (command.value || 'SEND') as StompForm['command'];
  function arrange(): void {
    destination.hidden = !WITH_DESTINATION.has(current());
    (destination.parentElement as HTMLElement).hidden = destination.hidden;
    // STOMP 1.2 allows a body only on SEND (and the server's MESSAGE and ERROR).
    body.hidden = current() !== 'SEND';
  }
  arrange();
  return {
    element,
    focus: () => destination.focus(),
    read() {
      const cmd = current();
      const dest = destination.value.trim();
      const needsDestination = WITH_DESTINATION.has(cmd);
      markInvalid(destination, needsDestination && dest === '');
      if (needsDestination && dest === '') return { problem: t('{0} needs a destination.', cmd) };
      const headers: [string, string][] = [];
      for (let i = 0; i < rows.length; i++) {
        const { name, value } = rows[i]!;
        const bad = name.value === '' || /[:\r\n]/.test(name.value) || /[\r\n]/.test(value.value);
        markInvalid(name, bad);
        if (name.value === '' && value.value === '') continue;
        if (name.value === '') return { problem: t('Header {0} has a value but no name.', i + 1) };
        if (/[:\r\n]/.test(name.value)) return { problem: t('Header {0}\'s name cannot hold \':\' or a line break (\'{1}\').', i + 1, name.value) };
        if (/[\r\n]/.test(value.value)) return { problem: t('Header {0}\'s value cannot hold a line break.', i + 1) };
        headers.push([name.value, value.value]);
      }
      const form: StompForm = {
        layer: 'stomp',
        command: cmd,
        ...(needsDestination ? { destination: dest } : {}),
        ...(headers.length > 0 ? { headers } : {}),
        ...(cmd === 'SEND' && body.value !== '' ? { body: body.value } : {}),
      };
      return { form };
    },
  };
}
