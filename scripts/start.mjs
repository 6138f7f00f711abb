// `npm start`: install what is missing, build, start the sample echo servers, and open a real VS Code
// (code-server, in the browser) with the extension loaded and samples/ as the workspace.
//
// `npm start -- --check` does the same on free ports, then proves it from the outside (the workbench loads in
// headless Chromium, the extension lists the sample sessions, both echo servers echo) and exits: 0 when all
// holds, 1 with the reason otherwise. test/e2e/start.test.ts runs it in a fresh copy of the repo.
//
// This file imports only Node's own modules at the top: on a fresh clone nothing else is installed until the
// install step below has run, so every module that needs a dependency is imported after it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
  if (r.error) fail(`cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`\`${cmd} ${args.join(' ')}\` failed (${r.signal ?? `exit code ${r.status}`}); its output is above.`);
}

function fail(message) {
  console.error(`\n✘ npm start: ${message}`);
  process.exit(1);
}

function elapsed(started) {
  return `${((Date.now() - started) / 1000).toFixed(0)} s`;
}

// npm records the installed tree in node_modules/.package-lock.json; a newer lockfile means an install is due.
const installed = join(repoRoot, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(repoRoot, 'package-lock.json')).mtimeMs) {
  const first = !existsSync(join(repoRoot, 'node_modules'));
  console.log(first
    ? 'Installing npm dependencies (first run; usually 20–60 s)…'
    : 'package-lock.json changed: updating npm dependencies…');
  const started = Date.now();
  run('npm', ['install', '--no-audit', '--no-fund']);
  console.log(`Dependencies installed in ${elapsed(started)}.`);
}
console.log('Building the extension and the panel (a few seconds)…');
run('npm', ['run', '--silent', 'build']);

const { installExtensionFolder, isCodeServerInstalled, startCodeServer } = await import('./vscode/codeServer.mjs');
const { startEchoServers } = await import('./echoServer.mjs');

const home = join(repoRoot, '.vscode-test', 'start');
const extensionsDir = join(home, 'extensions');
rmSync(extensionsDir, { recursive: true, force: true });
mkdirSync(extensionsDir, { recursive: true });
installExtensionFolder(extensionsDir);

const echo = await startEchoServers(check ? { wsPort: 0, tcpPort: 0 } : undefined).catch((error) => fail(error.message));
console.log(isCodeServerInstalled()
  ? 'Starting VS Code (code-server)…'
  : 'Installing VS Code (code-server and the Node 24 it runs on, from npm) into .vscode-test/: first run only, usually 3–5 minutes…');
const started = Date.now();
const server = await startCodeServer({
  workspace: join(repoRoot, 'samples'),
  extensionsDir,
  userDataDir: join(home, check ? 'user-data-check' : 'user-data'),
  port: check ? 0 : Number(process.env.SI_PORT ?? 8080),
  timeoutMs: 120_000,
}).catch(async (error) => {
  await echo.stop();
  fail(error.message);
});
console.log(`VS Code is up (${elapsed(started)}).`);

let stopping = false;
async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([server.stop(), echo.stop()]);
  process.exit(code);
}

if (check) {
  const { checkStart } = await import('./startCheck.mjs');
  try {
    await checkStart({ workbenchUrl: server.workbenchUrl, echo });
    console.log('✔ npm start works: the workbench loads, the extension lists the sample sessions, both echo servers echo.');
    await shutdown(0);
  } catch (error) {
    console.error(`\n✘ npm start --check: ${error instanceof Error ? error.message : error}\nCode-server's log: ${server.logFile}`);
    await shutdown(1);
  }
} else {
  console.log(`
Socket Inspector is loaded in VS Code: open ${server.workbenchUrl}

  WebSocket echo server: ${echo.wsUrl}
  TCP echo server:       ${echo.tcpTarget}

Open echo-websocket.socket-session.json in the Explorer and press Reconnect, or press F1 and run
"Socket Inspector: Connect WebSocket…" with ${echo.wsUrl} or "Socket Inspector: Connect TCP…" with ${echo.tcpTarget}.
Code-server's log: ${server.logFile}
Ctrl+C stops everything.`);
  process.once('SIGINT', () => shutdown(0));
  process.once('SIGTERM', () => shutdown(0));
  server.process.once('exit', () => {
    console.error('code-server exited; stopping.');
    void shutdown(0);
  });
}
