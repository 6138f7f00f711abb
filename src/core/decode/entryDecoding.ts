// One logged entry decoded as a connection's decode settings say: the protocol layer's decoder first
// (when a layer is spoken), then the payload codec of the first CodecRule that matches (direction,
// Socket.IO event name, MQTT topic filter), applied to the layer's innerPayload, or with no layer to the
// whole message. Runs on the host when rows are shown or a filter scans, never on ingest. Every payload
// is read synchronously: the log recycles its memory, so nothing here holds a view into it after a
// call returns (the layer's innerPayload is dropped from what is kept).
import { clipSummary, type DecodedMessage } from '../../../shared/decode/decoded';
import type { CodecRule, DecodeSettings } from '../../../shared/decode/decodeSettings';
import { encodeRuleFor } from '../../../shared/decode/encodeRule';
import { SocketInspectorError } from '../../../shared/errors';
import { Direction, Kind } from '../../../shared/logModel';
import type { EntryLog } from '../log/entryLog';
import type { LayerDecoder } from '../layers/protocolLayer';
import { codecFactory } from './codecRegistry';
import { DecodeCache, logIdentity } from './decodeCache';
import type { PayloadCodec } from './payloadCodec';
import { topicMatches } from './topicFilter';

/**
 * Loads the Protobuf schemas of DecodeSettings.protoFiles (the caller binds how files are read and
 * where imports are looked up; src/core/decode/protobuf/ provides the real one). Rejects with an error
 * whose message names the file and line of a mistake.
 */
export type ProtoSchemaLoader = (files: readonly string[]) => Promise<unknown>;

/** One entry as decoding sees it. */
export interface DecodeInput {
  readonly direction: Direction;
  readonly kind: Kind;
  readonly payload: Uint8Array;
}

export interface EntryDecodingOptions {
  /** Loads .proto files; without it a Protobuf rule with a message type reports that schemas are unavailable. */
  readonly loadProtoSchemas?: ProtoSchemaLoader;
  /** Most decoded entries kept for scrolling back (default 2048). */
  readonly cacheEntries?: number;
}

/** A rule with the codec it makes, or why it cannot be made. */
export interface PlannedRule {
  readonly rule: CodecRule;
  readonly codec: PayloadCodec | { readonly problem: string };
}

/** Whether an entry of this kind and direction is a message something may decode (not an event, ping or close). */
export function isDecodable(direction: number, kind: number): boolean {
  return direction !== Direction.Meta && (kind === Kind.Text || kind === Kind.Binary || kind === Kind.Data);
}

/** Whether `rule` applies to a payload of this direction inside a packet with these layer fields. */
export function ruleMatches(rule: CodecRule, direction: Direction, layerFields: Readonly<Record<string, string>> | undefined): boolean {
  if (rule.direction !== undefined && rule.direction !== (direction === Direction.In ? 'in' : 'out')) return false;
  if (rule.event !== undefined && layerFields?.event !== rule.event) return false;
  if (rule.topic !== undefined && (layerFields?.topic === undefined || !topicMatches(rule.topic, layerFields.topic))) return false;
  return true;
}

/** A message saying decoding could not start (codec missing, schema not loaded), with the bytes untouched. */
function failed(format: string, message: string): DecodedMessage {
  return {
    format,
    summary: clipSummary(`${format}: ${message}`),
    tree: { key: '', type: format },
    fields: {},
    error: { offset: 0, message },
  };
}

/** The codec's summary (built without the tree where the codec can), never throwing. */
function runSummary(codec: PayloadCodec, payload: Uint8Array): string {
  if (!codec.summarize) return runCodec(codec, payload).summary;
  try {
    return codec.summarize(payload);
  } catch (e) {
    return failed(codec.id, e instanceof Error ? e.message : String(e)).summary;
  }
}

/** The codec's decode, never throwing (a codec that throws is reported as an error at offset 0). */
function runCodec(codec: PayloadCodec, payload: Uint8Array): DecodedMessage {
  try {
    return codec.decode(payload);
  } catch (e) {
    return failed(codec.id, e instanceof Error ? e.message : String(e));
  }
}

/** The decode settings of one panel, the codecs they make, and a cache of what they decoded. */
export class EntryDecoding {
  private current: DecodeSettings = {};
  private gen = 0;
  private plan: readonly PlannedRule[] = [];
  private schemas: unknown;
  private schemaProblem: string | undefined;
  /** Increments on every setSettings/reloadSchemas call: a slower earlier load never wins over a later one. */
  private pending = 0;
  private readonly cache: DecodeCache;
  /** Summaries of rows decoded for their summary only (no tree), keyed as `cache`. */
  private readonly summaryCache: DecodeCache<string>;

