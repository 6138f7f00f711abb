// Runs inside a real VS Code extension host (code-server via `npm run test:vscode`, or desktop VS Code via
// `npm run test:electron`). Every *.test.ts in this folder is bundled into the suite automatically.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, test } from '../testRegistry';

const EXTENSION_ID = 'socket-inspector.socket-inspector';
const COMMANDS = ['socketInspector.connectWebSocket', 'socketInspector.connectTcp', 'socketInspector.disconnect'];

suite('Socket Inspector extension', () => {
  test('is installed and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not among the installed extensions`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('registers its commands', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = COMMANDS.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });

  test('contributes its commands to the palette under the Socket Inspector category', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as
      | { contributes?: { commands?: { command: string; category?: string }[] } }
      | undefined;
    const contributed = manifest?.contributes?.commands ?? [];
    for (const command of COMMANDS) {
      const entry = contributed.find((c) => c.command === command);
      assert.ok(entry, `${command} is not contributed in package.json`);
      assert.equal(entry.category, 'Socket Inspector');
    }
  });
});
