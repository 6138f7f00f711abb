// The composer's MQTT form (publish, subscribe, unsubscribe) checked again on the host and turned into
// a packet; a mistake is a SocketInspectorError naming the field.
import type { LayerSendForm } from '../../../../shared/decode/layerForms';
import { parseComposerInput } from '../../../../shared/codecs/composerInput';
import { SocketInspectorError } from '../../../../shared/errors';
import type { MqttPacket, ProtocolLevel } from './mqttPacket';
import { propertiesFromJson } from './mqttProperties';

function bad(message: string): SocketInspectorError {
  return new SocketInspectorError('PROTOCOL', message);
}

function checkQos(v: unknown): 0 | 1 | 2 {
  if (v !== 0 && v !== 1 && v !== 2) throw bad(`qos must be 0, 1 or 2, not ${JSON.stringify(v)}`);
  return v;
}

/** Topic names carry no wildcards (MQTT 5 §4.7.3); filters may hold + as a whole level and # last. */
function checkTopic(topic: unknown, filter: boolean): string {
  if (typeof topic !== 'string' || topic === '') throw bad(`The topic${filter ? ' filter' : ''} is empty`);
  if (topic.includes('\u0000')) throw bad('A topic cannot contain the NUL character');
  if (!filter && /[+#]/.test(topic)) throw bad(`"${topic}": a topic name to publish to cannot contain the wildcards + or #`);
  if (filter) {
    const levels = topic.split('/');
    levels.forEach((level, i) => {
      if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) throw bad(`"${topic}": # must be a whole level, and the last one`);
      if (level.includes('+') && level !== '+') throw bad(`"${topic}": + must be a whole level`);
    });
  }
  return topic;
}

/** What the form asks to send, as a packet still without its packet id (the session allocates it). */
export function packetOfForm(form: LayerSendForm, level: ProtocolLevel): MqttPacket {
  if (form.layer !== 'mqtt') throw bad(`This connection speaks MQTT; a ${form.layer} form cannot be sent on it`);
  switch (form.action) {
    case 'publish': {
      const topic = checkTopic(form.topic, false);
      const qos = checkQos(form.qos);
      let payload: Uint8Array;
      try {
        payload = parseComposerInput(form.payload, form.format);
      } catch (e) {
        throw e instanceof SocketInspectorError ? new SocketInspectorError(e.code, `payload: ${e.message}`, e.details) : e;
      }
      let properties;
      const text = form.properties?.trim() ?? '';
      if (text !== '') {
        if (level < 5) throw bad('properties exist only in MQTT 5; this connection speaks MQTT 3.1.1');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (e) {
          throw new SocketInspectorError('INVALID_JSON', `properties: ${(e as Error).message}`);
        }
        try {
          properties = propertiesFromJson(json);
        } catch (e) {
          throw bad((e as Error).message);
        }
      }
      return { type: 'PUBLISH', topic, qos, retain: form.retain === true, payload, ...(properties ? { properties } : {}) };
    }
    case 'subscribe':
      return { type: 'SUBSCRIBE', subscriptions: [{ topic: checkTopic(form.topic, true), qos: checkQos(form.qos) }] };
    case 'unsubscribe':
      return { type: 'UNSUBSCRIBE', topics: [checkTopic(form.topic, true)] };
    default:
      throw bad(`Unknown MQTT action ${JSON.stringify((form as { action?: unknown }).action)}; use publish, subscribe or unsubscribe`);
  }
}
