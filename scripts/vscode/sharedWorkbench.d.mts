// Types for sharedWorkbench.mjs, which the TypeScript end-to-end tests import.
import type { CodeServer } from './codeServer.mjs';

export interface SharedWorkbench {
  /** code-server's address; a window is workbenchUrl(serverUrl, folder). */
  serverUrl: string;
  /** code-server's extensions folder, with the built extension in it. */
  extensionsDir: string;
  /** The Chromium server's endpoint, for connectChromium. */
  browserEndpoint: string;
}

export declare function startSharedWorkbench(): Promise<{ env: Record<string, string>; server: CodeServer; stop(): Promise<void> }>;
export declare function sharedWorkbenchFromEnv(env?: NodeJS.ProcessEnv): SharedWorkbench | undefined;
