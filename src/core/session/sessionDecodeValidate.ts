// Checks the decode parts of a session file: `connection.layer` (the layer's id, its settings as the
// layer's own parseSettings reads them, its secret fields as references) and `view.decode` (layer
// detection, codec rules, .proto files). Errors name the field, like the rest of sessionValidate.ts.
import { LAYER_IDS, type LayerId } from '../../../shared/decode/decoded';
import type { CodecRule } from '../../../shared/decode/decodeSettings';
import { codecRuleProblem, MAX_CODEC_RULES, MAX_PROTO_FILES } from '../../../shared/decode/decodeSettingsCheck';
import { SocketInspectorError } from '../../../shared/errors';
import { layerFactory } from '../layers';
import { bad, found, isRecord, Reader } from './sessionFieldReader';
import { isSecretLayerValue, SESSION_FIELDS, type SessionDecode, type SessionLayer, type SessionWarning } from './sessionFormat';

const SECRET_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The layer's settings in `layer` without its type and without secret references (those are checked
 * for shape here, and filled in from the secret store before the layer starts).
 */
export function layerSettingsJson(layer: SessionLayer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(layer)) {
    if (key === 'type' || isSecretLayerValue(value)) continue;
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `connection.layer`: kept as written (unknown settings are the layer's to refuse), checked by the layer when it is built in. */
export function readLayer(v: unknown, path: string): SessionLayer {
  if (!isRecord(v)) throw bad(path, `must be an object { "type": ${LAYER_IDS.map((l) => `"${l}"`).join(' | ')}, … } (found ${found(v)})`);
  const type = v.type;
  if (!(LAYER_IDS as readonly unknown[]).includes(type)) {
    throw bad(`${path}.type`, `must be one of ${LAYER_IDS.map((l) => `"${l}"`).join(', ')} (found ${found(type)})`);
  }
  const factory = layerFactory(type as LayerId);
  for (const [key, value] of Object.entries(v)) {
    if (!isSecretLayerValue(value)) continue;
    if (!SECRET_ID.test(value.secret)) throw bad(`${path}.${key}.secret`, `must be a secret reference id (1–128 letters, digits, _ or -) (found ${found(value.secret)})`);
    if (factory && !(factory.secretFields as readonly string[]).includes(key)) {
      throw bad(`${path}.${key}`, `is not a secret setting of ${factory.label}; give its value`);
    }
  }
  if (factory) {
    try {
      factory.parseSettings(layerSettingsJson(v as SessionLayer), path);
    } catch (e) {
      if (e instanceof SocketInspectorError) throw new SocketInspectorError('BAD_SESSION', e.message);
      throw e;
    }
  }
  return v as SessionLayer;
}

function readRule(v: unknown, path: string, warnings: SessionWarning[]): CodecRule {
  const r = Reader.object(v, path, SESSION_FIELDS.codecRule, warnings, 'an object { "codec", "direction", "event", "topic", "messageType" }');
  const known: Record<string, unknown> = {};
  for (const key of SESSION_FIELDS.codecRule) if (r.has(key)) known[key] = r.raw(key);
  const problem = codecRuleProblem(known, path);
  if (problem) throw new SocketInspectorError('BAD_SESSION', problem);
  return r.keepExtras(known as unknown as CodecRule);
}

/** `view.decode`. */
export function readDecode(v: unknown, path: string, warnings: SessionWarning[]): SessionDecode {
  const r = Reader.object(v, path, SESSION_FIELDS.decode, warnings, 'an object { "detectLayer", "codecs", "protoFiles" }');
  const out: { detectLayer?: boolean; codecs?: CodecRule[]; protoFiles?: string[] } = {};
  const detect = r.boolean('detectLayer');
  if (detect !== undefined) out.detectLayer = detect;
  const codecs = r.list('codecs');
  if (codecs) {
    if (codecs.length > MAX_CODEC_RULES) throw bad(r.at('codecs'), `must hold at most ${MAX_CODEC_RULES} rules`);
    out.codecs = codecs.map((c, i) => readRule(c, `${r.at('codecs')}[${i}]`, warnings));
  }
  const files = r.list('protoFiles');
  if (files) {
    if (files.length > MAX_PROTO_FILES) throw bad(r.at('protoFiles'), `must hold at most ${MAX_PROTO_FILES} files`);
    out.protoFiles = files.map((f, i) => {
      if (typeof f !== 'string' || f.trim() === '' || f.includes('\0')) {
        throw bad(`${r.at('protoFiles')}[${i}]`, `must be a .proto file path, relative to the workspace folder (found ${found(f)})`);
      }
      return f;
    });
  }
  return r.keepExtras(out);
}
