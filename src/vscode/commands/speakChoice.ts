// The connect commands' "Speak" choice: which protocol layer a new connection speaks (None, Socket.IO,
// MQTT, STOMP), or detection from the wire (the default, socketInspector.connect.speak). A URL whose
// scheme names a layer (socketio://, socketios://, mqtt://, mqtts://) chooses it; the input box has a
// button to choose for this connection; a command's options may say `speak` and `layerSettings`.
import * as vscode from 'vscode';
import { LAYER_IDS, type LayerId } from '../../../shared/decode/decoded';
import { SocketInspectorError } from '../../../shared/errors';
import { layerFactory } from '../../core/layers';
import type { InspectorSource } from '../panels/inspectorHost';
import { speakFromSettings } from '../settings';
import { parseSocketIoUrl } from '../../core/connection/connectionTarget';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a new connection speaks: a layer, none (raw bytes), or what the wire shows. */
export type Speak = 'detect' | 'none' | LayerId;

export const SPEAK_VALUES: readonly Speak[] = ['detect', 'none', ...LAYER_IDS];

/** Layers named by URL schemes (the URL forms themselves are parsed in src/core/connection/connectionTarget.ts). */
const SCHEME_LAYERS: Readonly<Record<string, LayerId>> = { socketio: 'socketio', socketios: 'socketio', mqtt: 'mqtt', mqtts: 'mqtt' };

/** The layer a URL's scheme names, or undefined (ws://, tcp://, host:port). */
export function layerOfScheme(input: string): LayerId | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(input.trim());
  return m ? SCHEME_LAYERS[m[1]!.toLowerCase()] : undefined;
}

function speakLabel(speak: Speak): string {
  switch (speak) {
    case 'detect':
      return vscode.l10n.t('Detect from the wire');
    case 'none':
      return vscode.l10n.t('None (raw messages)');
    default:
      return layerFactory(speak)?.label ?? { socketio: 'Socket.IO', mqtt: 'MQTT', stomp: 'STOMP' }[speak];
  }
}

/** Asks which protocol to speak; undefined when the user cancelled. */
export async function pickSpeak(current: Speak): Promise<Speak | undefined> {
  const picked = await vscode.window.showQuickPick(
    SPEAK_VALUES.map((speak) => ({ label: speakLabel(speak), speak, picked: speak === current, ...(speak === current ? { description: vscode.l10n.t('current') } : {}) })),
    { title: vscode.l10n.t('Speak which protocol over this connection?') },
  );
  return picked?.speak;
}

/**
 * Prompts for a connection target with the Speak choice as a button of the input box (Enter connects
 * with the choice shown in the title); undefined when the user cancelled.
 */
export function promptTarget(spec: {
  title: string;
  prompt: string;
  placeHolder: string;
  validate: (value: string) => string | undefined;
}): Promise<{ input: string; speak: Speak } | undefined> {
  let speak = speakFromSettings();
  const box = vscode.window.createInputBox();
  const speakButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('symbol-interface'), tooltip: vscode.l10n.t('Speak…') };
  const retitle = (): void => {
    box.title = `${spec.title} · ${vscode.l10n.t('Speak: {0}', speakLabel(speak))}`;
  };
  box.prompt = spec.prompt;
  box.placeholder = spec.placeHolder;
  box.ignoreFocusOut = true;
  box.buttons = [speakButton];
  retitle();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: { input: string; speak: Speak } | undefined): void => {
      if (settled) return;
      settled = true;
      resolve(result);
      box.dispose();
    };
    box.onDidChangeValue((v) => (box.validationMessage = spec.validate(v)));
    box.onDidAccept(() => {
      const value = box.value.trim();
      if (value === '' || spec.validate(value)) return;
      finish({ input: value, speak });
    });
    /** Set while the Speak pick is on screen: it hides the input box, which then comes back with what was typed. */
    let picking = false;
    box.onDidTriggerButton(async () => {
      const value = box.value;
      picking = true;
      const picked = await pickSpeak(speak);
      picking = false;
      if (settled) return;
      if (picked) speak = picked;
      retitle();
      box.value = value;
      box.show();
    });
    // Hidden otherwise (Escape, focus elsewhere with ignoreFocusOut off): cancelled.
    box.onDidHide(() => {
      if (!picking) finish(undefined);
    });
    box.show();
  });
}

/** The `speak` field of a command's options, checked; undefined when absent. */
export function speakOfOptions(arg: unknown): Speak | undefined {
  const speak = typeof arg === 'object' && arg !== null ? (arg as { speak?: unknown }).speak : undefined;
  if (speak === undefined) return undefined;
  if (typeof speak !== 'string' || !(SPEAK_VALUES as readonly string[]).includes(speak)) {
    throw new SocketInspectorError('BAD_URL', `"speak" must be one of ${SPEAK_VALUES.join(', ')}`);
  }
  return speak as Speak;
}

/**
 * How the panel of a new connection starts reading it: the layer a URL scheme names wins over the
 * choice, which defaults to the setting. `layerSettings` (a command's options) are checked by the layer.
 */
export function decodeOfChoice(input: unknown, speak: Speak | undefined): InspectorSource['decode'] {
  // A WebSocket's options name a `url`, a TCP connection's a `target` (mqtt://…).
  const options = typeof input === 'object' && input !== null ? (input as { url?: unknown; target?: unknown }) : undefined;
  const url = typeof input === 'string' ? input : (options?.url ?? options?.target);
  const chosen = (typeof url === 'string' ? layerOfScheme(url) : undefined) ?? speak ?? speakFromSettings();
  if (chosen === 'detect') return {};
  if (chosen === 'none') return { settings: { detectLayer: false } };
  const json = typeof input === 'object' && input !== null ? (input as { layerSettings?: unknown }).layerSettings : undefined;
  const factory = layerFactory(chosen);
  // A socketio:// URL's path is the namespace to connect (unless the options name one).
  const namespace = chosen === 'socketio' && typeof url === 'string' && layerOfScheme(url) === 'socketio' ? parseSocketIoUrl(url).namespace : undefined;
  const withNamespace = namespace !== undefined && namespace !== '/' ? { namespace, ...(isRecord(json) ? json : {}) } : json;
  const settings = withNamespace !== undefined && factory ? factory.parseSettings(withNamespace, 'layerSettings') : undefined;
  return { settings: { layer: chosen }, layer: { id: chosen, ...(settings !== undefined ? { settings } : {}) } };
}
