// The options a Listen or Proxy command gives its server, from the user's settings (socketInspector.listen.*
// and socketInspector.maxMessageMegabytes) as VS Code hands them over: unchecked, so anything that is not
// a usable value falls back to the default. Pure, so the values a command applies are tested without VS Code.
import { maxPayloadFromMegabytes } from '../connection/messageLimit';
import { DEFAULT_BUDGET_BYTES, DEFAULT_MAX_PEERS } from './listenerLimits';
import type { ListenerOptions } from './listenerSession';
import type { WsListenerOptions } from './wsListener';

/** Default of socketInspector.listen.idleTimeoutSeconds (a listener made in code has none). */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 600;

/** The settings a server command reads, as read (unchecked). */
export interface ServerSettingValues {
  readonly maxMessageMegabytes?: unknown;
  readonly maxPeers?: unknown;
  readonly maxTotalMegabytes?: unknown;
  readonly idleTimeoutSeconds?: unknown;
  readonly allowedOrigins?: unknown;
}

const MiB = 1024 * 1024;

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** The limits every listener takes: most peers, the memory budget, the idle timeout. */
export function listenerLimitsFrom(values: ServerSettingValues): Pick<ListenerOptions, 'maxPeers' | 'budgetBytes' | 'idleTimeoutMs'> {
  const idle = values.idleTimeoutSeconds === 0 ? 0 : (positive(values.idleTimeoutSeconds) ?? DEFAULT_IDLE_TIMEOUT_SECONDS);
  const megabytes = positive(values.maxTotalMegabytes);
  return {
    maxPeers: Math.max(1, Math.floor(positive(values.maxPeers) ?? DEFAULT_MAX_PEERS)),
    budgetBytes: megabytes === undefined ? DEFAULT_BUDGET_BYTES : Math.floor(megabytes * MiB),
    idleTimeoutMs: Math.round(idle * 1000),
  };
}

/** What a WebSocket listener takes besides: the limits, the largest message and the allowed origins. */
export function wsListenerSettingsFrom(values: ServerSettingValues): Pick<WsListenerOptions, 'maxPeers' | 'budgetBytes' | 'idleTimeoutMs' | 'maxPayload' | 'allowedOrigins'> {
  const origins = Array.isArray(values.allowedOrigins) ? values.allowedOrigins.filter((o): o is string => typeof o === 'string') : [];
  return { ...listenerLimitsFrom(values), maxPayload: maxPayloadFromMegabytes(values.maxMessageMegabytes), allowedOrigins: origins };
}
