// Every payload codec the engine knows, by id. A codec module registers a factory; the panel, session
// files and the test runner make codecs only through here (src/core/decode/index.ts imports them all).
import type { CodecId } from '../../../shared/decode/decoded';
import type { CodecRule } from '../../../shared/decode/decodeSettings';
import type { PayloadCodec } from './payloadCodec';

/** What making a codec may need beyond its rule: loaded schemas (Protobuf). */
export interface CodecContext {
  /** Protobuf schemas loaded from DecodeSettings.protoFiles; undefined when none were given or loaded. */
  readonly protoSchemas?: unknown;
}

export interface CodecFactory {
  readonly id: CodecId;
  /** Shown in pickers: 'MessagePack', 'CBOR', 'Protobuf'. */
  readonly label: string;
  /** Makes the codec a rule asks for; throws a SocketInspectorError when it cannot (an unknown message type). */
  create(rule: CodecRule, context: CodecContext): PayloadCodec;
}

const factories = new Map<CodecId, CodecFactory>();

/** Registers a codec; each codec's module calls this once. */
export function registerCodec(factory: CodecFactory): void {
  factories.set(factory.id, factory);
}

export function codecFactory(id: CodecId): CodecFactory | undefined {
  return factories.get(id);
}

export function codecFactories(): readonly CodecFactory[] {
  return [...factories.values()];
}
