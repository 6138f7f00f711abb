// The layer rule of docs/architecture.md on the real tree, and proof that the check catches what it is
// meant to catch: a planted tree with one violation of each kind must report each, with file and line.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkLayers, checkSource, formatViolation, sourceFiles } from '../../scripts/layering';

const root = join(import.meta.dirname, '../..');

describe('layering', () => {
  it('the source tree has no import across layers', () => {
    assert.ok(sourceFiles(root).length > 150, 'the check sees the source files');
    assert.deepEqual(checkLayers(root).map(formatViolation), []);
  });

  it('reports each planted violation with its file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layering-'));
    const plant = (path: string, lines: string[]) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), lines.join('\n'));
    };
    try {
      plant('shared/protocol.ts', [
        "import type { Kind } from './logModel';",
        "import { thing } from '../src/core/log/entryLog';",
        "import { readFileSync } from 'node:fs';",
        "// import { fine } from '../src/core/commentsDoNotCount';",
      ]);
      plant('shared/logModel.ts', ['export type Kind = number;']);
      plant('webview/main.ts', [
        "import '@vscode-elements/elements';",
        "import { Kind } from '../shared/logModel';",
        "import css from './styles.css';",
        '',
        "export { toHex } from '../src/core/codecs/hexDump';",
        "const lazy = () => import('../src/panel/logFilter');",
        "import { EventEmitter } from 'events';",
      ]);
      plant('src/core/log/entryLog.ts', [
        "import { Kind } from '../../../shared/logModel';",
        "import WebSocket from 'ws';",
        "import type * as vscode from 'vscode';",
        "import { PanelController } from '../../panel/panelController';",
        "const settings = require('../../vscode/settings');",
      ]);
      plant('src/panel/panelController.ts', ["import { EntryLog } from '../core/log/entryLog';", "import { reportError } from '../vscode/errorReport';"]);
      plant('src/vscode/extension.ts', ["import * as vscode from 'vscode';", "import { PanelController } from '../panel/panelController';", "import { main } from '../../webview/main';"]);
      plant('src/loose.ts', ['export const x = 1;']);

      const found = checkLayers(dir).map(formatViolation);
      assert.deepEqual(found, [
        "shared/protocol.ts:2: shared may not import core (src/core/log/entryLog) ('../src/core/log/entryLog')",
        "shared/protocol.ts:3: shared/ runs on both sides and imports nothing outside itself ('node:fs')",
        'src/core/log/entryLog.ts:3: only src/vscode/ may import vscode (\'vscode\')',
        "src/core/log/entryLog.ts:4: core may not import panel (src/panel/panelController) ('../../panel/panelController')",
        "src/core/log/entryLog.ts:5: core may not import vscode (src/vscode/settings) ('../../vscode/settings')",
        'src/loose.ts:1: a source file outside src/core, src/panel, src/vscode and src/cli has no layer',
        "src/panel/panelController.ts:2: panel may not import vscode (src/vscode/errorReport) ('../vscode/errorReport')",
        "src/vscode/extension.ts:3: vscode may not import webview (webview/main) ('../../webview/main')",
        "webview/main.ts:5: webview may not import core (src/core/codecs/hexDump) ('../src/core/codecs/hexDump')",
        "webview/main.ts:6: webview may not import panel (src/panel/logFilter) ('../src/panel/logFilter')",
        "webview/main.ts:7: the webview runs in a browser: no Node built-ins ('events')",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts type-only imports and re-exports too', () => {
    const found = checkSource('src/core/x.ts', ["import type { Uri } from 'vscode';", "export * from '../vscode/settings';"].join('\n'));
    assert.deepEqual(
      found.map((v) => v.line),
      [1, 2],
    );
  });
});
