// The contract between the inspector panel's host (src/panel/) and its webview (webview/). Both sides
// import this one file. Every message is a plain object tagged by `type`; requests also carry a
// `requestId` and are answered by exactly one `response` (./protocol/messages.ts).
// Bytes cross as ArrayBuffer (never a Node Buffer, which postMessage turns into JSON, and never a view
// into a pooled buffer, which would ship the whole pool).
//
// The messages are scoped by feature, one file each under ./protocol/, next to the host module that
// handles them: `<Feature>Requests` the webview sends, `<Feature>Events` the host sends, and
// `<Feature>WebviewEvents` the webview sends unanswered. This file puts them together.
import type { ConnectionEvents, ConnectionRequests } from './protocol/connection';
import type { DecodeEvents, DecodeRequests } from './protocol/decode';
import type { FilterEvents, FilterRequests } from './protocol/filter';
import type { LogEvents, LogRequests, LogWebviewEvents } from './protocol/log';
import type { EventMessage, RequestMessage, ResponseMessage } from './protocol/messages';
import type { PanelEvents, PanelRequests, PanelWebviewEvents } from './protocol/panel';
import type { PayloadRequests } from './protocol/payload';
import type { ProxyEvents, ProxyRequests } from './protocol/proxy';
import type { SendEvents, SendRequests } from './protocol/send';
import type { ServerEvents, ServerRequests } from './protocol/server';
import type { TimingRequests } from './protocol/timing';

export type { FramerSpecJson } from './framerSpec';
export * from './protocol/connection';
export * from './protocol/decode';
export * from './protocol/filter';
export * from './protocol/log';
export * from './protocol/messages';
export * from './protocol/panel';
export * from './protocol/payload';
export * from './protocol/proxy';
export * from './protocol/send';
export * from './protocol/server';
export * from './protocol/timing';

// ---------------------------------------------------------------------------------------------------
// From the webview to the host

/** Requests the webview sends: params, and the result of the `response` that answers them. */
export type WebviewRequests = PanelRequests &
  LogRequests &
  ConnectionRequests &
  SendRequests &
  PayloadRequests &
  FilterRequests &
  TimingRequests &
  ServerRequests &
  ProxyRequests &
  DecodeRequests;

/** Events the webview sends (no answer). */
export type WebviewEvents = LogWebviewEvents & PanelWebviewEvents;

// ---------------------------------------------------------------------------------------------------
// From the host to the webview

/** Requests the host sends (none yet; the handler supports them both ways). */
export type HostRequests = Record<never, { params: object; result: unknown }>;

/** Events the host sends. */
export type HostEvents = PanelEvents &
  LogEvents &
  ConnectionEvents &
  SendEvents &
  FilterEvents &
  ServerEvents &
  ProxyEvents &
  DecodeEvents;

/** Every message the webview posts. */
export type FromWebviewMessage = RequestMessage<WebviewRequests> | EventMessage<WebviewEvents> | ResponseMessage;
/** Every message the host posts. */
export type ToWebviewMessage = RequestMessage<HostRequests> | EventMessage<HostEvents> | ResponseMessage;
