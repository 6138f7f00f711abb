// The README's first command on a fresh clone: a copy of the repo's files with no node_modules, no dist/ and no
// .vscode-test/ of its own runs `npm start -- --check`, which installs, builds, starts code-server and the echo
// servers and exits once the workbench shows the extension's sample sessions and both echo servers echo.
// code-server's install is shared with the other suites (SI_VSCODE_CACHE), so this costs about a minute.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cacheRoot, ensureCodeServer, repoRoot } from '../../scripts/vscode/codeServer.mjs';
import { workbenchSkipReason } from '../support/workbench';

/** Copies the files git would commit (tracked, and untracked ones it does not ignore) as they are on disk. */
function copyWorkingTree(target: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot })
    .toString()
    .split('\0')
    .filter((file) => file && existsSync(join(repoRoot, file)));
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(target, file));
  }
}

function runStartCheck(cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, SI_VSCODE_CACHE: cacheRoot };
    // An outer `npm test` exports its whole config (prefixes included) as npm_*; the clone's npm must find its
    // own project. Only how to reach the registry is kept.
    for (const key of Object.keys(env)) {
      if (/^npm_/i.test(key) && !/^npm_config_(registry|cafile|ca|proxy|https_proxy|http_proxy|noproxy|strict_ssl|userconfig|cache)$/i.test(key)) delete env[key];
    }
    const child = spawn('npm', ['start', '--', '--check'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('npm start on a fresh clone', { skip: workbenchSkipReason() }, () => {
  let clone = '';

  before(async () => {
    await ensureCodeServer();
    clone = mkdtempSync(join(tmpdir(), 'si-fresh-clone-'));
    copyWorkingTree(clone);
  });

  after(() => {
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  test('installs, builds, opens VS Code with the extension and the samples, and the echo servers echo', { timeout: 10 * 60_000 }, async () => {
    assert.equal(existsSync(join(clone, 'node_modules')), false, 'the copy must start without node_modules');
    assert.equal(existsSync(join(clone, 'dist')), false, 'the copy must start without a build');
    const { code, output } = await runStartCheck(clone);
    assert.equal(code, 0, `npm start -- --check exited ${code}:\n${output.slice(-6000)}`);
    assert.match(output, /Installing npm dependencies \(first run/, 'first-run progress names the install');
    assert.match(output, /✔ npm start works/);
    assert.ok(existsSync(join(clone, 'dist', 'extension.js')), 'npm start built the extension');
  });
});
