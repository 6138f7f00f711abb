// A small protocol layer and two payload codecs, written for tests of the decode plumbing (rule choice,
// caching, the panel's requests, the filter's fields, sessions) before or beside the real ones. They
// register under real ids ('mqtt', 'msgpack', 'cbor') in the registries of the test's own process, so the
// plumbing is exercised exactly as the real ones will use it; every call is counted.
//
// The toy layer reads text messages:
//   PUB <topic> <payload>     → PUBLISH, fields { type, topic }, innerPayload = <payload>
//   EVT <event> <payload>     → EVENT, fields { type, event }, innerPayload = <payload>
//   anything else             → an error at offset 0
import { clipSummary, type DecodedMessage } from '../../shared/decode/decoded';
import type { LayerSendForm } from '../../shared/decode/layerForms';
import { SocketInspectorError } from '../../shared/errors';
import { Emitter } from '../../src/core/base/dispose';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { registerCodec, type CodecFactory } from '../../src/core/decode/codecRegistry';
import type { PayloadCodec } from '../../src/core/decode/payloadCodec';
import { registerLayer, type LayerFactory } from '../../src/core/layers/layerRegistry';
import type { LayerDecodeInput, LayerSession } from '../../src/core/layers/protocolLayer';

/** How often each toy decoder ran, and what the toy layer was started with. */
export const toyCalls = { layerDecode: 0, codecDecode: 0, started: [] as unknown[], sent: [] as LayerSendForm[] };

export function resetToyCalls(): void {
  toyCalls.layerDecode = 0;
  toyCalls.codecDecode = 0;
  toyCalls.started.length = 0;
  toyCalls.sent.length = 0;
}

const text = new TextDecoder();

function decodeToyPacket({ payload }: LayerDecodeInput): (DecodedMessage & { innerPayload?: Uint8Array }) | undefined {
  toyCalls.layerDecode++;
  const line = text.decode(payload);
  const m = /^(PUB|EVT) (\S+) ?/.exec(line);
  if (!m) {
    return { format: 'mqtt', summary: 'not a toy packet', tree: { key: '', type: 'packet' }, fields: {}, error: { offset: 0, message: 'expected PUB or EVT' } };
  }
  const type = m[1] === 'PUB' ? 'PUBLISH' : 'EVENT';
  const inner = payload.subarray(Buffer.byteLength(m[0]));
  const fields: Record<string, string> = m[1] === 'PUB' ? { type, topic: m[2]! } : { type, event: m[2]! };
  return {
    format: 'mqtt',
    summary: `${type} ${m[2]} · ${inner.length} B`,
    tree: { key: '', type, children: [{ key: m[1] === 'PUB' ? 'topic' : 'event', type: 'str', value: JSON.stringify(m[2]) }] },
    fields,
    innerPayload: inner,
  };
}

/** Settings of the toy layer: a client id and a password (a secret field). */
export interface ToySettings {
  readonly clientId?: string;
  readonly password?: string;
}

class ToySession implements LayerSession {
  readonly id = 'mqtt' as const;
  private readonly emitter = new Emitter<string>();
  readonly onDidChangeStatus = this.emitter.event;
  status = 'connecting';
  disposed = false;

  constructor(private readonly connection: Connection) {
    connection.onDidChangeState((s) => {
      if (s === 'open') this.setStatus('connected');
    });
    if (connection.state === 'open') this.status = 'connected';
  }

  private setStatus(status: string): void {
    this.status = status;
    this.emitter.fire(status);
  }

  async send(form: LayerSendForm): Promise<{ bytes: number }> {
    if (form.layer !== 'mqtt' || form.action !== 'publish') throw new SocketInspectorError('PROTOCOL', 'The toy layer only publishes.');
    toyCalls.sent.push(form);
    const line = `PUB ${form.topic} ${form.payload}`;
    this.connection.sendText(line);
    return { bytes: Buffer.byteLength(line) };
  }

  dispose(): void {
    this.disposed = true;
    this.emitter.dispose();
  }
}

export const toyLayer: LayerFactory<ToySettings> = {
  id: 'mqtt',
  label: 'Toy MQTT',
  parseSettings(json: unknown, path: string): ToySettings {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new SocketInspectorError('BAD_SESSION', `${path} must be an object`);
    const o = json as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (key !== 'clientId' && key !== 'password') throw new SocketInspectorError('BAD_SESSION', `${path}.${key} is not a toy setting`);
      if (typeof o[key] !== 'string') throw new SocketInspectorError('BAD_SESSION', `${path}.${key} must be a string`);
    }
    return o as ToySettings;
  },
  secretFields: ['password'],
  detect: (e) => (e.path?.startsWith('/toy') ?? false) || (e.firstMessage !== undefined && text.decode(e.firstMessage).startsWith('PUB ')),
  decoder: { id: 'mqtt', decode: decodeToyPacket },
  start(connection, settings) {
    toyCalls.started.push(settings);
    return new ToySession(connection);
  },
};

/** 'msgpack' here: the payload as text, upper-cased; a payload starting with 0xff fails at offset 0. */
export const toyUpperCodec: CodecFactory = {
  id: 'msgpack',
  label: 'Toy upper',
  create(): PayloadCodec {
    return {
      id: 'msgpack',
      decode(payload): DecodedMessage {
        toyCalls.codecDecode++;
        if (payload[0] === 0xff) return { format: 'msgpack', summary: 'bad', tree: { key: '', type: 'bin' }, fields: {}, error: { offset: 0, message: 'leading 0xff' } };
        const value = text.decode(payload).toUpperCase();
        return { format: 'msgpack', summary: clipSummary(JSON.stringify(value)), tree: { key: '', type: 'str', value: JSON.stringify(value) }, fields: { word: value } };
      },
      toEditableText: (payload) => JSON.stringify(text.decode(payload)),
      encode: (t) => new TextEncoder().encode(JSON.parse(t) as string),
    };
  },
};

/** 'protobuf' here: says which message type and schemas it was made with; an unknown type fails to create. */
export const toySchemaCodec: CodecFactory = {
  id: 'protobuf',
  label: 'Toy schema',
  create(rule, context): PayloadCodec {
    const schemas = context.protoSchemas as { messageTypes: string[]; version: number } | undefined;
    if (rule.messageType && !schemas?.messageTypes.includes(rule.messageType)) {
      throw new SocketInspectorError('PROTOCOL', `Unknown message type ${rule.messageType}`);
    }
    return {
      id: 'protobuf',
      decode(payload) {
        toyCalls.codecDecode++;
        return { format: 'protobuf', summary: `${rule.messageType ?? 'raw'} v${schemas?.version ?? 0} · ${payload.length} B`, tree: { key: '', type: rule.messageType ?? 'raw' }, fields: {} };
      },
      toEditableText: () => '{}',
      encode: () => new Uint8Array(),
    };
  },
};

/** Registers the toy layer and codecs in this process's registries. */
export function registerToyDecoders(): void {
  registerLayer(toyLayer);
  registerCodec(toyUpperCodec);
  registerCodec(toySchemaCodec);
}
