// `npm run test:vscode [-- --grep TEXT]`: runs test/vscode/suite inside a real VS Code extension host.
// Builds the extension, installs code-server into .vscode-test/ if needed, puts our extension and the
// test-runner extension into a fresh extensions folder, opens the workbench in headless Chromium (code-server
// starts the extension host only for a connected workbench) and reads the results stream that the suite's mocha
// reporter (test/vscode/jsonLinesReporter.ts) writes. `--grep TEXT` is mocha's grep: tests whose full title
// (suite titles and test title, joined by spaces) contains TEXT.
// Fails on any failing test, on a runner that never reports, and on timeout (SI_VSCODE_TIMEOUT_MS, default 5 min).
// In CI (CI=true) a missing prerequisite fails; elsewhere it skips with the reason.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { installTestRunner } from './bundleTests.mjs';
import { assertCodeServerAvailable, ensureCodeServer, installExtensionFolder, repoRoot, resultsDir, startCodeServer } from './codeServer.mjs';
import { chromiumPath, skipReasonOrThrow } from './prerequisites.mjs';
import { launchChromium, openWorkbenchPage } from './workbenchBrowser.mjs';

const { values: options } = parseArgs({
  options: {
    grep: { type: 'string' },
    'skip-build': { type: 'boolean' },
    keep: { type: 'boolean' },
    // A different built extension folder (package.json + dist/) instead of this repository; for checking the harness itself.
    'extension-dir': { type: 'string' },
  },
});
const timeoutMs = Number(process.env.SI_VSCODE_TIMEOUT_MS ?? 300_000);
/** How long the runner may take to say `start` once the workbench is up (extension host boot + activation). */
const startTimeoutMs = Number(process.env.SI_VSCODE_START_TIMEOUT_MS ?? 120_000);

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function formatResult(event) {
  if (event.status === 'passed') return `✔ ${event.name} (${event.durationMs} ms)`;
  if (event.status === 'skipped') return `﹣ ${event.name} (skipped)`;
  const detail = event.error?.stack ?? event.error?.message ?? '(no message)';
  return `✘ ${event.name}\n    ${detail.split('\n').join('\n    ')}`;
}

/** Reads the runner's JSON-lines stream as it grows, until `end` or `error`; rejects on timeouts or server exit. */
async function readResults(file, { server, onEvent }) {
  const started = Date.now();
  let offset = 0;
  let sawStart = false;
  for (;;) {
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      const complete = text.lastIndexOf('\n') + 1;
      for (const line of text.slice(offset, complete).split('\n').filter(Boolean)) {
        const event = JSON.parse(line);
        if (event.type === 'start') sawStart = true;
        onEvent(event);
        if (event.type === 'end' || event.type === 'error') return event;
      }
      offset = complete;
    }
    if (server.process.exitCode !== null || server.process.signalCode !== null) {
      throw new Error(`code-server exited while the suite ran; see ${relative(repoRoot, server.logFile)}`);
    }
    const elapsed = Date.now() - started;
    if (!sawStart && elapsed > startTimeoutMs) {
      throw new Error(`the test-runner extension never reported within ${seconds(startTimeoutMs)} (did the extension host start? see test-results/vscode-logs/)`);
    }
    if (elapsed > timeoutMs) throw new Error(`the suite did not finish within ${seconds(timeoutMs)} (SI_VSCODE_TIMEOUT_MS)`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main() {
  const began = Date.now();
  try {
    chromiumPath();
    assertCodeServerAvailable();
  } catch (error) {
    console.log(`SKIP test:vscode: ${skipReasonOrThrow(error)}`);
    return 0;
  }
  if (!options['skip-build'] && !options['extension-dir']) {
    const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: repoRoot });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const installStarted = Date.now();
  await ensureCodeServer();
  const installMs = Date.now() - installStarted;

  const scratch = mkdtempSync(join(tmpdir(), 'si-vscode-test-'));
  const extensionsDir = join(scratch, 'extensions');
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const resultsFile = join(scratch, 'results.ndjson');
  const consoleLog = [];
  let server;
  let browser;
  let page;
  let outcome;
  const suiteStarted = Date.now();
  try {
    installExtensionFolder(extensionsDir, options['extension-dir'] ? { sourceDir: options['extension-dir'] } : {});
    const runner = await installTestRunner(extensionsDir);
    console.log(`extension-host suite: ${runner.files.join(', ')}`);
    server = await startCodeServer({
      workspace,
      extensionsDir,
      userDataDir: join(scratch, 'user-data'),
      logFile: join(resultsDir, 'code-server-vscode.log'),
      // SI_REPO_ROOT: where the bundled suite finds the peers' scripts (test/support/python).
      env: { SI_VSCODE_RESULTS: resultsFile, SI_VSCODE_GREP: options.grep ?? '', SI_REPO_ROOT: repoRoot },
    });
    browser = await launchChromium(scratch);
    page = await openWorkbenchPage(browser, server.workbenchUrl, { consoleLog });
    outcome = await readResults(resultsFile, {
      server,
      onEvent: (event) => {
        if (event.type === 'start') console.log(`running in VS Code ${event.vscodeVersion} (extension host Node ${event.node})`);
        else if (event.type === 'test') console.log(formatResult(event));
        else if (event.type === 'error') console.log(`✘ the suite could not run: ${event.stack ?? event.message}`);
      },
    });
  } catch (error) {
    outcome = { type: 'error', message: error instanceof Error ? error.message : String(error) };
    console.log(`✘ ${outcome.message}`);
  } finally {
    const failed = outcome?.type !== 'end' || outcome.failed > 0;
    if (failed) await saveDiagnostics({ page, consoleLog, userDataDir: join(scratch, 'user-data'), resultsFile });
    await browser?.close().catch(() => {});
    await server?.stop();
    if (!options.keep) rmSync(scratch, { recursive: true, force: true });
    else console.log(`kept ${scratch}`);
  }

  const suiteMs = Date.now() - suiteStarted;
  console.log(`timing: install ${seconds(installMs)}, suite ${seconds(suiteMs)}, total ${seconds(Date.now() - began)}`);
  if (outcome.type !== 'end') {
    console.log('vscode: 0 passed, 1 failed');
    return 1;
  }
  console.log(`vscode: ${outcome.passed} passed, ${outcome.failed} failed, ${outcome.skipped} skipped`);
  if (outcome.passed + outcome.failed === 0) {
    console.log('✘ no extension-host test ran');
    return 1;
  }
  return outcome.failed > 0 ? 1 : 0;
}

/** Keeps what explains a failure in test-results/: a screenshot, the browser console, VS Code's logs. */
async function saveDiagnostics({ page, consoleLog, userDataDir, resultsFile }) {
  mkdirSync(resultsDir, { recursive: true });
  await page?.screenshot({ path: join(resultsDir, 'vscode-failure.png') }).catch(() => {});
  writeFileSync(join(resultsDir, 'vscode-browser-console.log'), consoleLog.join('\n') + '\n');
  const logs = join(userDataDir, 'logs');
  const target = join(resultsDir, 'vscode-logs');
  rmSync(target, { recursive: true, force: true });
  if (existsSync(logs)) cpSync(logs, target, { recursive: true });
  if (existsSync(resultsFile)) cpSync(resultsFile, join(resultsDir, 'vscode-results.ndjson'));
  console.log('diagnostics: test-results/vscode-failure.png, vscode-browser-console.log, vscode-logs/, code-server-vscode.log');
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`✘ test:vscode: ${error instanceof Error ? error.message : error}`);
    console.log('vscode: 0 passed, 1 failed');
    process.exit(1);
  },
);
