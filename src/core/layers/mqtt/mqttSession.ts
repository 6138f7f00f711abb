// The MQTT layer speaking on one live connection (TCP, TLS or WebSocket), as a client: CONNECT when the
// connection opens, PINGREQ every keep-alive interval, and the acknowledgement flows of QoS 1 and 2 both
// ways. It reads received packets through the log's onDidAppend (copying each chunk at once: answering
// appends to the same log) and sends through the connection, so everything it says is logged like any
// message. Flow completions and refusals are added as notes.
import { randomBytes } from 'node:crypto';
import type { LayerSendForm } from '../../../../shared/decode/layerForms';
import { SocketInspectorError } from '../../../../shared/errors';
import { MQTT_PACKETS } from '../../../../shared/framerSpec';
import { Direction, Kind, type ConnectionState } from '../../../../shared/logModel';
import { Disposable, Emitter, toDisposable } from '../../base/dispose';
import type { Connection } from '../../connection/connectionTypes';
import { createFramerDecoder, type FramerDecoder } from '../../framing/framerDecoder';
import type { LayerSession } from '../protocolLayer';
import { encodePacket } from './mqttEncode';
import { packetOfForm } from './mqttForm';
import { PacketIds } from './mqttPacketIds';
import type { MqttPacket, ProtocolLevel } from './mqttPacket';
import { parsePacket } from './mqttParse';
import { hexCode, reasonText } from './mqttReasons';
import type { MqttSettings } from './mqttSettings';
import { isQuietPublish } from './quietPublish';

/** A flow we started and wait on, by packet id. */
type Outgoing =
  | { readonly kind: 'publish'; readonly qos: 1 | 2; readonly topic: string; stage: 'PUBACK' | 'PUBREC' | 'PUBCOMP' }
  | { readonly kind: 'subscribe'; readonly topics: readonly string[] }
  | { readonly kind: 'unsubscribe'; readonly topics: readonly string[] };

const encoder = new TextEncoder();

export class MqttSession extends Disposable implements LayerSession {
  readonly id = 'mqtt' as const;
  private statusText = 'waiting for the connection to open';
  private readonly statusEmitter = this.register(new Emitter<string>());
  readonly onDidChangeStatus = this.statusEmitter.event;
  private readonly level: ProtocolLevel;
  private framer: FramerDecoder | undefined;
  private connected = false;
  private keepAliveSeconds: number;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private pingOutstanding = false;
  private readonly ids = new PacketIds();
  private readonly outgoing = new Map<number, Outgoing>();
  /** QoS 2 publishes received and answered with PUBREC, waiting for their PUBREL. */
  private readonly awaitingRelease = new Set<number>();

  constructor(
    private readonly connection: Connection,
    private readonly settings: MqttSettings,
  ) {
    super();
    this.level = settings.version === '5' ? 5 : 4;
    this.keepAliveSeconds = settings.keepAliveSeconds;
    this.register(toDisposable(() => this.stopKeepAlive()));
    this.register(connection.log.onDidAppend((seq) => this.onAppend(seq)));
    this.register(connection.onDidChangeState((state) => this.onState(state)));
    if (connection.state === 'open') this.begin();
  }

  get status(): string {
    return this.statusText;
  }

  private setStatus(text: string): void {
    if (text === this.statusText) return;
    this.statusText = text;
    this.statusEmitter.fire(text);
  }

  private note(text: string): void {
    if (!this.isDisposed) this.connection.log.appendText(Direction.Meta, Kind.Note, text);
  }

  private onState(state: ConnectionState): void {
    if (state === 'open') this.begin();
    else if (state === 'closed' || state === 'error') this.end();
  }

  /** The connection opened (or reopened): a fresh MQTT session starts with CONNECT. */
  private begin(): void {
    this.end();
    this.framer = createFramerDecoder(MQTT_PACKETS, (packet) => this.onPacket(packet), {
      onError: (e) => this.note(`MQTT: ${e.message}`),
    });
    this.keepAliveSeconds = this.settings.keepAliveSeconds;
    this.write(this.connectPacket());
    this.setStatus('CONNECT sent, waiting for CONNACK');
  }

  private end(): void {
    this.stopKeepAlive();
    if (this.framer && !this.connected && this.statusText.startsWith('CONNECT sent')) this.setStatus('closed before CONNACK');
    else if (this.connected) this.setStatus('disconnected');
    this.framer = undefined;
    this.connected = false;
    this.pingOutstanding = false;
    this.ids.clear();
    this.outgoing.clear();
    this.awaitingRelease.clear();
  }

