// The send step (and a heartbeat's beat): a send body as bytes, variables filled in, sent as text or binary.
import { parseComposerInput } from '../../../shared/codecs/composerInput';
import type { LayerSendForm } from '../../../shared/decode/layerForms';
import type { JsonValue, SendBody } from './testFormat';
import { StepFailure, type StepRun } from './testStep';

const textDecoder = new TextDecoder();

/** The bytes of a send body (variables filled in) and whether a WebSocket sends them as text. */
export function bytesOf(run: StepRun, body: SendBody, where: string): { bytes: Uint8Array; text: boolean } {
  // The loader keeps layer forms out of heartbeats, the only caller that wants bytes of one.
  if ('layer' in body) throw new StepFailure('A protocol layer form is encoded by the layer when it is sent');
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

/**
 * Sends a protocol layer's form through the layer speaking on the connection (Socket.IO, MQTT, STOMP), as
 * the composer's layer form does; a mistake in a field fails the step with the layer's sentence.
 */
export async function sendLayerForm(run: StepRun, form: LayerSendForm, where: string): Promise<void> {
  run.openConnection();
  const session = run.layerSession;
  if (!session) throw new StepFailure(`Cannot send a ${form.layer} form: ${run.layerStatus ?? 'no protocol layer speaks on this connection'}`);
  try {
    await session.send(run.variables.fillJson(form as unknown as JsonValue, where) as unknown as LayerSendForm);
  } catch (e) {
    throw new StepFailure(`The ${form.layer} layer did not send it: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Sends a body on the open connection; a WebSocket sends text bodies as text messages. */
export function sendBody(run: StepRun, body: SendBody, where: string): void {
  const c = run.openConnection();
  if (c.kind === 'ws' && 'text' in body && body.escapes !== true) {
    // Plain text goes as it is: its UTF-8 bytes decoded again would be the same text.
    const text = run.variables.fill(body.text, where);
    if (c.state !== 'open') throw new StepFailure(`Cannot send: the connection is ${c.state}`);
    c.sendText(text);
    return;
  }
  const { bytes, text } = bytesOf(run, body, where);
  if (c.state !== 'open') throw new StepFailure(`Cannot send: the connection is ${c.state}`);
  if (c.kind === 'ws' && text) c.sendText(textDecoder.decode(bytes));
  else c.sendBytes(bytes);
}
