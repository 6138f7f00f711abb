// The steps about the connection itself rather than its messages: expectHandshake (the WebSocket upgrade
// response's status and headers) and expectClose (a close frame, or the end of the connection, in time).
import { Direction, Kind } from '../../../shared/logModel';
import type { WebSocketConnection } from '../connection/connectionTypes';
import type { ExpectCloseStep, ExpectHandshakeStep } from './testFormat';
import { StepFailure, type StepRun } from './testStep';

const textDecoder = new TextDecoder();

/** Checks the WebSocket handshake response against the step. */
export function expectHandshake(run: StepRun, step: ExpectHandshakeStep): void {
  const c = run.connection!;
  if (c.kind !== 'ws') throw new StepFailure('expectHandshake applies to WebSocket connections; this one is TCP');
  const info = (c as WebSocketConnection).handshake;
  if (!info || info.status === undefined) {
    throw new StepFailure(`No handshake response arrived${run.connectError ? `: ${run.connectError.message}` : ''}`, step.status !== undefined ? `HTTP ${step.status}` : 'a response', '(none)');
  }
  const head = [info.statusLine ?? `HTTP ${info.status}`, ...(info.responseHeaders ?? []).map(([n, v]) => `${n}: ${v}`)].join('\n');
  if (step.status !== undefined && info.status !== step.status) {
    throw new StepFailure(`The handshake answered ${info.status}, not ${step.status}`, `HTTP ${step.status}`, head);
  }
  for (const [name, want] of Object.entries(step.headers ?? {})) {
    const values = (info.responseHeaders ?? []).filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
    if (want === true && values.length === 0) throw new StepFailure(`The handshake response has no ${name} header`, `${name}: …`, head);
    if (want === false && values.length > 0) throw new StepFailure(`The handshake response has a ${name} header`, `(no ${name})`, head);
    if (typeof want === 'string' && !values.includes(want)) {
      throw new StepFailure(values.length === 0 ? `The handshake response has no ${name} header` : `The ${name} header differs`, `${name}: ${want}`, head);
    }
  }
}

/** Waits for the close frame (or the end) the step expects; resolves with its seq. */
export async function expectClose(run: StepRun, step: ExpectCloseStep, within: number): Promise<number> {
  const messages = run.messages!;
  const deadline = performance.now() + within;
  for (let i = run.cursor[Direction.In]!; ; ) {
    for (; i < messages.end; i++) {
      const m = messages.at(i)!;
      const closeFrame = m.direction === Direction.In && m.kind === Kind.Close;
      const ended = m.direction === Direction.Meta && (m.kind === Kind.Closed || m.kind === Kind.Error);
      if (!closeFrame && !ended) continue;
      const code = closeFrame ? m.code : run.connection?.kind === 'ws' ? 1006 : undefined;
      const reason = closeFrame ? textDecoder.decode(m.payload) : '';
      const actual = closeFrame ? `close ${code}${reason ? ` "${reason}"` : ''}` : `ended without a close frame: ${textDecoder.decode(m.payload)}`;
      const expected = `close${step.code !== undefined ? ` ${step.code}` : ''}${step.reason !== undefined ? ` "${step.reason}"` : ''}`;
      if (step.code !== undefined && code !== step.code) throw new StepFailure(`The close code is ${code ?? 'none (TCP)'}, not ${step.code}`, expected, actual, m.seq);
      if (step.reason !== undefined && reason !== step.reason) throw new StepFailure('The close reason differs', expected, actual, m.seq);
      run.cursor[Direction.In] = i + 1;
      return m.seq;
    }
    const left = deadline - performance.now();
    if (left <= 0 || !(await messages.next(i, left))) {
      if (messages.end > i) continue;
      throw new StepFailure(`The connection did not close within ${within} ms`, 'close', `(still ${run.connection?.state ?? 'unknown'})`);
    }
  }
}
