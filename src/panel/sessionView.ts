// A session's view (TCP framing, the pairing field) between a panel and its file: read from the panel when
// a session is saved, applied to it when one opens. No vscode: the panel controller is plain Node too.
import { framerSpecFromJson, framerSpecToJson, type FramerSpec } from '../../shared/framerSpec';
import type { SessionView } from '../core/session';

/** What a view is read from and applied to: the panel controller. */
export interface ViewedPanel {
  readonly framing: FramerSpec | undefined;
  readonly pairingField: string;
  setFraming(spec: FramerSpec | undefined): void;
  setPairingField(field: string): string | undefined;
}

/** The view a panel shows now (framing, pairing field), over the unknown fields of the file's old one. */
export function sessionViewOf(controller: Pick<ViewedPanel, 'framing' | 'pairingField'>, old: SessionView | undefined): SessionView | undefined {
  const { framing: _f, pairing: _p, ...extras } = old ?? {};
  const view: SessionView = {
    ...(controller.framing ? { framing: framerSpecToJson(controller.framing) } : {}),
    ...(controller.pairingField ? { pairing: controller.pairingField } : {}),
    ...extras,
  };
  return Object.keys(view).length > 0 ? view : undefined;
}

/** Shows the log as the session file says (framing, pairing field); a view that no longer applies is reported, not fatal. */
export function applySessionView(
  controller: Pick<ViewedPanel, 'setFraming' | 'setPairingField'>,
  view: SessionView | undefined,
  warn: (problem: string) => void,
): void {
  if (view?.framing) {
    try {
      controller.setFraming(framerSpecFromJson(view.framing));
    } catch (e) {
      warn(`view.framing: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (view?.pairing) {
    const problem = controller.setPairingField(view.pairing);
    if (problem) warn(`view.pairing: ${problem}`);
  }
}
