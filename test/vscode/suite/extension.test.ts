// Runs inside a real VS Code extension host (code-server via `npm run test:vscode`, or desktop VS Code via
// `npm run test:electron`). Every *.test.ts in this folder is bundled into the suite automatically.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../extensionHost';

const COMMANDS = [
  'socketInspector.openPanel',
  'socketInspector.connectWebSocket',
  'socketInspector.connectTcp',
  'socketInspector.disconnect',
  'socketInspector.reconnect',
  'socketInspector.saveSession',
  'socketInspector.saveSessionAs',
  'socketInspector.openSession',
  'socketInspector.clearLog',
  'socketInspector.replaySession',
  'socketInspector.focusConnection',
  'socketInspector.listenTcp',
  'socketInspector.listenWebSocket',
  'socketInspector.proxyTcp',
  'socketInspector.proxyWebSocket',
  'socketInspector.choosePayloadCodec',
];

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

  test('opens *.socket-session.json in its custom editor by default, and declares limited support for untrusted workspaces', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes?: { customEditors?: { viewType: string; priority?: string; selector: { filenamePattern: string }[] }[] };
      capabilities?: { untrustedWorkspaces?: { supported?: unknown } };
    };
    const editor = manifest.contributes?.customEditors?.find((e) => e.viewType === 'socketInspector.session');
    assert.ok(editor, 'socketInspector.session is not contributed');
    assert.equal(editor.priority, 'default');
    assert.deepEqual(editor.selector, [{ filenamePattern: '*.socket-session.json' }]);
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, 'limited');
  });

  test('contributes its settings with their defaults', () => {
    const config = vscode.workspace.getConfiguration('socketInspector');
    assert.equal(config.get('composer.defaultFormat'), 'text');
    assert.equal(config.get('log.autoscroll'), true);
    assert.equal(config.get('session.storeLog'), true);
    assert.equal(config.get('logRetention.maxEntries'), 1000000);
    assert.equal(config.get('maxMessageMegabytes'), 100);
    assert.equal(config.get('listen.maxPeers'), 1000);
    assert.equal(config.get('listen.maxTotalMegabytes'), 1024);
    assert.equal(config.get('listen.idleTimeoutSeconds'), 600);
    assert.deepEqual(config.get('listen.allowedOrigins'), []);
  });
});
