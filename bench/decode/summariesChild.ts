// The child of the decode-summaries case: builds the samples and measures EntryDecoding.summaries, bundled
// with esbuild as the extension ships (bench/lib/children.ts), so the numbers are the shipped code's and
// not tsx's (whose keepNames wraps every closure in a __name call). Reports one result over IPC and exits.
import { Direction, Kind } from '../../shared/logModel';
import type { CodecRule, DecodeSettings } from '../../shared/decode/decodeSettings';
import type { LayerId } from '../../shared/decode/decoded';
import { codecFactories } from '../../src/core/decode';
import { EntryDecoding } from '../../src/core/decode/entryDecoding';
import { layerFactories, layerFactory } from '../../src/core/layers';
import { encodeVarint } from '../../src/core/layers/mqtt/mqttWire';
import { EntryLog } from '../../src/core/log/entryLog';
import { registerToyDecoders } from '../../test/support/toyDecoders';
import { collectGarbage } from '../lib/stats';

const PAGE = 256;

const utf8 = new TextEncoder();

/** An MQTT 3.1.1 PUBLISH (QoS 1) of `payload` to `topic`. */
function mqttPublish(topic: string, payload: Uint8Array): Uint8Array {
  const t = utf8.encode(topic);
  const body = [t.length >> 8, t.length & 255, ...t, 0, 7, ...payload];
  return Uint8Array.from([0x32, ...encodeVarint(body.length), ...body]);
}

const JSON_SAMPLE = '{"id":42,"name":"sensor-7","values":[21.5,21.75,22],"ok":true}';

/** A wire message of each layer, with an application payload inside. */
function layerSample(id: LayerId, inner: Uint8Array): { kind: Kind; payload: Uint8Array } {
  switch (id) {
    case 'socketio':
      return { kind: Kind.Text, payload: utf8.encode(`42["chat",${JSON_SAMPLE}]`) };
    case 'mqtt':
      return { kind: Kind.Binary, payload: mqttPublish('sensors/7/temperature', inner) };
    case 'stomp':
      return { kind: Kind.Text, payload: utf8.encode(`MESSAGE\ndestination:/topic/prices\nmessage-id:1\nsubscription:0\ncontent-length:${JSON_SAMPLE.length}\n\n${JSON_SAMPLE}\0`) };
  }
}

/** A Protobuf message as protoc --encode makes it (field 1 varint 150, field 2 "testing", field 3 packed 1,2,3). */
const PROTOBUF_SAMPLE = Uint8Array.from([0x08, 0x96, 0x01, 0x12, 0x07, ...utf8.encode('testing'), 0x1a, 0x03, 1, 2, 3]);

interface Subject {
  readonly name: string;
  readonly settings: DecodeSettings;
  readonly kind: Kind;
  readonly payload: Uint8Array;
  readonly layer?: LayerId;
}

function subjects(toy: boolean): Subject[] {
  const out: Subject[] = [];
  for (const factory of codecFactories()) {
    const rule: CodecRule = { codec: factory.id };
    let payload: Uint8Array;
    try {
      payload = factory.id === 'protobuf' || toy ? PROTOBUF_SAMPLE : factory.create(rule, {}).encode(JSON_SAMPLE);
    } catch {
      payload = PROTOBUF_SAMPLE;
    }
    out.push({ name: `${factory.label} (whole message)`, settings: { codecs: [rule] }, kind: Kind.Binary, payload });
  }
  for (const factory of layerFactories()) {
    const inner = out.find((s) => s.settings.codecs?.[0]?.codec === 'msgpack')?.payload ?? utf8.encode(JSON_SAMPLE);
    const sample = toy ? { kind: Kind.Text, payload: utf8.encode(`PUB sensors/7/temperature ${JSON_SAMPLE}`) } : layerSample(factory.id, inner);
    out.push({ name: factory.label, settings: { layer: factory.id }, layer: factory.id, ...sample });
    const codec = codecFactories()[0];
    if (codec) out.push({ name: `${factory.label} + ${codec.label}`, settings: { layer: factory.id, codecs: [{ codec: codec.id }] }, layer: factory.id, ...sample });
  }
  return out;
}

async function measure(subject: Subject, pages: number): Promise<{ msPerPage: number[]; summaries: number; example: string | null }> {
  const log = new EntryLog();
  for (let i = 0; i < PAGE * pages; i++) log.append(i % 2 === 0 ? Direction.In : Direction.Out, subject.kind, subject.payload);
  const decoding = new EntryDecoding({ cacheEntries: 2048 });
  await decoding.setSettings(subject.settings);
  const layer = subject.layer ? layerFactory(subject.layer)?.decoder : undefined;
  collectGarbage();
  const msPerPage: number[] = [];
  let summaries = 0;
  let example: string | null = null;
  for (let p = 0; p < pages; p++) {
    const seqs = Array.from({ length: PAGE }, (_, i) => log.firstSeq + p * PAGE + i);
    const t0 = performance.now();
    const page = decoding.summaries(log, seqs, layer);
    msPerPage.push(performance.now() - t0);
    summaries += page.filter((s) => s !== null).length;
    example ??= page[0] ?? null;
  }
  log.dispose();
  return { msPerPage, summaries, example };
}

/** What the case asks of the child. */
export interface SummariesConfig {
  readonly pages: number;
  readonly repetitions: number;
}

/** One subject's runs, or why it could not run. */
export interface SubjectResult {
  readonly name: string;
  readonly runs: { msPerPage: number[]; summaries: number; example: string | null }[];
  readonly error?: string;
}

export interface SummariesResult {
  readonly toy: boolean;
  readonly subjects: SubjectResult[];
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as SummariesConfig;
  const toy = codecFactories().length === 0 && layerFactories().length === 0;
  if (toy) registerToyDecoders();
  const results: SubjectResult[] = [];
  for (const subject of subjects(toy)) {
    try {
      // The first pages warm the JIT; the rest are measured, repetition after repetition.
      await measure(subject, 10);
      const runs = [];
      for (let r = 0; r < config.repetitions; r++) runs.push(await measure(subject, config.pages));
      results.push({ name: subject.name, runs });
    } catch (e) {
      results.push({ name: subject.name, runs: [], error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  }
  const result: SummariesResult = { toy, subjects: results };
  process.send?.({ type: 'result', result }, () => process.exit(0));
}

main().catch((e: unknown) => {
  process.send?.({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () => process.exit(1));
});
