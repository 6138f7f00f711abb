// A live inspector tab saved to a session file (Save Session As) stays linked to it: the tab is titled
// after the file, with "● " in front while the log holds entries the file does not, and Save writes to
// it (InspectorSource.file). A session file's own custom editor is titled by VS Code and is not linked.
import type * as vscode from 'vscode';
import type { IDisposable } from '../../core/base/dispose';
import type { Connection } from '../../core/connection/connectionTypes';
import type { InspectorPanel } from './inspectorPanel';

/** The link between one live tab and the file it was last saved to. */
export class SessionFileLink implements IDisposable {
  private fileName = '';
  private changed = false;
  private logSubscriptions: IDisposable[] = [];
  private readonly connectionSubscription: IDisposable;

  constructor(private readonly panel: InspectorPanel) {
    // After a reconnect the tab shows another log: what it holds is not in the file yet.
    this.connectionSubscription = panel.controller.onDidChangeConnection((c) => {
      this.watch(c);
      this.markChanged();
    });
    this.watch(panel.controller.connection);
  }

  /** Whether the log changed since it was saved. */
  get unsaved(): boolean {
    return this.changed;
  }

  /** The tab's log was just written to `uri`. */
  saved(uri: vscode.Uri): void {
    this.fileName = uri.path.split('/').pop() ?? uri.path;
    this.changed = false;
    this.show();
  }

  dispose(): void {
    this.connectionSubscription.dispose();
    for (const d of this.logSubscriptions) d.dispose();
    this.logSubscriptions = [];
  }

  private watch(connection: Connection): void {
    for (const d of this.logSubscriptions) d.dispose();
    // Only the first change after a save matters; later appends return at once.
    this.logSubscriptions = [connection.log.onDidAppend(() => this.markChanged()), connection.log.onDidClear(() => this.markChanged())];
  }

  private markChanged(): void {
    if (this.changed) return;
    this.changed = true;
    this.show();
  }

  private show(): void {
    this.panel.panel.title = `${this.changed ? '● ' : ''}${this.fileName}`;
    this.panel.controller.sessionChanged();
  }
}
