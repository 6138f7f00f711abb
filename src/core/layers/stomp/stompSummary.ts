// The one-line summary of a STOMP frame for its row: `MESSAGE /topic/prices · 48 B`,
// `SEND /queue/a · 5 B · receipt r-1`, `CONNECTED 1.2 heart-beat 10000,10000`.
import { headerValue, type StompHeader } from './stompFrame';

/** Bytes as the rows count them. */
export function byteCount(n: number): string {
  return `${n} B`;
}

/** The summary of one frame (a passcode is never part of it). */
export function frameSummary(command: string, headers: readonly StompHeader[], bodyBytes: number): string {
  const h = (name: string): string | undefined => headerValue(headers, name);
  const receipt = h('receipt') !== undefined ? ` · receipt ${h('receipt')}` : '';
  const transaction = h('transaction') !== undefined ? ` · transaction ${h('transaction')}` : '';
  const size = ` · ${byteCount(bodyBytes)}`;
  switch (command) {
    case 'MESSAGE':
      return `MESSAGE ${h('destination') ?? '(no destination)'}${size}`;
    case 'SEND':
      return `SEND ${h('destination') ?? '(no destination)'}${size}${transaction}${receipt}`;
    case 'SUBSCRIBE': {
      const ack = h('ack');
      return `SUBSCRIBE ${h('destination') ?? '(no destination)'} · id ${h('id') ?? '(none)'}${ack && ack !== 'auto' ? ` · ack ${ack}` : ''}${receipt}`;
    }
    case 'UNSUBSCRIBE':
      return `UNSUBSCRIBE id ${h('id') ?? h('destination') ?? '(none)'}${receipt}`;
    case 'ACK':
    case 'NACK':
      return `${command} ${h('id') ?? h('message-id') ?? '(no id)'}${transaction}${receipt}`;
    case 'BEGIN':
    case 'COMMIT':
    case 'ABORT':
      return `${command} ${h('transaction') ?? '(no transaction)'}${receipt}`;
    case 'DISCONNECT':
      return `DISCONNECT${receipt}`;
    case 'CONNECT':
    case 'STOMP': {
      const parts: string[] = [command];
      const host = h('host');
      if (host !== undefined) parts.push(`host ${host}`);
      const login = h('login');
      if (login !== undefined) parts.push(`login ${login}`);
      parts.push(`accept-version ${h('accept-version') ?? '1.0'}`);
      const beat = h('heart-beat');
      if (beat !== undefined) parts.push(`heart-beat ${beat}`);
      return parts.join(' · ');
    }
    case 'CONNECTED':
      return `CONNECTED ${h('version') ?? '1.0'} heart-beat ${h('heart-beat') ?? '0,0'}`;
    case 'RECEIPT':
      return `RECEIPT ${h('receipt-id') ?? '(no receipt-id)'}`;
    case 'ERROR': {
      const answers = h('receipt-id') !== undefined ? ` · receipt ${h('receipt-id')}` : '';
      return `ERROR · ${h('message') ?? '(no message header)'}${answers}`;
    }
    default:
      return `${command}${size}`;
  }
}
