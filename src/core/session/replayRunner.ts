// Sends a session's recorded outgoing messages again, in order, waiting between them when asked. Owns
// its timer; cancel() (or dispose) stops it. No `vscode` import.
import type { Connection, WebSocketConnection } from '../connection/connectionTypes';
import type { ReplayStep } from './';

/** Sends one step on `connection`; throws the engine's error when it cannot. */
export function sendStep(connection: Connection, step: ReplayStep): void {
  const ws = connection.kind === 'ws' ? (connection as WebSocketConnection) : undefined;
  switch (step.kind) {
    case 'text':
      connection.sendText(new TextDecoder().decode(step.payload));
      return;
    case 'binary':
    case 'data':
      connection.sendBytes(step.payload);
      return;
    case 'ping':
      if (ws) ws.ping(step.payload);
      return;
    case 'pong':
      if (ws) ws.pong(step.payload);
      return;
    case 'close':
      connection.close(step.code, new TextDecoder().decode(step.payload));
      return;
  }
}

/** A replay in progress. */
export class ReplayRun {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private cancelled = false;
  private sent = 0;
  private finish: ((sent: number) => void) | undefined;
  /** Resolves with how many steps were sent; rejects with the first send error. */
  readonly done: Promise<number>;

  constructor(connection: Connection, steps: readonly ReplayStep[]) {
    this.done = new Promise<number>((resolve, reject) => {
      this.finish = resolve;
      const next = (): void => {
        this.timer = undefined;
        if (this.cancelled || this.sent >= steps.length) return resolve(this.sent);
        try {
          sendStep(connection, steps[this.sent]!);
        } catch (e) {
          return reject(e);
        }
        this.sent++;
        if (this.sent >= steps.length) return resolve(this.sent);
        this.timer = setTimeout(next, steps[this.sent]!.delayMs);
      };
      this.timer = setTimeout(next, steps[0]?.delayMs ?? 0);
    });
  }

  cancel(): void {
    this.cancelled = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.finish?.(this.sent);
  }

  dispose(): void {
    this.cancel();
  }
}
