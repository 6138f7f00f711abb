// A server file's reading of the log (its protocol layer and TCP framing) between a server panel and the
// file: applied when the file starts, read back when the server is saved. The same as a session's view
// (sessionView.ts), for the peers of a listener and the pairs of a proxy. No vscode.
import { framerSpecFromJson, framerSpecToJson } from '../../shared/framerSpec';
import type { LayerId } from '../../shared/decode/decoded';
import type { ServerFile } from '../core/serverFile/serverFileFormat';
import type { SessionLayer } from '../core/session';
import { sessionLayerOf, type ViewedPanel } from './sessionView';

/** The part of a server file a panel shows: how peers' (and proxy legs') messages are read. */
export type ServerFileView = Pick<ServerFile, 'layer' | 'framing'>;

/**
 * Reads the server's log as `file` says: TCP cut by its framer (first, so the layer does not pick its own),
 * peers decoded with its layer. A framer that no longer applies is reported, not fatal.
 */
export function applyServerFileView(controller: Pick<ViewedPanel, 'setFraming' | 'setDecodeSettings' | 'decodeSettings'>, file: ServerFileView, warn: (problem: string) => void): void {
  if (file.framing) {
    try {
      controller.setFraming(framerSpecFromJson(file.framing));
    } catch (e) {
      warn(`framing: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (file.layer) {
    const settings = { ...controller.decodeSettings, layer: file.layer.type as LayerId };
    controller.setDecodeSettings(settings).catch((e: unknown) => warn(`layer: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** The layer and framing a server panel reads with now (the file's own layer kept while the same one is chosen). */
export function serverFileViewOf(controller: Pick<ViewedPanel, 'framing' | 'layerChoice'>, old: ServerFileView = {}): { layer?: SessionLayer; framing?: ServerFile['framing'] } {
  const layer = sessionLayerOf(controller, old.layer ? { layer: old.layer } as Parameters<typeof sessionLayerOf>[1] : undefined);
  return { ...(layer ? { layer } : {}), ...(controller.framing ? { framing: framerSpecToJson(controller.framing) } : {}) };
}
