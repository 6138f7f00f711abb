// `npm test`: every suite, in order, failing on the first failure. Each suite is a command of its own
// so a developer can run just one (`npm run test:unit`).
import { spawnSync } from 'node:child_process';

const suites = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['build', 'npm', ['run', '--silent', 'build']],
  ['unit', 'npm', ['run', '--silent', 'test:unit']],
  ['peers', 'npm', ['run', '--silent', 'test:peers']],
  ['cli', 'npm', ['run', '--silent', 'test:cli']],
  ['nodes', 'npm', ['run', '--silent', 'test:nodes']],
  ['browser', 'npm', ['run', '--silent', 'test:browser']],
  ['package', 'npm', ['run', '--silent', 'test:package']],
  ['vscode', 'npm', ['run', '--silent', 'test:vscode']],
  ['e2e', 'npm', ['run', '--silent', 'test:e2e']],
];

const only = process.argv.slice(2);
let failed = 0;
for (const [name, cmd, args] of suites) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  console.log(`=== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) {
    failed++;
    break;
  }
}
process.exit(failed ? 1 : 0);