  constructor(private readonly options: EntryDecodingOptions = {}) {
    this.cache = new DecodeCache(options.cacheEntries ?? 2048);
    this.summaryCache = new DecodeCache<string>(options.cacheEntries ?? 2048);
  }

  /** The settings decoding follows now. */
  get settings(): DecodeSettings {
    return this.current;
  }

  /** Changes on every change of settings or schemas; cached results of another generation are never shown. */
  get generation(): number {
    return this.gen;
  }

  /** Why the .proto files did not load, when they did not. */
  get protoProblem(): string | undefined {
    return this.schemaProblem;
  }

  /** Message types the loaded schemas offer, when the loader's result lists them (`messageTypes`). */
  get messageTypes(): readonly string[] | undefined {
    const types = (this.schemas as { messageTypes?: unknown } | undefined)?.messageTypes;
    return Array.isArray(types) && types.every((t) => typeof t === 'string') ? (types as string[]) : undefined;
  }

  /**
   * Replaces the settings. .proto files are (re)loaded when the list changed; resolves once the new
   * settings apply. A load that fails is kept as protoProblem (Protobuf rules then say why in each row).
   */
  async setSettings(settings: DecodeSettings): Promise<void> {
    const filesChanged = !sameList(settings.protoFiles, this.current.protoFiles);
    const ticket = ++this.pending;
    let schemas = this.schemas;
    let problem = this.schemaProblem;
    if (filesChanged) ({ schemas, problem } = await this.load(settings.protoFiles ?? []));
    if (ticket !== this.pending) return;
    this.apply(settings, schemas, problem);
  }

  /** Loads the .proto files again (one changed on disk); the decoded results so far are forgotten. */
  async reloadSchemas(): Promise<void> {
    const ticket = ++this.pending;
    const { schemas, problem } = await this.load(this.current.protoFiles ?? []);
    if (ticket !== this.pending) return;
    this.apply(this.current, schemas, problem);
  }

  /** Entry `seq` of `log` decoded (cached), or undefined when nothing applies to it or the log no longer holds it. */
  decode(log: EntryLog, seq: number, layer: LayerDecoder | undefined): DecodedMessage | undefined {
    const key = this.cacheKey(log, seq, layer);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const direction = log.direction(seq);
    const kind = log.kind(seq);
    const payload = direction === undefined || kind === undefined ? undefined : log.payload(seq);
    if (payload === undefined) return undefined;
    const decoded = this.decodeInput({ direction: direction!, kind: kind!, payload }, layer);
    this.cache.set(key, decoded ?? null);
    return decoded;
  }

  /** One-line summaries of `seqs`, in order; null where nothing applies. Synchronous: no view outlives it. */
  summaries(log: EntryLog, seqs: readonly number[], layer: LayerDecoder | undefined): (string | null)[] {
    return seqs.map((seq) => this.summary(log, seq, layer));
  }

  /** Entry `seq`'s summary (cached; a whole decode cached already serves too), built without the tree. */
  private summary(log: EntryLog, seq: number, layer: LayerDecoder | undefined): string | null {
    const key = this.cacheKey(log, seq, layer);
    const decoded = this.cache.get(key);
    if (decoded !== undefined) return decoded?.summary ?? null;
    const hit = this.summaryCache.get(key);
    if (hit !== undefined) return hit;
    const direction = log.direction(seq);
    const kind = log.kind(seq);
    const payload = direction === undefined || kind === undefined ? undefined : log.payload(seq);
    if (payload === undefined) return null;
    const summary = this.summarizeInput({ direction: direction!, kind: kind!, payload }, layer) ?? null;
    this.summaryCache.set(key, summary);
    return summary;
  }

  /**
   * decodeInput(input, layer)?.summary, with the layer's and codec's summarize where they have one (no
   * tree is built). The inner payload is read here and never kept.
   */
  summarizeInput(input: DecodeInput, layer: LayerDecoder | undefined): string | undefined {
    if (!isDecodable(input.direction, input.kind)) return undefined;
    if (!layer) {
      const codec = this.codecFor(input.direction, undefined);
      return codec ? this.summarizePlanned(codec, input.payload) : undefined;
    }
    if (!layer.summarize) return this.decodeInput(input, layer)?.summary;
    let packet: ReturnType<NonNullable<LayerDecoder['summarize']>>;
    try {
      packet = layer.summarize(input);
    } catch (e) {
      return failed(layer.id, e instanceof Error ? e.message : String(e)).summary;
    }
    if (!packet) return undefined;
    if (!packet.innerPayload || packet.error) return packet.summary;
    const codec = this.codecFor(input.direction, packet.fields);
    if (!codec) return packet.summary;
    return clipSummary(`${packet.summary} · ${this.summarizePlanned(codec, packet.innerPayload)}`);
  }

