// The packaged extension as a user gets it: `npm run package` builds the .vsix, code-server installs it with
// --install-extension (not a copied folder), and the installed extension connects and echoes in the workbench.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEchoServers } from '../../scripts/echoServer.mjs';
import { repoRoot } from '../../scripts/vscode/codeServer.mjs';
import { inspectorFrame, sendFromComposer, waitForState } from '../support/inspectorFrame';
import { answerInputBox, openWorkbench, runCommand, workbenchSkipReason, type Workbench } from '../support/workbench';

const manifest = require('../../package.json') as { publisher: string; name: string; version: string };
const extensionId = `${manifest.publisher}.${manifest.name}`;

describe('The .vsix installed into code-server', { skip: workbenchSkipReason() }, () => {
  let workbench: Workbench | undefined;
  let echo: Awaited<ReturnType<typeof startEchoServers>> | undefined;

  before(async () => {
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    echo = await startEchoServers({ wsPort: 0, tcpPort: 0 });
    workbench = await openWorkbench({ label: 'e2e-install', vsix: join(repoRoot, 'dist', 'socket-inspector.vsix') });
  });

  after(async () => {
    await workbench?.close();
    await echo?.stop();
  });

  test('code-server lists it with its version, unpacked with icon, README images and CHANGELOG', () => {
    assert.ok(workbench, 'the workbench did not open (see the before hook error)');
    assert.ok(
      workbench.installed.includes(`${extensionId}@${manifest.version}`),
      `--list-extensions printed: ${workbench.installed.join(', ')}`,
    );
    const { extensionsDir } = workbench;
    const folder = readdirSync(extensionsDir).find((name) => name.startsWith(`${extensionId}-`));
    assert.ok(folder, `no ${extensionId}-* folder in ${readdirSync(extensionsDir).join(', ')}`);
    // vsce stores README.md and CHANGELOG.md as readme.md and changelog.md.
    for (const file of ['media/icon.png', 'docs/images/vscode-inspector.png', 'changelog.md', 'readme.md', 'dist/extension.js']) {
      assert.ok(existsSync(join(extensionsDir, folder, file)), `${file} is missing from the installed extension`);
    }
  });

  test('the installed extension connects from the palette and shows the echo', async () => {
    assert.ok(workbench, 'the workbench did not open (see the before hook error)');
    const { page } = workbench;
    await runCommand(page, 'Socket Inspector: Connect WebSocket');
    await answerInputBox(page, echo!.wsUrl);
    const frame = await inspectorFrame(page, echo!.wsUrl);
    await waitForState(frame, 'open');
    await sendFromComposer(frame, 'installed from the vsix');
    const echoed = frame.locator('[data-testid=log-row][data-direction=in][data-kind=text]');
    await echoed.first().waitFor({ timeout: 20_000 });
    assert.match((await echoed.last().textContent()) ?? '', /installed from the vsix/);
  });
});
