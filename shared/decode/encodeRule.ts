// "Encode as <codec>" in the composer: which codec rule turns the composer's JSON into the bytes of a
// message sent in a direction. Shared so that the webview offers the option exactly when the host can
// honour it.
import type { CodecRule, DecodeSettings } from './decodeSettings';

/**
 * The rule whose codec encodes a whole message sent in `direction`: the first that reads whole
 * messages of that direction. A rule for one Socket.IO event or MQTT topic reads a layer's payloads,
 * which the layer's own form composes, so it never encodes a raw message.
 */
export function encodeRuleFor(settings: DecodeSettings, direction: 'in' | 'out'): CodecRule | undefined {
  return settings.codecs?.find((r) => r.event === undefined && r.topic === undefined && (r.direction === undefined || r.direction === direction));
}
