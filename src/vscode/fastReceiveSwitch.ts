// socketInspector.advanced.fastReceive passed down to the engine's fast receive switch
// (src/core/receive/fastReceive.ts), at activation and whenever the setting changes, and the start-up
// self-test's verdict written to the output channel: each fast path on, or off and why.
import * as vscode from 'vscode';
import { describeFastReceive, fastReceive } from '../core/receive/fastReceive';
import { FAST_RECEIVE_SETTING, fastReceiveFromSettings } from './settings';

/** Applies the setting now and on every change; runs the self-test (once) and reports it. */
export function registerFastReceive(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  const apply = (): void => {
    fastReceive.configure({ enabled: fastReceiveFromSettings(), offReason: `the setting ${FAST_RECEIVE_SETTING} is off` });
    void fastReceive.ready().then((states) => {
      const lines = describeFastReceive(states);
      // A path the self-test turned off is worth a warning; one the user turned off is not.
      states.forEach((s, i) => (!s.on && s.cause === 'selfTest' ? output.warn(lines[i]!) : output.info(lines[i]!)));
    });
  };
  apply();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(FAST_RECEIVE_SETTING)) apply();
    }),
  );
}
