// How a panel reads a TCP connection's log: raw chunks, or messages split by a framer, chosen by the
// user (View as, a session's view) or once by the protocol layer (MQTT frames packet by packet). It owns
// the framed view of the log while one is chosen.
import { framerSpecFromJson, type FramerSpec } from '../../shared/framerSpec';
import type { LayerId } from '../../shared/decode/decoded';
import type { IDisposable } from '../core/base/dispose';
import type { Connection } from '../core/connection/connectionTypes';
import { FramedLog } from '../core/framing/framedLog';
import type { EntryLog } from '../core/log/entryLog';
import { layerFactory } from '../core/layers';

/** The framer of a panel and the framed log it gives. */
export class PanelFraming implements IDisposable {
  private spec: FramerSpec | undefined;
  /** The layer's own framer was applied once (layerFramer). */
  private layerFramed = false;
  private framed: FramedLog | undefined;

  /** The framer in force, or undefined for raw chunks. */
  get framer(): FramerSpec | undefined {
    return this.spec;
  }

  /** The log to show of `connection`: the framed view when a framer is chosen, else its raw log. */
  shownLog(connection: Connection): EntryLog {
    return this.framed?.log ?? connection.log;
  }

  /** Chooses the framer; rebuild() applies it. */
  set(spec: FramerSpec | undefined): void {
    this.spec = spec;
  }

  /** Builds the framed view of `connection`'s log anew (another connection or framer); a non-TCP connection drops the choice when `forget`. */
  rebuild(connection: Connection, forget = false): void {
    if (forget && connection.kind !== 'tcp') this.spec = undefined;
    this.framed?.dispose();
    this.framed = this.spec && connection.kind === 'tcp' ? new FramedLog(connection.log, this.spec, { connection }) : undefined;
  }

  /**
   * The framer of `layer` to apply, once, to a TCP connection read as raw chunks; undefined when none
   * (a framer was chosen, or back to raw chunks after the layer's, it stays so).
   */
  layerFramer(connection: Connection, layer: string | undefined): FramerSpec | undefined {
    if (this.layerFramed || this.spec || connection.kind !== 'tcp' || !layer) return undefined;
    const spec = layerFactory(layer as LayerId)?.tcpFramer;
    if (!spec) return undefined;
    this.layerFramed = true;
    return framerSpecFromJson(spec);
  }

  dispose(): void {
    this.framed?.dispose();
    this.framed = undefined;
  }
}
