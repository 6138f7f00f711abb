// The Test Explorer's tree of session tests: one item per *.socket-session.json of the workspace that has
// `tests`, one child per test with its range in the file (so the gutter and CodeLens offer "Run"). Kept in
// step with the files by a watcher; a file that does not load shows its error on its item.
import * as vscode from 'vscode';
import { SESSION_FILE_SUFFIX } from '../../core/session/sessionFormat';
import { parseTestSession, type TestSession } from '../../core/testing';
import type { SessionTest } from '../../core/testing/testFormat';
import { messageOf } from '../errorReport';

/** Where a test item's test is: its file's URI and its name there. */
export interface TestItemData {
  readonly uri: vscode.Uri;
  readonly name: string;
}

/** The id of a test's item: the file's URI and the test's name (names are the stable handle a file gives). */
function testItemId(uri: vscode.Uri, name: string): string {
  return `${uri.toString()}#${name}`;
}

/** A StepLocation (1-based) as a position in the file. */
export function positionOfLine(line: number, column: number): vscode.Position {
  return new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
}

export class SessionTestItems implements vscode.Disposable {
  private readonly tests = new WeakMap<vscode.TestItem, TestItemData>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Set while the first scan of the workspace runs. */
  private scanning: Promise<void> | undefined;

  constructor(private readonly controller: vscode.TestController) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/*${SESSION_FILE_SUFFIX}`);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => void this.update(uri)),
      watcher.onDidChange((uri) => void this.update(uri)),
      watcher.onDidDelete((uri) => controller.items.delete(uri.toString())),
    );
    controller.resolveHandler = async (item) => {
      if (!item) await this.scan();
    };
    controller.refreshHandler = () => this.scan(true);
  }

  /** Reads every session file of the workspace (once, or again when `again`). */
  scan(again = false): Promise<void> {
    if (!this.scanning || again) {
      this.scanning = (async () => {
        const found = await vscode.workspace.findFiles(`**/*${SESSION_FILE_SUFFIX}`, '**/node_modules/**');
        const seen = new Set(found.map((u) => u.toString()));
        this.controller.items.forEach((item) => {
          if (!seen.has(item.id)) this.controller.items.delete(item.id);
        });
        await Promise.all(found.map((uri) => this.update(uri)));
      })();
    }
    return this.scanning;
  }

  /** What a test item runs, or undefined for a file's item. */
  dataOf(item: vscode.TestItem): TestItemData | undefined {
    return this.tests.get(item);
  }

  /** Reads one file and makes its item match it: removed when it has no tests, its error shown when it does not load. */
  async update(uri: vscode.Uri): Promise<void> {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      this.controller.items.delete(uri.toString());
      return;
    }
    // A file that does not mention tests is not parsed (it may be a large recording).
    if (!text.includes('"tests"')) {
      this.controller.items.delete(uri.toString());
      return;
    }
    let loaded: TestSession;
    try {
      loaded = parseTestSession(text);
    } catch (e) {
      const item = this.fileItem(uri);
      item.error = messageOf(e);
      item.children.replace([]);
      return;
    }
    if (loaded.tests.length === 0) {
      this.controller.items.delete(uri.toString());
      return;
    }
    const item = this.fileItem(uri);
    item.error = undefined;
    item.children.replace(loaded.tests.map((t) => this.testItem(uri, t, loaded)));
  }

  private fileItem(uri: vscode.Uri): vscode.TestItem {
    const existing = this.controller.items.get(uri.toString());
    if (existing) return existing;
    const item = this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
    this.controller.items.add(item);
    return item;
  }

  private testItem(uri: vscode.Uri, test: SessionTest, loaded: TestSession): vscode.TestItem {
    const item = this.controller.createTestItem(testItemId(uri, test.name), test.name, uri);
    const at = loaded.locate(test);
    if (at) {
      const start = positionOfLine(at.line, at.column);
      item.range = new vscode.Range(start, start);
    }
    this.tests.set(item, { uri, name: test.name });
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