  private connectPacket(): MqttPacket {
    const s = this.settings;
    const will = s.will ? { topic: s.will.topic, payload: encoder.encode(s.will.payload), qos: s.will.qos, retain: s.will.retain } : undefined;
    return {
      type: 'CONNECT',
      connect: {
        protocolName: 'MQTT',
        level: this.level,
        clientId: s.clientId || `si-${randomBytes(6).toString('hex')}`,
        cleanStart: s.cleanStart,
        keepAlive: s.keepAliveSeconds,
        ...(s.username !== undefined ? { username: s.username } : {}),
        ...(s.password !== undefined ? { password: encoder.encode(s.password) } : {}),
        ...(will ? { will } : {}),
      },
    };
  }

  private write(packet: MqttPacket): number {
    const bytes = encodePacket(packet, this.level);
    this.connection.sendBytes(bytes);
    return bytes.length;
  }

  private onAppend(seq: number): void {
    const log = this.connection.log;
    if (!this.framer) return;
    const kind = log.kind(seq);
    // A TCP peer's FIN is logged as Closed while the connection stays open for our writes: MQTT is over.
    if (kind === Kind.Closed) return this.end();
    if (log.direction(seq) !== Direction.In) return;
    if (kind !== Kind.Binary && kind !== Kind.Data) return;
    const payload = log.payload(seq);
    if (!payload || payload.length === 0) return;
    // On the ingest path: a whole QoS 0 PUBLISH between packets asks for nothing (quietPublish.ts).
    if (this.framer.pending === 0 && isQuietPublish(payload)) return;
    // Copied: answering appends to this log, which may recycle the memory the view points into.
    this.framer.push(payload.slice());
  }

  private onPacket(bytes: Uint8Array): void {
    const parsed = parsePacket(bytes, 0, this.level);
    if (parsed.error || !parsed.packet) {
      this.note(`↑ MQTT: not a valid packet at byte ${parsed.error?.offset ?? 0}: ${parsed.error?.message ?? ''}`);
      return;
    }
    const p = parsed.packet;
    switch (p.type) {
      case 'CONNACK':
        return this.onConnack(p);
      case 'PUBLISH':
        return this.onPublish(p);
      case 'PUBREL': {
        const id = p.packetId!;
        const known = this.awaitingRelease.delete(id);
        // MQTT 5 answers an unknown id with 0x92; 3.1.1 has no reason codes and completes anyway.
        this.write({ type: 'PUBCOMP', packetId: id, reasonCode: known || this.level < 5 ? 0 : 0x92 });
        if (known) this.note(`↑ QoS 2 delivery #${id} received: PUBLISH → PUBREC → PUBREL → PUBCOMP complete`);
        return;
      }
      case 'PUBACK':
      case 'PUBREC':
      case 'PUBCOMP':
        return this.onPublishAck(p);
      case 'SUBACK':
      case 'UNSUBACK':
        return this.onSubscribeAck(p);
      case 'PINGRESP':
        this.pingOutstanding = false;
        return;
      case 'DISCONNECT':
        this.setStatus(`DISCONNECT ${hexCode(p.reasonCode ?? 0)} ${reasonText(p.reasonCode ?? 0, this.level, 'DISCONNECT')}`);
        return;
      default:
        this.note(`↑ MQTT: a broker does not send ${p.type} to a client`);
    }
  }

  private onConnack(p: MqttPacket): void {
    const code = p.reasonCode ?? 0;
    if (code !== 0) {
      this.setStatus(`CONNACK ${hexCode(code)} ${reasonText(code, this.level, 'CONNACK')}`);
      return;
    }
    this.connected = true;
    for (const prop of p.properties ?? []) {
      // Server Keep Alive (0x13) replaces ours; Assigned Client Identifier (0x12) is worth telling.
      if (prop.id === 0x13) this.keepAliveSeconds = prop.value as number;
      if (prop.id === 0x12) this.note(`↑ The broker assigned the client identifier "${String(prop.value)}"`);
    }
    this.setStatus(`connected (MQTT ${this.level === 5 ? '5' : '3.1.1'})${p.sessionPresent ? ', session present' : ''}`);
    this.startKeepAlive();
  }

  private startKeepAlive(): void {
    this.stopKeepAlive();
    if (!this.settings.autoKeepAlive || this.keepAliveSeconds === 0) return;
    const seconds = this.keepAliveSeconds;
    this.keepAliveTimer = setInterval(() => {
      if (this.connection.state !== 'open') return;
      if (this.pingOutstanding) this.note(`No PINGRESP to the last PINGREQ within the keep-alive of ${seconds} s`);
      this.pingOutstanding = true;
      this.write({ type: 'PINGREQ' });
    }, seconds * 1000);
    this.keepAliveTimer.unref?.();
  }

