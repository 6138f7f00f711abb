// Types for codeServer.mjs, which the TypeScript end-to-end tests import.
import type { ChildProcess } from 'node:child_process';

export declare const CODE_SERVER_VERSION: string;
export declare const NODE_VERSION: string;
export declare const repoRoot: string;
export declare const cacheRoot: string;
export declare const resultsDir: string;
export declare const DEFAULT_SETTINGS: Readonly<Record<string, unknown>>;

export interface CodeServerPaths {
  version: string;
  dir: string;
  node: string;
  nodeBin: string;
  entry: string;
}

export interface StartOptions {
  workspace: string;
  extensionsDir: string;
  userDataDir: string;
  port?: number;
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  logFile?: string;
  timeoutMs?: number;
}

export interface CodeServer {
  url: string;
  workbenchUrl: string;
  port: number;
  process: ChildProcess;
  logFile: string;
  userDataDir: string;
  stop(): Promise<void>;
}

export declare function isCodeServerInstalled(): boolean;
export declare function assertCodeServerAvailable(): void;
export declare function ensureCodeServer(): Promise<CodeServerPaths>;
export declare function installExtensionFolder(extensionsDir: string, options?: { sourceDir?: string }): { id: string; path: string };
/** Installs a packaged .vsix with code-server's --install-extension; returns `--list-extensions --show-versions` lines. */
export declare function installVsix(extensionsDir: string, vsixPath: string, options: { userDataDir: string }): Promise<string[]>;
export declare function startCodeServer(options: StartOptions): Promise<CodeServer>;
/** The address of a workbench window on the code-server at serverUrl with folder open. */
export declare function workbenchUrl(serverUrl: string, folder: string): string;
