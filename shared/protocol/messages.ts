// The envelope every panel message travels in: requests carry a `requestId` and are answered by exactly
// one `response`; events are answered by nothing. The feature files beside this one say what each
// message holds; shared/protocol.ts puts them together.

/** An error as the other side can show it. */
export interface ErrorInfo {
  /** Written for a person: "Invalid hex: 'g' at line 1, column 5 (not a hex digit)". */
  readonly message: string;
  /** Stable code (ErrorCode of the engine, or a protocol code such as BAD_REQUEST). */
  readonly code?: string;
  /** Where in the user's input the problem is, for input errors. */
  readonly position?: { readonly offset: number; readonly line: number; readonly column: number };
}

/** A map of request types to their params and results. */
export type RequestMap = { [type: string]: { params: object; result: unknown } };
/** A map of event types to their params. */
export type EventMap = { [type: string]: object };

/** A request on the wire. */
export type RequestMessage<R extends RequestMap> = {
  [K in keyof R & string]: { type: K; requestId: number } & R[K]['params'];
}[keyof R & string];

/** An event on the wire. */
export type EventMessage<E extends EventMap> = { [K in keyof E & string]: { type: K } & E[K] }[keyof E & string];

/** The answer to a request. */
export type ResponseMessage =
  | { type: 'response'; requestId: number; ok: true; result: unknown }
  | { type: 'response'; requestId: number; ok: false; error: ErrorInfo };

/** A request answered by nothing but success (or an error). */
export type Done = Record<string, never>;
