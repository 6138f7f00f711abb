// What the commands, the session editor and the tree view know of the inspector tabs: where a tab's
// connection came from (for Reconnect and Save) and how to show one. PanelManager implements InspectorHost.
import type * as vscode from 'vscode';
import type { Connection } from '../../core/connection/connectionTypes';
import type { Session, SessionConnection } from '../../core/session';
import type { DecodeSettings } from '../../../shared/decode/decodeSettings';
import type { LayerChoice } from '../../core/layers/layerAttachment';

/** The session file an inspector shows (opened from it, or saved to it). */
export interface SessionFileState {
  uri: vscode.Uri;
  /** The file's text as last read or written: a save refuses to overwrite anything else. */
  text: string;
  session: Session;
  /** Opened in an untrusted workspace (saving checks trust again, as it may have been granted since). */
  readOnly: boolean;
}

/** Where an inspector's connection came from: what Reconnect and Save need. */
export interface InspectorSource {
  /** Connection settings as a session file holds them (placeholders and secret references kept). */
  settings?: SessionConnection;
  /** Makes a fresh connection for Reconnect (may ask the user; undefined when they declined). */
  recreate?: () => Connection | undefined | Promise<Connection | undefined>;
  file?: SessionFileState;
  /** Values to redact from a saved log (secret header values, values read from the environment). */
  sensitive?: readonly string[];
  /** How the panel first reads messages: the connect command's Speak choice, or detection (the default). */
  decode?: { readonly settings?: DecodeSettings; readonly layer?: LayerChoice };
}

/** Where connections are shown; the panel manager implements it. */
export interface InspectorHost {
  /** Opens (or reveals) the inspector tab of a registered connection. */
  show(id: string, source?: InspectorSource): void;
  /** The id of the connection whose inspector is active, if any. */
  activeConnectionId(): string | undefined;
}
