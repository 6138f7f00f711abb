// The composer's Socket.IO form: emit an event with JSON arguments to a namespace, optionally asking for
// an acknowledgement. The arguments are checked as a JSON array while they are typed.
import type { SocketIoEmitForm } from '../shared/decode/layerForms';
import { checkbox, formRow, jsonProblem, markInvalid, textArea, textField, type LayerForm } from './layerFormFields';
import { h } from './domBuilder';
import { t } from './l10n';

/** Builds the Socket.IO form; `onChange` runs on every edit. */
export function socketIoForm(onChange: () => void): LayerForm {
  const namespace = textField('sio-namespace', t('Namespace'), '/', onChange, '/');
  const event = textField('sio-event', t('Event name'), t('chat message'), onChange);
  const args = textArea('sio-args', t('Arguments, a JSON array'), '["hello", {"room": 1}]', onChange);
  const ack = checkbox('sio-ack', t('With ack'), onChange);
  ack.title = t('Ask the server to acknowledge the event; its answer is paired with it in the log');
  const element = h('div', { className: 'layer-form', testId: 'layer-form', attrs: { 'data-layer': 'socketio' } }, [
    formRow([t('Namespace'), namespace], [t('Event'), event], ack),
    args,
  ]);
  return {
    element,
    focus: () => event.focus(),
    read() {
      const text = args.value.trim() === '' ? '[]' : args.value;
      const problem = jsonProblem(text, t('Arguments'), 'array');
      markInvalid(args, problem !== undefined);
      markInvalid(event, event.value.trim() === '');
      if (event.value.trim() === '') return { problem: t('Name the event to emit.') };
      if (problem) return { problem };
      const ns = namespace.value.trim();
      if (ns !== '' && !ns.startsWith('/')) return { problem: t('A namespace starts with \'/\' (for example /chat), not \'{0}\'.', ns) };
      const form: SocketIoEmitForm = { layer: 'socketio', event: event.value, args: text, ...(ns !== '' && ns !== '/' ? { namespace: ns } : {}), ...(ack.checked ? { ack: true } : {}) };
      return { form };
    },
  };
}