  /**
   * One entry decoded, not cached (a filter scan would push the rows on screen out of the cache). The
   * result holds no view into `input.payload`.
   */
  decodeInput(input: DecodeInput, layer: LayerDecoder | undefined): DecodedMessage | undefined {
    if (!isDecodable(input.direction, input.kind)) return undefined;
    if (!layer) {
      const codec = this.codecFor(input.direction, undefined);
      return codec ? this.runPlanned(codec, input.payload) : undefined;
    }
    let packet: ReturnType<LayerDecoder['decode']>;
    try {
      packet = layer.decode(input);
    } catch (e) {
      return failed(layer.id, e instanceof Error ? e.message : String(e));
    }
    if (!packet) return undefined;
    // innerPayload is a view into the log's memory: it is decoded now and never kept.
    const { innerPayload, ...message } = packet;
    if (!innerPayload || packet.error) return message;
    const codec = this.codecFor(input.direction, message.fields);
    if (!codec) return message;
    const inner = this.runPlanned(codec, innerPayload);
    return { ...message, summary: clipSummary(`${message.summary} · ${inner.summary}`), inner };
  }

  /**
   * The composer's JSON text encoded for a whole message sent in `direction` ("Encode as <codec>"),
   * with the codec of encodeRuleFor. Throws a SocketInspectorError in words: no such rule, a codec that
   * cannot be made (the .proto files did not load), or the codec's own error with line and column.
   */
  encodeOutgoing(text: string, direction: 'in' | 'out'): Uint8Array {
    const rule = encodeRuleFor(this.current, direction);
    const planned = rule && this.plan.find((p) => p.rule === rule);
    if (!planned) {
      throw new SocketInspectorError(
        'PROTOCOL',
        `No payload codec reads ${direction === 'in' ? 'received' : 'sent'} messages, so there is nothing to encode with: choose one with "Choose Payload Codec…".`,
      );
    }
    if ('problem' in planned.codec) {
      const name = codecFactory(planned.rule.codec)?.label ?? planned.rule.codec;
      throw new SocketInspectorError('PROTOCOL', `Cannot encode as ${name}: ${planned.codec.problem}`);
    }
    return planned.codec.encode(text);
  }

  /** The fields the filter reads: the packet's, and the inner payload's where the packet has none of that name. */
  static fieldsOf(decoded: DecodedMessage): Readonly<Record<string, string>> {
    return decoded.inner ? { ...decoded.inner.fields, ...decoded.fields } : decoded.fields;
  }

  /** The first rule matching a payload of this direction inside a packet with these layer fields, with its codec. */
  codecFor(direction: Direction, layerFields: Readonly<Record<string, string>> | undefined): PlannedRule | undefined {
    return this.plan.find((p) => ruleMatches(p.rule, direction, layerFields));
  }

  private runPlanned(planned: PlannedRule, payload: Uint8Array): DecodedMessage {
    const codec = planned.codec;
    return 'problem' in codec ? failed(planned.rule.codec, codec.problem) : runCodec(codec, payload);
  }

  private summarizePlanned(planned: PlannedRule, payload: Uint8Array): string {
    const codec = planned.codec;
    return 'problem' in codec ? failed(planned.rule.codec, codec.problem).summary : runSummary(codec, payload);
  }

  private async load(files: readonly string[]): Promise<{ schemas: unknown; problem: string | undefined }> {
    if (files.length === 0) return { schemas: undefined, problem: undefined };
    if (!this.options.loadProtoSchemas) return { schemas: undefined, problem: 'Loading .proto files is not available here.' };
    try {
      return { schemas: await this.options.loadProtoSchemas(files), problem: undefined };
    } catch (e) {
      return { schemas: undefined, problem: e instanceof Error ? e.message : String(e) };
    }
  }

  private apply(settings: DecodeSettings, schemas: unknown, problem: string | undefined): void {
    this.current = settings;
    this.schemas = schemas;
    this.schemaProblem = problem;
    this.plan = (settings.codecs ?? []).map((rule) => ({ rule, codec: this.makeCodec(rule) }));
    this.gen++;
    this.cache.clear();
    this.summaryCache.clear();
  }

  private makeCodec(rule: CodecRule): PayloadCodec | { problem: string } {
    const factory = codecFactory(rule.codec);
    if (!factory) return { problem: `The ${rule.codec} codec is not available in this build.` };
    if (rule.codec === 'protobuf' && rule.messageType !== undefined && this.schemaProblem) {
      return { problem: `The .proto files did not load: ${this.schemaProblem}` };
    }
    try {
      return factory.create(rule, this.schemas !== undefined ? { protoSchemas: this.schemas } : {});
    } catch (e) {
      return { problem: e instanceof Error ? e.message : String(e) };
    }
  }

  private cacheKey(log: EntryLog, seq: number, layer: LayerDecoder | undefined): string {
    return `${logIdentity(log)}:${seq}:${this.gen}:${layer?.id ?? ''}`;
  }
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
