// One build script for every bundle: the extension host (CommonJS, Node), the webview (browser IIFE) and the
// command-line test runner (dist/cli.js, `socket-inspector` in package.json's bin).
// `--watch` rebuilds on change and reports errors in the shape of esbuild's problem matcher;
// `--production` minifies and drops source maps.
import * as esbuild from 'esbuild';
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Prints errors so VS Code's `$esbuild-watch` problem matcher can read them. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  plugins: watch ? [problemMatcher] : [],
  absWorkingDir: root,
};

const host = {
  ...common,
  entryPoints: ['src/vscode/extension.ts'],
  outfile: 'dist/extension.js',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // bufferutil and utf-8-validate are optional native speed-ups of ws; the bundle must not require them.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
};

const webview = {
  ...common,
  entryPoints: ['webview/main.ts'],
  outfile: 'dist/webview.js',
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  loader: { '.css': 'text' },
};

/** The command-line runner: plain Node, started as `socket-inspector` (npx) or `node dist/cli.js`. */
const cli = {
  ...host,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.js',
  external: ['bufferutil', 'utf-8-validate'],
  banner: { js: '#!/usr/bin/env node' },
  define: { SOCKET_INSPECTOR_VERSION: JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version) },
};

async function copyAssets() {
  await mkdir(join(root, 'dist'), { recursive: true });
  const codicons = join(root, 'node_modules/@vscode/codicons/dist');
  await copyFile(join(codicons, 'codicon.css'), join(root, 'dist/codicon.css'));
  await copyFile(join(codicons, 'codicon.ttf'), join(root, 'dist/codicon.ttf'));
}

await copyAssets();
if (watch) {
  const contexts = await Promise.all([esbuild.context(host), esbuild.context(webview), esbuild.context(cli)]);
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all([esbuild.build(host), esbuild.build(webview), esbuild.build(cli)]);
  // npx and npm's bin links run the file itself.
  await chmod(join(root, 'dist/cli.js'), 0o755);
}
