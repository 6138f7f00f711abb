// How the panel names protocol layers and payload codecs: full names for the toolbar and the Decoded
// tab, short badges for the log rows, and the words the filter understands per layer.
import type { DecodeSettings } from '../shared/decode/decodeSettings';
import { t } from './l10n';

const NAMES: Readonly<Record<string, string>> = {
  socketio: 'Socket.IO',
  mqtt: 'MQTT',
  stomp: 'STOMP',
  msgpack: 'MessagePack',
  cbor: 'CBOR',
  protobuf: 'Protobuf',
  'protobuf-raw': t('Protobuf (no schema)'),
};

const BADGES: Readonly<Record<string, string>> = {
  socketio: 'SIO',
  mqtt: 'MQTT',
  stomp: 'STOMP',
  msgpack: 'MP',
  cbor: 'CBOR',
  protobuf: 'PB',
  'protobuf-raw': 'PB',
};

/** The field filters a layer's messages answer to, as the filter's hint shows them. */
const FIELD_EXAMPLES: Readonly<Record<string, string>> = {
  socketio: 'event:chat',
  mqtt: 'topic:sensors/#',
  stomp: 'destination:/topic/prices',
};

/** A layer's or codec's name for people: "Socket.IO", "MessagePack"; unknown ids as they are. */
export function formatName(format: string): string {
  return NAMES[format] ?? format;
}

/** The short badge of a row's summary: SIO, MQTT, STOMP, MP, CBOR, PB. */
export function formatBadge(format: string): string {
  return BADGES[format] ?? format.slice(0, 5).toUpperCase();
}

/** Whether the settings read messages beyond bytes at all (a layer, or a codec rule). */
export function decodeIsOn(settings: DecodeSettings | undefined): boolean {
  return settings !== undefined && (settings.layer !== undefined || (settings.codecs?.length ?? 0) > 0);
}

/**
 * The format rows are summarised in when the host does not say per row: the layer's, or the one codec
 * every rule names; undefined when the rules name several.
 */
export function defaultFormat(settings: DecodeSettings | undefined): string | undefined {
  if (settings?.layer !== undefined) return settings.layer;
  const codecs = new Set((settings?.codecs ?? []).map((rule) => rule.codec));
  return codecs.size === 1 ? [...codecs][0] : undefined;
}

/** An example field filter for the layer (`event:chat`), undefined without a layer. */
export function fieldFilterExample(settings: DecodeSettings | undefined): string | undefined {
  return settings?.layer === undefined ? undefined : FIELD_EXAMPLES[settings.layer];
}
