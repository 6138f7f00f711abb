// Reads socketInspector.maxMessageMegabytes for each new WebSocket connection (src/core/messageLimit.ts).
import * as vscode from 'vscode';
import { withMessageLimit } from './core/messageLimit';

/** `options` with the user's message size limit, unless they set their own. */
export function withMessageLimitFromSettings<T extends { maxPayload?: number }>(options: T): T {
  return withMessageLimit(options, vscode.workspace.getConfiguration('socketInspector').get<unknown>('maxMessageMegabytes'));
}
