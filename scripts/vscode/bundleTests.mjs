// Bundles the extension-host suite (every test/vscode/suite/*.test.ts) and the test-runner extension with
// esbuild, so they load in VS Code's extension host without tsx.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer.mjs';

const suiteDir = join(repoRoot, 'test', 'vscode', 'suite');
const runnerDir = join(repoRoot, 'test', 'vscode', 'runner-extension');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: 'inline',
  logLevel: 'warning',
  absWorkingDir: repoRoot,
};

/** The suite's test files, so adding a *.test.ts to test/vscode/suite is all it takes to run it. */
export function suiteFiles() {
  return readdirSync(suiteDir).filter((name) => name.endsWith('.test.ts')).sort();
}

/** Bundles the suite into outfile: a CommonJS module exporting run() (for test-electron) and runTests(). */
export async function bundleSuite(outfile) {
  const files = suiteFiles();
  if (!files.length) throw new Error(`no *.test.ts files in ${suiteDir}`);
  const entry = [...files.map((name) => `import './${name}';`), "export { run, runTests } from '../testRegistry';"].join('\n');
  await esbuild.build({ ...common, stdin: { contents: entry, resolveDir: suiteDir, sourcefile: 'suite-entry.ts', loader: 'ts' }, outfile });
  return files;
}

/** Builds the test-runner extension (with the suite inside it) into extensionsDir; returns its folder. */
export async function installTestRunner(extensionsDir) {
  const manifest = JSON.parse(readFileSync(join(runnerDir, 'package.json'), 'utf8'));
  const path = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  rmSync(path, { recursive: true, force: true });
  mkdirSync(join(path, 'dist'), { recursive: true });
  copyFileSync(join(runnerDir, 'package.json'), join(path, 'package.json'));
  await esbuild.build({ ...common, entryPoints: [join(runnerDir, 'runner.ts')], outfile: join(path, 'dist', 'runner.js') });
  // Inside the runner's folder, so the extension host resolves the suite's require('vscode') for a known extension.
  const files = await bundleSuite(join(path, 'dist', 'suite.js'));
  return { path, files };
}
