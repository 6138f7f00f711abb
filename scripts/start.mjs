// `npm start`: install what is missing, build, start the sample echo servers, and open a real VS Code
// (code-server, in the browser) with the extension loaded and samples/ as the workspace.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { installExtensionFolder, repoRoot, startCodeServer } from './vscode/codeServer.mjs';
import { startEchoServers } from './echoServer.mjs';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// npm records the installed tree in node_modules/.package-lock.json; a newer lockfile means an install is due.
const installed = join(repoRoot, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(repoRoot, 'package-lock.json')).mtimeMs) {
  console.log('Installing dependencies…');
  run('npm', ['install', '--no-audit', '--no-fund']);
}
console.log('Building…');
run('npm', ['run', '--silent', 'build']);

const home = join(repoRoot, '.vscode-test', 'start');
const extensionsDir = join(home, 'extensions');
rmSync(extensionsDir, { recursive: true, force: true });
mkdirSync(extensionsDir, { recursive: true });
installExtensionFolder(extensionsDir);

const echo = await startEchoServers();
console.log('Starting VS Code (code-server; the first run installs it into .vscode-test/, about three minutes)…');
const server = await startCodeServer({
  workspace: join(repoRoot, 'samples'),
  extensionsDir,
  userDataDir: join(home, 'user-data'),
  port: Number(process.env.SI_PORT ?? 8080),
  timeoutMs: 120_000,
});

console.log(`
Socket Inspector is loaded in VS Code: open ${server.workbenchUrl}

  WebSocket echo server: ${echo.wsUrl}
  TCP echo server:       ${echo.tcpTarget}

Press F1 and run "Socket Inspector: Connect WebSocket…" with ${echo.wsUrl}
or "Socket Inspector: Connect TCP…" with ${echo.tcpTarget}.
Code-server's log: ${server.logFile}
Ctrl+C stops everything.`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([server.stop(), echo.stop()]);
  process.exit(0);
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
server.process.once('exit', () => {
  console.error('code-server exited; stopping.');
  void shutdown();
});
