// The composer's MQTT form: publish (topic, payload in a format, QoS, retain, MQTT 5 properties),
// subscribe (topic filter, QoS) or unsubscribe. The payload is checked in its format as it is typed,
// the properties as a JSON object.
import type { MqttForm } from '../shared/decode/layerForms';
import type { ComposerFormat } from '../shared/protocol';
import { validateComposerInput } from '../shared/codecs/composerInput';
import { checkbox, choice, formRow, jsonProblem, markInvalid, textArea, textField, type LayerForm } from './layerFormFields';
import { h } from './domBuilder';
import { t } from './l10n';

type Action = MqttForm['action'];

/** Builds the MQTT form; `onChange` runs on every edit. */
export function mqttForm(onChange: () => void): LayerForm {
  const changed = (): void => {
    arrange();
    onChange();
  };
  const action = choice('mqtt-action', t('Action'), [['publish', t('Publish')], ['subscribe', t('Subscribe')], ['unsubscribe', t('Unsubscribe')]], changed);
  const topic = textField('mqtt-topic', t('Topic'), 'sensors/1', onChange);
  const qos = choice('mqtt-qos', 'QoS', [['0', 'QoS 0'], ['1', 'QoS 1'], ['2', 'QoS 2']], onChange);
  const retain = checkbox('mqtt-retain', t('Retain'), onChange);
  const format = choice('mqtt-format', t('Payload format'), [['text', t('Text')], ['json', 'JSON'], ['hex', t('Hex')], ['base64', 'Base64']], onChange);
  const payload = textArea('mqtt-payload', t('Payload'), t('Payload — Ctrl+Enter to send'), onChange);
  const properties = textArea('mqtt-properties', t('MQTT 5 properties, a JSON object (optional)'), '{"contentType": "application/json"}', onChange, 1);
  const publishOnly = [retain, format, payload, properties];
  const element = h('div', { className: 'layer-form', testId: 'layer-form', attrs: { 'data-layer': 'mqtt' } }, [
    formRow([t('Action'), action], [t('Topic'), topic], qos, retain, format),
    payload,
    properties,
  ]);
  const current = (): Action => (action.value || 'publish') as Action;
  function arrange(): void {
    const publish = current() === 'publish';
    for (const el of publishOnly) el.hidden = !publish;
    qos.hidden = current() === 'unsubscribe';
    topic.setAttribute('aria-label', publish ? t('Topic') : t('Topic filter'));
    topic.setAttribute('placeholder', publish ? 'sensors/1' : 'sensors/#');
  }
  arrange();
  return {
    element,
    focus: () => topic.focus(),
    read() {
      const name = topic.value;
      const act = current();
      markInvalid(topic, name === '');
      if (name === '') return { problem: act === 'publish' ? t('Name the topic to publish to.') : t('Name the topic filter.') };
      const level = Number(qos.value || '0') as 0 | 1 | 2;
      if (act === 'unsubscribe') return { form: { layer: 'mqtt', action: 'unsubscribe', topic: name } };
      if (act === 'subscribe') return { form: { layer: 'mqtt', action: 'subscribe', topic: name, qos: level } };
      if (/[+#]/.test(name)) {
        markInvalid(topic, true);
        return { problem: t('A publish names one topic: the wildcards + and # belong in subscriptions (\'{0}\').', name) };
      }
      const fmt = (format.value || 'text') as ComposerFormat;
      const checked = validateComposerInput(payload.value, fmt);
      markInvalid(payload, !checked.ok);
      if (!checked.ok) return { problem: t('Payload: {0}', checked.error.message) };
      const props = properties.value.trim();
      const propsProblem = props === '' ? undefined : jsonProblem(props, t('Properties'), 'object');
      markInvalid(properties, propsProblem !== undefined);
      if (propsProblem) return { problem: propsProblem };
      return {
        form: {
          layer: 'mqtt',
          action: 'publish',
          topic: name,
          payload: payload.value,
          format: fmt,
          qos: level,
          ...(retain.checked ? { retain: true } : {}),
          ...(props !== '' ? { properties: props } : {}),
        },
      };
    },
  };
}
