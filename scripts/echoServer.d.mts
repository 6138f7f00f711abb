// Types for echoServer.mjs, which the TypeScript end-to-end tests import.
export declare const DEFAULT_WS_PORT: number;
export declare const DEFAULT_TCP_PORT: number;
export interface EchoServers {
  wsUrl: string;
  tcpTarget: string;
  stop(): Promise<void>;
}
export declare function startEchoServers(options?: { wsPort?: number; tcpPort?: number }): Promise<EchoServers>;
