// A session's view (TCP framing, the pairing field, how messages are decoded) and its protocol layer
// between a panel and its file: read from the panel when a session is saved, applied to it when one
// opens. No vscode: the panel controller is plain Node too.
import type { DecodeSettings } from '../../shared/decode/decodeSettings';
import { framerSpecFromJson, framerSpecToJson, type FramerSpec } from '../../shared/framerSpec';
import type { SessionConnection, SessionDecode, SessionLayer, SessionView } from '../core/session';
import type { LayerChoice } from './panelDecoding';

/** What a view is read from and applied to: the panel controller. */
export interface ViewedPanel {
  readonly framing: FramerSpec | undefined;
  readonly pairingField: string;
  setFraming(spec: FramerSpec | undefined): void;
  setPairingField(field: string): string | undefined;
  readonly decodeSettings: DecodeSettings;
  readonly layerChoice: LayerChoice | undefined;
  setDecodeSettings(settings: DecodeSettings): Promise<DecodeSettings>;
}

/** view.decode of the panel's settings; undefined when they are the defaults. */
function sessionDecodeOf(settings: DecodeSettings, old: SessionDecode | undefined): SessionDecode | undefined {
  const { detectLayer: _d, codecs: _c, protoFiles: _p, ...extras } = old ?? {};
  const decode: SessionDecode = {
    ...(settings.detectLayer === false ? { detectLayer: false } : {}),
    ...(settings.codecs?.length ? { codecs: settings.codecs } : {}),
    ...(settings.protoFiles?.length ? { protoFiles: settings.protoFiles } : {}),
    ...extras,
  };
  return Object.keys(decode).length > 0 ? decode : undefined;
}

/**
 * `connection.layer` as the panel has it now: the file's own (secret references and all) while the same
 * layer is chosen, else the new choice with its settings; null when none is chosen.
 */
export function sessionLayerOf(controller: Pick<ViewedPanel, 'layerChoice'>, settings: SessionConnection | undefined): SessionLayer | null {
  const choice = controller.layerChoice;
  if (!choice) return null;
  if (settings?.layer?.type === choice.id) return settings.layer;
  const own = typeof choice.settings === 'object' && choice.settings !== null ? (choice.settings as Record<string, unknown>) : {};
  return { ...own, type: choice.id };
}

/** The view a panel shows now (framing, pairing field), over the unknown fields of the file's old one. */
export function sessionViewOf(controller: Pick<ViewedPanel, 'framing' | 'pairingField' | 'decodeSettings'>, old: SessionView | undefined): SessionView | undefined {
  const { framing: _f, pairing: _p, decode: oldDecode, ...extras } = old ?? {};
  const decode = sessionDecodeOf(controller.decodeSettings, oldDecode);
  const view: SessionView = {
    ...(controller.framing ? { framing: framerSpecToJson(controller.framing) } : {}),
    ...(controller.pairingField ? { pairing: controller.pairingField } : {}),
    ...(decode ? { decode } : {}),
    ...extras,
  };
  return Object.keys(view).length > 0 ? view : undefined;
}

/**
 * Shows the log as the session file says (framing, pairing field, decoding with the connection's layer);
 * a view that no longer applies is reported, not fatal.
 */
export function applySessionView(
  controller: Pick<ViewedPanel, 'setFraming' | 'setPairingField' | 'setDecodeSettings'>,
  view: SessionView | undefined,
  warn: (problem: string) => void,
  connection?: SessionConnection,
): void {
  const decode = view?.decode;
  const layer = connection?.layer?.type;
  if (decode || layer) {
    const settings: DecodeSettings = {
      ...(layer ? { layer } : {}),
      ...(decode?.detectLayer === false ? { detectLayer: false } : {}),
      ...(decode?.codecs ? { codecs: decode.codecs } : {}),
      ...(decode?.protoFiles ? { protoFiles: decode.protoFiles } : {}),
    };
    controller.setDecodeSettings(settings).catch((e: unknown) => warn(`view.decode: ${e instanceof Error ? e.message : String(e)}`));
  }
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
