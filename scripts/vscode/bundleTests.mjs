// Bundles the extension-host suite with esbuild, so it loads in VS Code's extension host without tsx. The layout
// is the one @vscode/test-electron's samples compile to: runSuite.js (run(), mocha inside) and beside it
// suite/<name>.test.js, one bundle per test file, which run() hands to mocha.addFile.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer.mjs';

const vscodeTestDir = join(repoRoot, 'test', 'vscode');
const suiteDir = join(vscodeTestDir, 'suite');
const runnerDir = join(vscodeTestDir, 'runner-extension');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: 'inline',
  logLevel: 'warning',
  absWorkingDir: repoRoot,
  // mocha's parallel mode (worker pool, require.resolve of its worker) is bundled but never used: one extension
  // host runs the suite serially.
  logOverride: { 'require-resolve-not-external': 'silent' },
};

/** The suite's test files, so adding a *.test.ts to test/vscode/suite is all it takes to run it. */
export function suiteFiles() {
  return readdirSync(suiteDir).filter((name) => name.endsWith('.test.ts')).sort();
}

/** Bundles each suite file into outdir/suite/<name>.test.js; the test files use mocha's globals, so mocha stays out. */
async function bundleTestFiles(outdir) {
  const files = suiteFiles();
  if (!files.length) throw new Error(`no *.test.ts files in ${suiteDir}`);
  rmSync(join(outdir, 'suite'), { recursive: true, force: true });
  await esbuild.build({ ...common, entryPoints: files.map((name) => join(suiteDir, name)), outdir: join(outdir, 'suite') });
  return files;
}

/**
 * Bundles the suite for @vscode/test-electron into outdir: runSuite.js, the extensionTestsPath whose run() it
 * calls, and suite/*.test.js. Returns the test files' names.
 */
export async function bundleSuite(outdir) {
  const files = await bundleTestFiles(outdir);
  await esbuild.build({ ...common, entryPoints: [join(vscodeTestDir, 'runSuite.ts')], outfile: join(outdir, 'runSuite.js') });
  return files;
}

/** Builds the test-runner extension (run() and the suite inside it) into extensionsDir; returns its folder. */
export async function installTestRunner(extensionsDir) {
  const manifest = JSON.parse(readFileSync(join(runnerDir, 'package.json'), 'utf8'));
  const path = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  rmSync(path, { recursive: true, force: true });
  mkdirSync(join(path, 'dist'), { recursive: true });
  copyFileSync(join(runnerDir, 'package.json'), join(path, 'package.json'));
  await esbuild.build({ ...common, entryPoints: [join(runnerDir, 'runner.ts')], outfile: join(path, 'dist', 'runner.js') });
  // Inside the runner's folder, so the extension host resolves the test files' require('vscode') for a known extension.
  const files = await bundleTestFiles(join(path, 'dist'));
  return { path, files };
}
