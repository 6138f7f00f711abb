// Checks DecodeSettings wherever they come in from outside: the webview (setDecodeSettings), a session
// file (view.decode, connection.layer's type) and a command's arguments. Each problem names the field.
import { CODEC_IDS, LAYER_IDS } from './decoded';
import type { CodecRule, DecodeSettings } from './decodeSettings';

/** Most codec rules one connection has. */
export const MAX_CODEC_RULES = 64;
/** Most .proto files one connection names. */
export const MAX_PROTO_FILES = 256;

const RULE_FIELDS = ['codec', 'direction', 'event', 'topic', 'messageType'];
const SETTINGS_FIELDS = ['layer', 'detectLayer', 'codecs', 'protoFiles'];
/** A fully qualified Protobuf message type: `chat.v1.Message`. */
const MESSAGE_TYPE = /^\.?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function found(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : typeof v;
}

/** Why `filter` cannot be an MQTT topic filter, or undefined. */
export function topicFilterSyntaxProblem(filter: string): string | undefined {
  if (filter === '') return 'must not be empty';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level === '#' && i !== levels.length - 1) return `has "#" before the last level`;
    if (level !== '#' && level !== '+' && /[#+]/.test(level)) return `mixes a wildcard with other characters in level ${i + 1}`;
  }
  return undefined;
}

/** What is wrong with one codec rule at `path`, or undefined. */
export function codecRuleProblem(v: unknown, path: string): string | undefined {
  if (!isRecord(v)) return `${path} must be an object { "codec", … } (found ${found(v)})`;
  const extra = Object.keys(v).find((k) => !RULE_FIELDS.includes(k));
  if (extra !== undefined) return `${path} has an unknown field "${extra}"`;
  if (!(CODEC_IDS as readonly unknown[]).includes(v.codec)) return `${path}.codec must be one of ${CODEC_IDS.join(', ')} (found ${found(v.codec)})`;
  if (v.direction !== undefined && v.direction !== 'in' && v.direction !== 'out') return `${path}.direction must be "in" or "out" (found ${found(v.direction)})`;
  if (v.event !== undefined && (typeof v.event !== 'string' || v.event === '' || v.event.length > 1000)) {
    return `${path}.event must be a Socket.IO event name (found ${found(v.event)})`;
  }
  if (v.topic !== undefined) {
    if (typeof v.topic !== 'string' || v.topic.length > 65535) return `${path}.topic must be an MQTT topic filter (found ${found(v.topic)})`;
    const problem = topicFilterSyntaxProblem(v.topic);
    if (problem) return `${path}.topic ${problem} (found ${found(v.topic)})`;
  }
  if (v.messageType !== undefined) {
    if (v.codec !== 'protobuf') return `${path}.messageType applies to the protobuf codec only`;
    if (typeof v.messageType !== 'string' || !MESSAGE_TYPE.test(v.messageType)) {
      return `${path}.messageType must be a fully qualified message type like "chat.v1.Message" (found ${found(v.messageType)})`;
    }
  }
  return undefined;
}

/** What is wrong with decode settings at `path` (fields as in DecodeSettings), or undefined. */
export function decodeSettingsProblem(v: unknown, path: string): string | undefined {
  if (!isRecord(v)) return `${path} must be an object (found ${found(v)})`;
  const extra = Object.keys(v).find((k) => !SETTINGS_FIELDS.includes(k));
  if (extra !== undefined) return `${path} has an unknown field "${extra}"`;
  if (v.layer !== undefined && !(LAYER_IDS as readonly unknown[]).includes(v.layer)) {
    return `${path}.layer must be one of ${LAYER_IDS.join(', ')} (found ${found(v.layer)})`;
  }
  if (v.detectLayer !== undefined && typeof v.detectLayer !== 'boolean') return `${path}.detectLayer must be true or false (found ${found(v.detectLayer)})`;
  if (v.codecs !== undefined) {
    if (!Array.isArray(v.codecs) || v.codecs.length > MAX_CODEC_RULES) return `${path}.codecs must be a list of at most ${MAX_CODEC_RULES} rules`;
    for (let i = 0; i < v.codecs.length; i++) {
      const problem = codecRuleProblem(v.codecs[i], `${path}.codecs[${i}]`);
      if (problem) return problem;
    }
  }
  if (v.protoFiles !== undefined) {
    if (!Array.isArray(v.protoFiles) || v.protoFiles.length > MAX_PROTO_FILES) return `${path}.protoFiles must be a list of at most ${MAX_PROTO_FILES} paths`;
    const i = v.protoFiles.findIndex((f) => typeof f !== 'string' || f.trim() === '' || f.includes('\0') || f.length > 4096);
    if (i !== -1) return `${path}.protoFiles[${i}] must be a file path (found ${found(v.protoFiles[i])})`;
  }
  return undefined;
}

/** Settings as given, without empty lists and defaults, so equal choices compare and save the same. */
export function normalizeDecodeSettings(s: DecodeSettings): DecodeSettings {
  const codecs: readonly CodecRule[] | undefined = s.codecs?.length ? s.codecs : undefined;
  return {
    ...(s.layer !== undefined ? { layer: s.layer } : {}),
    ...(s.detectLayer === false ? { detectLayer: false } : {}),
    ...(codecs ? { codecs } : {}),
    ...(s.protoFiles?.length ? { protoFiles: s.protoFiles } : {}),
  };
}
