// The webview's handle on VS Code: postMessage to the host, and a small state that survives the page
// being recreated when the panel is hidden and shown again.
import type { ComposerMessage, FilterSpec } from '../shared/protocol';
import type { DetailTab } from './detailPane';

/** The API VS Code injects into webviews (acquirable once per page). */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What the webview remembers across being hidden and shown. */
export interface PersistedState {
  filter: FilterSpec;
  draft: ComposerMessage;
  follow: boolean;
  tab: DetailTab;
  selectedSeq: number | null;
}

const DEFAULT_STATE: PersistedState = {
  filter: { text: '', directions: [], kinds: [] },
  draft: { format: 'text', input: '', escapes: false },
  follow: true,
  tab: 'text',
  selectedSeq: null,
};

/** The page's VS Code API and its remembered state. */
export class WebviewHost {
  readonly api: VsCodeApi = acquireVsCodeApi();
  private state: PersistedState;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** True when nothing was remembered: the page is new, so user settings decide its initial state. */
  readonly fresh: boolean;

  constructor() {
    const saved = this.api.getState();
    this.fresh = typeof saved !== 'object' || saved === null;
    this.state = { ...DEFAULT_STATE, ...(typeof saved === 'object' && saved !== null ? (saved as Partial<PersistedState>) : {}) };
  }

  get saved(): Readonly<PersistedState> {
    return this.state;
  }

  /** Updates part of the remembered state (written a moment later, not on every keystroke). */
  remember(patch: Partial<PersistedState>): void {
    this.state = { ...this.state, ...patch };
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      this.api.setState(this.state);
    }, 200);
  }
}
