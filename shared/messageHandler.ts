// One request/response and event channel over postMessage, used by both the host and the webview.
// Unlike a fire-and-forget handler, every request gets exactly one answer: the handler's result, or an
// error when it throws, when the message is malformed, or when the type is unknown. Requests still
// pending when the channel is disposed are rejected, so no caller waits forever.
import { checkMessage, type IncomingSchemas } from './messageSchema';
import type { ErrorInfo, EventMap, RequestMap } from './protocol';

/** Handlers for every request type a side accepts. */
export type RequestHandlers<R extends RequestMap> = {
  readonly [K in keyof R]: (params: R[K]['params']) => R[K]['result'] | Promise<R[K]['result']>;
};

/** Handlers for every event type a side accepts. */
export type EventHandlers<E extends EventMap> = { readonly [K in keyof E]: (params: E[K]) => void };

/** The error a request is rejected with: the other side's ErrorInfo as an Error. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
  get code(): string | undefined {
    return this.info.code;
  }
}

/** Turns anything thrown into an ErrorInfo, keeping an engine error's code and input position. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof RequestError) return e.info;
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const position = (e as { details?: { position?: ErrorInfo['position'] } }).details?.position;
    return {
      message: e.message || e.name,
      ...(typeof code === 'string' ? { code } : {}),
      ...(position ? { position: { offset: position.offset, line: position.line, column: position.column } } : {}),
    };
  }
  return { message: String(e) };
}

export interface MessageHandlerOptions<InReq extends RequestMap, InEv extends EventMap> {
  /** Posts one message to the other side. */
  readonly post: (message: object) => void;
  /** What this side accepts. */
  readonly schemas: IncomingSchemas;
  readonly requests: RequestHandlers<InReq>;
  readonly events: EventHandlers<InEv>;
  /** Called with a description of each refused message or failed post. Default: console.warn. */
  readonly onProblem?: (problem: string) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** A typed channel: sends OutReq/OutEv, serves InReq/InEv. */
export class MessageHandler<OutReq extends RequestMap, OutEv extends EventMap, InReq extends RequestMap, InEv extends EventMap> {
  private nextRequestId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(private readonly options: MessageHandlerOptions<InReq, InEv>) {}

  /** Sends an event; does nothing once disposed. */
  sendEvent<K extends keyof OutEv & string>(type: K, params: OutEv[K]): void {
    if (this.disposed) return;
    this.post({ ...params, type });
  }

  /** Sends a request and resolves with its result, or rejects with a RequestError. */
  sendRequest<K extends keyof OutReq & string>(type: K, params: OutReq[K]['params']): Promise<OutReq[K]['result']> {
    if (this.disposed) return Promise.reject(new RequestError({ message: 'The panel was closed.', code: 'DISPOSED' }));
    const requestId = this.nextRequestId++;
    return new Promise<OutReq[K]['result']>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject });
      if (!this.post({ ...params, type, requestId })) {
        this.pending.delete(requestId);
        reject(new RequestError({ message: 'The message could not be delivered.', code: 'POST_FAILED' }));
      }
    });
  }

  /** Number of requests sent and not yet answered. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Dispatches one incoming message; never throws. */
  handleMessage(raw: unknown): void {
    if (this.disposed) return;
    const checked = checkMessage(raw, this.options.schemas);
    switch (checked.kind) {
      case 'invalid':
        this.problem(`refused message: ${checked.problem}`);
        if (checked.requestId !== undefined) {
          this.respondError(checked.requestId, { message: `Refused: ${checked.problem}.`, code: 'BAD_REQUEST' });
        }
        return;
      case 'response':
        this.settle(checked.requestId, checked.message);
        return;
      case 'event':
        this.dispatchEvent(checked.type, checked.message);
        return;
      case 'request':
        void this.serve(checked.type, checked.requestId, checked.message);
        return;
    }
  }

  /** Rejects every pending request and stops sending and handling. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new RequestError({ message: 'The panel was closed.', code: 'DISPOSED' }));
  }

  private dispatchEvent(type: string, message: Record<string, unknown>): void {
    const handler = (this.options.events as Record<string, ((p: unknown) => void) | undefined>)[type];
    try {
      handler?.(message);
    } catch (e) {
      this.problem(`event '${type}' handler failed: ${toErrorInfo(e).message}`);
    }
  }

  private async serve(type: string, requestId: number, message: Record<string, unknown>): Promise<void> {
    const handler = (this.options.requests as Record<string, ((p: unknown) => unknown) | undefined>)[type];
    try {
      if (!handler) throw new RequestError({ message: `No handler for '${type}'.`, code: 'BAD_REQUEST' });
      const result = await handler(message);
      if (!this.disposed) this.post({ type: 'response', requestId, ok: true, result: result ?? {} });
    } catch (e) {
      this.respondError(requestId, toErrorInfo(e));
    }
  }

  private respondError(requestId: number, error: ErrorInfo): void {
    if (!this.disposed) this.post({ type: 'response', requestId, ok: false, error });
  }

  private settle(requestId: number, message: Record<string, unknown>): void {
    const p = this.pending.get(requestId);
    if (!p) {
      this.problem(`response to unknown request ${requestId}`);
      return;
    }
    this.pending.delete(requestId);
    if (message.ok === true) {
      p.resolve(message.result);
    } else {
      const error = message.error as Partial<ErrorInfo> | undefined;
      const info: ErrorInfo =
        error && typeof error.message === 'string' ? (error as ErrorInfo) : { message: 'The request failed.' };
      p.reject(new RequestError(info));
    }
  }

  private post(message: object): boolean {
    try {
      this.options.post(message);
      return true;
    } catch (e) {
      this.problem(`could not post '${(message as { type?: string }).type}': ${toErrorInfo(e).message}`);
      return false;
    }
  }

  private problem(text: string): void {
    (this.options.onProblem ?? ((t: string) => console.warn(`[socket-inspector] ${t}`)))(text);
  }
}
