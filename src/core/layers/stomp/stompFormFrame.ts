// The composer's StompForm to a frame, every field checked again: the headers each command needs
// (STOMP 1.2 §5), a subscription id made up when none is given, content-length on a body.
import { SocketInspectorError } from '../../../../shared/errors';
import type { LayerSendForm, StompForm } from '../../../../shared/decode/layerForms';
import { headerValue, type StompFrame, type StompHeader, type StompVersion } from './stompFrame';

const COMMANDS: ReadonlySet<string> = new Set(['SEND', 'SUBSCRIBE', 'UNSUBSCRIBE', 'ACK', 'NACK', 'BEGIN', 'COMMIT', 'ABORT', 'DISCONNECT']);
const ACK_MODES = ['auto', 'client', 'client-individual'];
const encoder = new TextEncoder();

function mistake(message: string): SocketInspectorError {
  return new SocketInspectorError('PROTOCOL', message);
}

/** What the session knows that a form may leave out. */
export interface FormContext {
  /** The negotiated version. */
  readonly version: StompVersion;
  /** A fresh subscription id (`sub-0`, `sub-1`, …). */
  newSubscriptionId(): string;
  /** The id of our subscription to a destination, for an UNSUBSCRIBE that names only the destination. */
  subscriptionIdOf(destination: string): string | undefined;
}

/** Checks that a form is the STOMP layer's. */
export function isStompForm(form: LayerSendForm): form is StompForm {
  return form.layer === 'stomp';
}

/** Builds the frame a form describes; throws a SocketInspectorError naming the field at fault. */
export function frameOfForm(form: StompForm, context: FormContext): StompFrame {
  if (!COMMANDS.has(form.command)) throw mistake(`command must be one of ${[...COMMANDS].join(', ')}, not ${JSON.stringify(form.command)}`);
  const headers: StompHeader[] = [];
  (form.headers ?? []).forEach((h, i) => {
    if (!Array.isArray(h) || h.length !== 2 || typeof h[0] !== 'string' || typeof h[1] !== 'string') {
      throw mistake(`headers[${i}] must be a pair of strings [name, value]`);
    }
    if (h[0] === '') throw mistake(`headers[${i}] has an empty name`);
    headers.push([h[0], h[1]]);
  });
  const has = (name: string): boolean => headerValue(headers, name) !== undefined;
  const destination = form.destination?.trim() ? form.destination : undefined;
  const put = (name: string, value: string): void => {
    if (!has(name)) headers.unshift([name, value]);
  };
  const need = (name: string, why: string): void => {
    if (!has(name)) throw mistake(`${form.command} needs the "${name}" header: ${why}`);
  };
  if (form.body !== undefined && typeof form.body !== 'string') throw mistake('body must be text');
  const body = encoder.encode(form.body ?? '');
  if (body.length > 0 && form.command !== 'SEND') throw mistake(`Only SEND carries a body; ${form.command} has none`);

  switch (form.command) {
    case 'SEND':
      if (destination === undefined && !has('destination')) throw mistake('SEND needs a destination (such as /queue/a or /topic/prices)');
      if (!has('content-length') && body.length > 0) headers.push(['content-length', String(body.length)]);
      if (destination !== undefined) put('destination', destination);
      break;
    case 'SUBSCRIBE': {
      if (destination === undefined && !has('destination')) throw mistake('SUBSCRIBE needs a destination (such as /queue/a or /topic/prices)');
      const ack = headerValue(headers, 'ack');
      if (ack !== undefined && !ACK_MODES.includes(ack)) throw mistake(`the ack header must be ${ACK_MODES.join(', ')}, not ${JSON.stringify(ack)}`);
      if (!has('id')) headers.unshift(['id', context.newSubscriptionId()]);
      if (destination !== undefined) put('destination', destination);
      break;
    }
    case 'UNSUBSCRIBE':
      if (!has('id')) {
        const id = destination !== undefined ? context.subscriptionIdOf(destination) : undefined;
        if (id === undefined && context.version !== '1.0') {
          throw mistake(`UNSUBSCRIBE needs an "id" header: the id of the subscription${destination !== undefined ? ` (none of ours is to ${destination})` : ''}`);
        }
        if (id !== undefined) headers.unshift(['id', id]);
        else if (destination !== undefined) put('destination', destination);
      }
      break;
    case 'ACK':
    case 'NACK':
      if (context.version === '1.2') need('id', "the MESSAGE's ack header (STOMP 1.2)");
      else if (context.version === '1.1') {
        need('message-id', "the MESSAGE's message-id (STOMP 1.1)");
        need('subscription', "the MESSAGE's subscription (STOMP 1.1)");
      } else if (form.command === 'NACK') throw mistake('STOMP 1.0 has no NACK');
      else need('message-id', "the MESSAGE's message-id (STOMP 1.0)");
      break;
    case 'BEGIN':
    case 'COMMIT':
    case 'ABORT':
      need('transaction', 'the name of the transaction');
      break;
    case 'DISCONNECT':
      break;
  }
  return { command: form.command, headers, body };
}
