// Proxy mode: Proxy TCP… and Proxy WebSocket… sessions, and the controls a panel drives on their pairs.
export { createTcpProxy } from './tcpProxy';
export { createWsProxy } from './wsProxy';
export { DEFAULT_HOLD_LIMITS, PROXY_DIRECTIONS, type HoldLimits, type ProxyDirection } from './holdQueue';
export {
  isProxySession,
  type ProxyDelivery,
  type HeldMessage,
  type ProxyEntryRole,
  type ProxyOptions,
  type ProxyPairInfo,
  type ProxyPauseState,
  type ProxyPayload,
  type ProxyPeer,
  type ProxyPeerControls,
  type ProxySession,
  type TcpProxyConnection,
  type TcpProxyOptions,
  type WsProxyConnection,
  type WsProxyOptions,
} from './proxyTypes';