  private stopKeepAlive(): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }

  private onPublish(p: MqttPacket): void {
    const id = p.packetId;
    if (p.qos === 1 && id !== undefined) this.write({ type: 'PUBACK', packetId: id });
    if (p.qos === 2 && id !== undefined) {
      // Bounded by the id space: at most 65535 ids can await their PUBREL.
      this.awaitingRelease.add(id);
      this.write({ type: 'PUBREC', packetId: id });
    }
  }

  private onPublishAck(p: MqttPacket): void {
    const id = p.packetId!;
    const flow = this.outgoing.get(id);
    if (!flow || flow.kind !== 'publish' || flow.stage !== p.type) {
      this.note(`↑ MQTT: ${p.type} #${id} answers no PUBLISH of ours waiting for it`);
      return;
    }
    const code = p.reasonCode ?? 0;
    if (code >= 0x80) {
      this.finish(id);
      this.note(`↑ PUBLISH #${id} to ${flow.topic} refused: ${hexCode(code)} ${reasonText(code, this.level, 'other')}`);
      return;
    }
    if (p.type === 'PUBREC') {
      flow.stage = 'PUBCOMP';
      this.write({ type: 'PUBREL', packetId: id });
      return;
    }
    this.finish(id);
    const path = flow.qos === 1 ? 'PUBLISH → PUBACK' : 'PUBLISH → PUBREC → PUBREL → PUBCOMP';
    const extra = code === 0 ? '' : ` (${hexCode(code)} ${reasonText(code, this.level, 'other')})`;
    this.note(`↑ QoS ${flow.qos} delivery #${id} to ${flow.topic}: ${path} complete${extra}`);
  }

  private onSubscribeAck(p: MqttPacket): void {
    const id = p.packetId!;
    const flow = this.outgoing.get(id);
    const wanted = p.type === 'SUBACK' ? 'subscribe' : 'unsubscribe';
    if (!flow || flow.kind !== wanted) {
      this.note(`↑ MQTT: ${p.type} #${id} answers no ${wanted.toUpperCase()} of ours`);
      return;
    }
    this.finish(id);
    const codes = p.reasonCodes ?? flow.topics.map(() => 0);
    const parts = flow.topics.map((topic, i) => {
      const code = codes[i];
      if (code === undefined) return `${topic}: no reason code`;
      if (p.type === 'SUBACK') return code < 0x80 ? `${topic} granted QoS ${code}` : `${topic} refused: ${hexCode(code)} ${reasonText(code, this.level, 'SUBACK')}`;
      return `${topic}: ${hexCode(code)} ${reasonText(code, this.level, 'other')}`;
    });
    this.note(`↑ ${p.type === 'SUBACK' ? 'Subscribed' : 'Unsubscribed'}: ${parts.join('; ')}`);
  }

  private finish(id: number): void {
    this.outgoing.delete(id);
    this.ids.free(id);
  }

  async send(form: LayerSendForm): Promise<{ bytes: number }> {
    if (this.connection.state !== 'open') throw new SocketInspectorError('NOT_OPEN', 'The connection is not open');
    const packet = packetOfForm(form, this.level);
    const needsId = packet.type !== 'PUBLISH' || (packet.qos ?? 0) > 0;
    const id = needsId ? this.ids.allocate() : undefined;
    if (needsId && id === undefined) throw new SocketInspectorError('PROTOCOL', 'All 65,535 packet identifiers are waiting for acknowledgements');
    let bytes: Uint8Array;
    try {
      bytes = encodePacket(id === undefined ? packet : { ...packet, packetId: id }, this.level);
    } catch (e) {
      if (id !== undefined) this.ids.free(id);
      throw new SocketInspectorError('PROTOCOL', (e as Error).message);
    }
    if (id !== undefined) {
      if (packet.type === 'PUBLISH') {
        const qos = packet.qos as 1 | 2;
        this.outgoing.set(id, { kind: 'publish', qos, topic: packet.topic!, stage: qos === 1 ? 'PUBACK' : 'PUBREC' });
      } else if (packet.type === 'SUBSCRIBE') {
        this.outgoing.set(id, { kind: 'subscribe', topics: packet.subscriptions!.map((s) => s.topic) });
      } else {
        this.outgoing.set(id, { kind: 'unsubscribe', topics: packet.topics! });
      }
    }
    this.connection.sendBytes(bytes);
    return { bytes: bytes.length };
  }

  override dispose(): void {
    this.framer = undefined;
    super.dispose();
  }
}
