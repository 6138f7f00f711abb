// `npm run test:e2e [-- FILE…] [--test-name-pattern=TEXT] [--skip-build]`: the workbench tests
// (test/e2e/*.test.ts, node:test) against one code-server and one headless Chromium for the whole stage.
// Builds the extension, starts both (scripts/vscode/sharedWorkbench.mjs), runs the files one after another with
// node --test, each opening fresh windows on them, then stops both. A file that needs a code-server of its own
// (a .vsix install, a different environment) starts one itself; `npm start -- --check` (start.test.ts) does too.
// In CI (CI=true) a missing prerequisite fails; elsewhere the files skip with the reason.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { assertCodeServerAvailable, ensureCodeServer, repoRoot } from './codeServer.mjs';
import { chromiumPath, skipReasonOrThrow } from './prerequisites.mjs';
import { startSharedWorkbench } from './sharedWorkbench.mjs';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'skip-build': { type: 'boolean' },
    'test-name-pattern': { type: 'string', multiple: true },
  },
});

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function testFiles() {
  if (positionals.length) return positionals;
  const dir = join(repoRoot, 'test', 'e2e');
  return readdirSync(dir).filter((name) => name.endsWith('.test.ts')).sort().map((name) => relative(repoRoot, join(dir, name)));
}

/** Runs the files with node:test, one at a time, with env added; resolves to its exit code. */
async function runNodeTest(files, env) {
  const args = ['--import', 'tsx', '--test', '--test-concurrency=1'];
  for (const pattern of options['test-name-pattern'] ?? []) args.push(`--test-name-pattern=${pattern}`);
  const child = spawn(process.execPath, [...args, ...files], { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
  const [code, signal] = await once(child, 'exit');
  return signal ? 1 : code;
}

async function main() {
  const began = Date.now();
  if (!options['skip-build']) {
    const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: repoRoot });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const files = testFiles();
  let available = true;
  try {
    chromiumPath();
    assertCodeServerAvailable();
  } catch (error) {
    // Throws in CI; elsewhere each file skips itself and says why.
    console.log(`e2e: no shared workbench: ${skipReasonOrThrow(error)}`);
    available = false;
  }
  if (!available) return runNodeTest(files, {});

  await ensureCodeServer();
  const startedAt = Date.now();
  const shared = await startSharedWorkbench();
  console.log(`e2e: code-server ${shared.server.url} and Chromium up in ${seconds(Date.now() - startedAt)}`);
  let code;
  try {
    code = await runNodeTest(files, shared.env);
  } finally {
    await shared.stop();
  }
  console.log(`e2e: ${files.length} files in ${seconds(Date.now() - began)}`);
  return code;
}

main().then(
  (code) => process.exit(code ?? 1),
  (error) => {
    console.error(`✘ test:e2e: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
