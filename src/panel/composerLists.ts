// The composer's memory for one panel session: what was sent (for up/down recall) and what the user
// saved. Held by the host so it survives the webview being hidden and recreated.
import type { ComposerMessage, SavedMessage } from '../../shared/protocol';

/** Most history entries kept; the oldest go first. */
export const HISTORY_LIMIT = 200;
/** Most saved messages. */
export const SAVED_LIMIT = 500;

function same(a: ComposerMessage, b: ComposerMessage): boolean {
  return a.format === b.format && a.input === b.input && a.escapes === b.escapes;
}

/** Sent history and saved messages of one session. */
export class ComposerLists {
  private readonly sent: ComposerMessage[] = [];
  private readonly savedList: SavedMessage[] = [];
  private nextId = 1;

  get history(): readonly ComposerMessage[] {
    return this.sent;
  }

  get saved(): readonly SavedMessage[] {
    return this.savedList;
  }

  /** Records a sent message; sending the same thing again moves it to the end instead of duplicating. */
  recordSent(message: ComposerMessage): void {
    const copy: ComposerMessage = { format: message.format, input: message.input, escapes: message.escapes };
    const existing = this.sent.findIndex((m) => same(m, copy));
    if (existing >= 0) this.sent.splice(existing, 1);
    this.sent.push(copy);
    if (this.sent.length > HISTORY_LIMIT) this.sent.splice(0, this.sent.length - HISTORY_LIMIT);
  }

  /** Saves a message under a name (a blank name becomes the first line of the input); returns its id. */
  save(name: string, message: ComposerMessage): number {
    if (this.savedList.length >= SAVED_LIMIT) {
      throw new Error(`At most ${SAVED_LIMIT} messages can be saved; delete some first.`);
    }
    const id = this.nextId++;
    const fallback = message.input.split('\n', 1)[0]!.slice(0, 60) || `(empty ${message.format})`;
    this.savedList.push({
      id,
      name: name.trim() || fallback,
      format: message.format,
      input: message.input,
      escapes: message.escapes,
    });
    return id;
  }

  /** Deletes a saved message; false if there was none with that id. */
  delete(id: number): boolean {
    const i = this.savedList.findIndex((m) => m.id === id);
    if (i < 0) return false;
    this.savedList.splice(i, 1);
    return true;
  }
}
