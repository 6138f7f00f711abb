// The proxy feature of a panel (shared/protocol/proxy.ts): hold a proxy pair's directions, and pass,
// edit or drop what it held. The hold queue of the pair on screen is reached through ProxyController.
import type { RequestHandlers } from '../../shared/messageHandler';
import type { ProxyRequests } from '../../shared/protocol';
import type { ProxyController } from './proxyController';

/** Handlers of the proxy requests. */
export function proxyHandlers(proxy: ProxyController): RequestHandlers<ProxyRequests> {
  return {
    setHold: ({ toServer, toClient }) => {
      proxy.setHold(toServer, toClient);
      return {};
    },
    getHeld: ({ id }) => proxy.held(id),
    releaseHeld: ({ id, replacement, edited }) => ({ bytes: proxy.release(id, replacement, edited) }),
    dropHeld: ({ id }) => {
      proxy.drop(id);
      return {};
    },
    heldAll: ({ action }) => {
      proxy.all(action);
      return {};
    },
  };
}
