// Copies the README's screenshots from test-results/ (where the end-to-end suite saves them) to docs/images/,
// quantized with pngquant when it is installed (Debian: apt-get install pngquant): the images ship in the
// .vsix for the Marketplace page, and quantized they are a third of the size, with no visible change.
//   node scripts/copyScreenshots.mjs
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** test-results/ name → docs/images/ name, for each image the README shows. */
const IMAGES = {
  'vscode-inspector-websocket.png': 'vscode-inspector.png',
  'vscode-inspector-tcp.png': 'vscode-inspector-tcp.png',
  'vscode-layer-socketio.png': 'vscode-layer-socketio.png',
  'vscode-layer-mqtt.png': 'vscode-layer-mqtt.png',
  'vscode-layer-stomp.png': 'vscode-layer-stomp.png',
  'vscode-codec-protobuf.png': 'vscode-codec-protobuf.png',
  'vscode-test-explorer.png': 'vscode-test-explorer.png',
  'vscode-listen.png': 'vscode-listen.png',
  'vscode-proxy.png': 'vscode-proxy.png',
  'vscode-frames.png': 'vscode-frames.png',
};

const quantize = spawnSync('pngquant', ['--version']).status === 0;
if (!quantize) console.warn('pngquant is not installed: copying the images as they are (about 3 times larger)');
let missing = 0;
for (const [from, to] of Object.entries(IMAGES)) {
  const source = join(root, 'test-results', from);
  const target = join(root, 'docs', 'images', to);
  if (!existsSync(source)) {
    console.error(`missing ${source}: run npm run test:e2e first`);
    missing++;
    continue;
  }
  if (!quantize) {
    copyFileSync(source, target);
    continue;
  }
  const run = spawnSync('pngquant', ['--quality=80-95', '--speed', '1', '--strip', '--force', '--output', target, source], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`pngquant failed on ${source} (exit ${run.status}); copied as it is`);
    copyFileSync(source, target);
  }
}
process.exitCode = missing ? 1 : 0;
