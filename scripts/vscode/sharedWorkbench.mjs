// One code-server and one Chromium for a whole stage of workbench tests. scripts/vscode/runE2e.mjs starts them
// and names them to the test processes in the environment; test/support/workbench.ts opens a fresh window
// (its own browser context, on its own fresh workspace folder) on them for each test file, which saves each
// file a code-server start, a browser launch and a cold first workbench load.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installExtensionFolder, repoRoot, resultsDir, startCodeServer } from './codeServer.mjs';
import { launchChromiumServer } from './workbenchBrowser.mjs';

/** The environment variables that carry the shared workbench to the test processes. */
const ENV = {
  serverUrl: 'SI_E2E_CODE_SERVER_URL',
  extensionsDir: 'SI_E2E_EXTENSIONS_DIR',
  browserEndpoint: 'SI_E2E_BROWSER_WS',
};

/**
 * Starts code-server with the built extension (SI_E2E_EXTENSION_DIR names another built extension folder, for
 * checking the harness itself) and a Chromium server. Returns the environment to hand to the test processes
 * and stop(), which ends both and removes their scratch folder.
 */
export async function startSharedWorkbench() {
  const scratch = mkdtempSync(join(tmpdir(), 'si-e2e-shared-'));
  const extensionsDir = join(scratch, 'extensions');
  // The server's own folder; every window opens a folder of its own instead.
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });
  installExtensionFolder(extensionsDir, { sourceDir: process.env.SI_E2E_EXTENSION_DIR || repoRoot });
  let server;
  let browser;
  const stop = async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    server = await startCodeServer({
      workspace,
      extensionsDir,
      userDataDir: join(scratch, 'user-data'),
      logFile: join(resultsDir, 'code-server-e2e.log'),
    });
    browser = await launchChromiumServer(scratch);
    const env = { [ENV.serverUrl]: server.url, [ENV.extensionsDir]: extensionsDir, [ENV.browserEndpoint]: browser.wsEndpoint() };
    return { env, server, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The shared workbench named in env, or undefined when this process runs without one (a file run by itself). */
export function sharedWorkbenchFromEnv(env = process.env) {
  const serverUrl = env[ENV.serverUrl];
  const extensionsDir = env[ENV.extensionsDir];
  const browserEndpoint = env[ENV.browserEndpoint];
  if (!serverUrl || !extensionsDir || !browserEndpoint) return undefined;
  return { serverUrl, extensionsDir, browserEndpoint };
}
