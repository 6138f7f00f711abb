// Translates why a server could not bind its address into a SocketInspectorError a person can act on.
import { SocketInspectorError } from '../../../shared/errors';

const PICK_ANOTHER = 'Choose another port, or 0 for any free port.';

/** Maps an error of server.listen() for `address` (host:port as typed) to a BIND error keeping the system code. */
export function bindError(e: unknown, address: string, host: string): SocketInspectorError {
  if (e instanceof SocketInspectorError) return e;
  const systemCode = typeof (e as { code?: unknown } | null)?.code === 'string' ? (e as { code: string }).code : undefined;
  const detail = e instanceof Error ? e.message : String(e);
  const make = (message: string, code: SocketInspectorError['code'] = 'BIND') =>
    new SocketInspectorError(code, message, systemCode ? { systemCode } : {}, { cause: e });
  switch (systemCode) {
    case 'EADDRINUSE':
      return make(`${address} is already in use: another program (or another listener) is bound to it. ${PICK_ANOTHER}`);
    case 'EACCES':
    case 'EPERM':
      return make(
        `Not permitted to listen on ${address} (${systemCode}). Ports below 1024 need administrator rights; ${PICK_ANOTHER.toLowerCase()}`,
      );
    case 'EADDRNOTAVAIL':
      return make(`Cannot listen on ${address}: ${host} is not an address of this machine (EADDRNOTAVAIL). Use 127.0.0.1, or an address this machine has.`);
    case 'EAFNOSUPPORT':
      return make(`Cannot listen on ${address}: this machine has no IPv6 (EAFNOSUPPORT). Use 127.0.0.1 instead.`);
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
    case 'EAI_AGAIN':
      return make(`Cannot listen on ${address}: the host "${host}" does not resolve (${systemCode}). Check the spelling, or use 127.0.0.1.`, 'UNRESOLVABLE_HOST');
  }
  return make(`Cannot listen on ${address}: ${detail}`);
}
