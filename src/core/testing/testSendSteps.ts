// The send step (and a heartbeat's beat): a send body as bytes, variables filled in, sent as text or binary.
import { parseComposerInput } from '../../../shared/codecs/composerInput';
import type { SendBody } from './testFormat';
import { StepFailure, type StepRun } from './testStep';

const textDecoder = new TextDecoder();

/** The bytes of a send body (variables filled in) and whether a WebSocket sends them as text. */
export function bytesOf(run: StepRun, body: SendBody, where: string): { bytes: Uint8Array; text: boolean } {
  if ('message' in body) {
    const saved = run.session.messages?.find((m) => m.name === body.message);
    if (!saved) throw new StepFailure(`The session has no saved message named "${body.message}"`);
    const input = run.variables.fill(saved.body, where);
    return { bytes: parseComposerInput(input, saved.format, { escapes: saved.escapes === true }), text: saved.format === 'text' || saved.format === 'json' };
  }
  if ('text' in body) return { bytes: parseComposerInput(run.variables.fill(body.text, where), 'text', { escapes: body.escapes === true }), text: true };
  if ('json' in body) {
    const json = typeof body.json === 'string' ? run.variables.fill(body.json, where) : JSON.stringify(run.variables.fillJson(body.json, where));
    return { bytes: parseComposerInput(json, 'json'), text: true };
  }
  if ('hex' in body) return { bytes: parseComposerInput(run.variables.fill(body.hex, where), 'hex'), text: false };
  return { bytes: parseComposerInput(run.variables.fill(body.base64, where), 'base64'), text: false };
}

/** Sends a body on the open connection; a WebSocket sends text bodies as text messages. */
export function sendBody(run: StepRun, body: SendBody, where: string): void {
  const c = run.openConnection();
  const { bytes, text } = bytesOf(run, body, where);
  if (c.state !== 'open') throw new StepFailure(`Cannot send: the connection is ${c.state}`);
  if (c.kind === 'ws' && text) c.sendText(textDecoder.decode(bytes));
  else c.sendBytes(bytes);
}
