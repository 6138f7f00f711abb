// `npm run test:electron [-- --grep TEXT]`: the extension-host suite (test/vscode/suite, mocha) in desktop VS Code
// through @vscode/test-electron, with our repository as the extension under development and
// out/vscode-test/runSuite.js (test/vscode/runSuite.ts) as the extension tests path.
//
// NEEDS NETWORK: runTests downloads a VS Code build from update.code.visualstudio.com into .vscode-test/
// (or uses VSCODE_EXECUTABLE_PATH when set). The project's machines and CI reach only the npm and Debian
// registries, so this is for developer machines with internet; `npm run test:vscode` runs the same suite in
// code-server here. On Linux without a display, run it under xvfb-run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { bundleSuite } from './bundleTests.mjs';
import { repoRoot } from './codeServer.mjs';

const { values: options } = parseArgs({ options: { grep: { type: 'string' }, 'skip-build': { type: 'boolean' } } });

async function main() {
  if (!options['skip-build']) {
    const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: repoRoot });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const outdir = join(repoRoot, 'out', 'vscode-test');
  await bundleSuite(outdir);
  const scratch = mkdtempSync(join(tmpdir(), 'si-electron-test-'));
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  try {
    // runTests rejects when VS Code exits non-zero, which it does when the suite's run() rejects (a failing test,
    // none run, a file that does not load). mocha's spec reporter prints the results on VS Code's stdout.
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(outdir, 'runSuite.js'),
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
      extensionTestsEnv: { SI_VSCODE_GREP: options.grep ?? '' },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(scratch, 'user-data')],
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`✘ test:electron: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
