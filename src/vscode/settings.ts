// Every socketInspector.* setting the extension reads, read here and nowhere else: log retention, the
// message size limit, a listener's limits (socketInspector.listen.*), the TLS key log of ad-hoc
// connections, the panel's defaults, whether a saved session stores its log, the fast receive switch, and
// the protocol new connections speak.
// The key log: socketInspector.tls.keyLogFile, or tls.keyLogFile in a command's options; session files
// carry their own (connection.tls.keyLogFile).
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { PanelSettings } from '../../shared/protocol';
import { LAYER_IDS, type LayerId } from '../../shared/decode/decoded';
import type { RetentionOptions, TcpOptions, WebSocketOptions } from '../core/connection/connectionTypes';
import { withMessageLimit } from '../core/connection/messageLimit';
import type { ServerSettingValues } from '../core/listen/listenerSettings';
import { resolveKeyLogPath, resolveOptionsKeyLog, withDefaultKeyLog } from '../core/tls/keyLogPath';

/** The folder a relative key log path is taken from: the first workspace folder, else the home folder. */
function baseFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder ? folder.uri.fsPath : homedir();
}

/**
 * socketInspector.tls.keyLogFile made absolute, or undefined when unset. VS Code ignores a workspace's
 * value of this setting until the workspace is trusted (package.json restrictedConfigurations).
 */
export function keyLogFileFromSettings(): string | undefined {
  const value = vscode.workspace.getConfiguration('socketInspector').get<string>('tls.keyLogFile')?.trim();
  if (!value) return undefined;
  try {
    return resolveKeyLogPath(value, baseFolder(), 'socketInspector.tls.keyLogFile');
  } catch {
    // Unusable (a NUL in it): passed on as written, so opening it fails and the panel says why.
    return value;
  }
}

/** Makes a key log path given in a command's options absolute (throws BAD_URL on a blank one). */
export function resolveCommandKeyLog<T extends WebSocketOptions | TcpOptions>(options: T): T {
  return resolveOptionsKeyLog(options, baseFolder());
}

/** The options with the setting's key log added, unless they name one or do not use TLS. */
export function withKeyLogSetting<T extends WebSocketOptions | TcpOptions>(options: T): T {
  return withDefaultKeyLog(options, keyLogFileFromSettings());
}

/** The retention cap from socketInspector.logRetention.*. */
export function retentionFromSettings(): RetentionOptions {
  const config = vscode.workspace.getConfiguration('socketInspector');
  return {
    maxEntries: config.get<number>('logRetention.maxEntries'),
    maxBytes: (config.get<number>('logRetention.maxMegabytes') ?? 256) * 1024 * 1024,
  };
}

/** `options` with the user's message size limit (socketInspector.maxMessageMegabytes, src/core/connection/messageLimit.ts), unless they set their own. */
export function withMessageLimitFromSettings<T extends { maxPayload?: number }>(options: T): T {
  return withMessageLimit(options, vscode.workspace.getConfiguration('socketInspector').get<unknown>('maxMessageMegabytes'));
}

/** The settings Listen and Proxy commands apply (turned into options by src/core/listen/listenerSettings.ts). */
export function serverSettingsFromConfiguration(): ServerSettingValues {
  const config = vscode.workspace.getConfiguration('socketInspector');
  return {
    maxMessageMegabytes: config.get<unknown>('maxMessageMegabytes'),
    maxPeers: config.get<unknown>('listen.maxPeers'),
    maxTotalMegabytes: config.get<unknown>('listen.maxTotalMegabytes'),
    idleTimeoutSeconds: config.get<unknown>('listen.idleTimeoutSeconds'),
    allowedOrigins: config.get<unknown>('listen.allowedOrigins'),
  };
}

const FORMATS = new Set(['text', 'json', 'hex', 'base64']);

/** socketInspector.composer.defaultFormat and .tcpEscapes, and socketInspector.log.autoscroll, checked. */
export function panelSettingsFromConfiguration(): PanelSettings {
  const config = vscode.workspace.getConfiguration('socketInspector');
  const format = config.get<string>('composer.defaultFormat') ?? 'text';
  return {
    defaultFormat: (FORMATS.has(format) ? format : 'text') as PanelSettings['defaultFormat'],
    tcpEscapes: config.get<boolean>('composer.tcpEscapes') ?? true,
    autoscroll: config.get<boolean>('log.autoscroll') ?? true,
  };
}

/** socketInspector.session.storeLog: whether Save Session writes the log into the file. */
export function storeLogFromSettings(): boolean {
  return vscode.workspace.getConfiguration('socketInspector').get<boolean>('session.storeLog') ?? true;
}

/** The setting that switches the fast receive paths (src/core/receive/fastReceive.ts). */
export const FAST_RECEIVE_SETTING = 'socketInspector.advanced.fastReceive';

/** socketInspector.advanced.fastReceive: whether connections may use the fast receive paths. */
export function fastReceiveFromSettings(): boolean {
  return vscode.workspace.getConfiguration('socketInspector').get<boolean>('advanced.fastReceive') ?? true;
}

/** socketInspector.connect.speak: the protocol layer new connections speak, or 'detect' (the default) or 'none'. */
export function speakFromSettings(): 'detect' | 'none' | LayerId {
  const value = vscode.workspace.getConfiguration('socketInspector').get<string>('connect.speak') ?? 'detect';
  return value === 'none' || (LAYER_IDS as readonly string[]).includes(value) ? (value as 'none' | LayerId) : 'detect';
}
