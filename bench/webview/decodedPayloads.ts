// The 1 MiB payloads of the decoded-tree rows, built once per run: a MessagePack array of records (maps
// with strings, numbers, a nested array and map), and a Protobuf chat.v1.History (test/fixtures/proto)
// of repeated nested Messages, each as a real producer would send them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadProtoSchemas, type LoadedProtoSchemas } from '../../src/core/decode';
import { ROOT } from '../../test/browser/harness/bundle';

/** The fixture workspace the Protobuf row loads its schema from. */
export const PROTO_DIR = join(ROOT, 'test', 'fixtures', 'proto');
export const PROTO_FILE = join(PROTO_DIR, 'chat', 'v1', 'message.proto');
export const PROTO_TYPE = 'chat.v1.History';

/** Least payload size of the rows. */
const TARGET_BYTES = 1 << 20;

/** A minimal MessagePack writer for the values the sample uses. */
function msgpackValue(value: unknown, out: number[]): void {
  if (value === null) out.push(0xc0);
  else if (typeof value === 'boolean') out.push(value ? 0xc3 : 0xc2);
  else if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 32) {
    if (value < 128) out.push(value);
    else if (value < 65536) out.push(0xcd, value >> 8, value & 0xff);
    else out.push(0xce, value >>> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
  } else if (typeof value === 'number') {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(value);
    out.push(0xcb, ...b);
  } else if (typeof value === 'string') {
    const b = Buffer.from(value, 'utf8');
    if (b.length < 32) out.push(0xa0 | b.length);
    else if (b.length < 256) out.push(0xd9, b.length);
    else out.push(0xda, b.length >> 8, b.length & 0xff);
    out.push(...b);
  } else if (Array.isArray(value)) {
    if (value.length < 16) out.push(0x90 | value.length);
    else if (value.length < 65536) out.push(0xdc, value.length >> 8, value.length & 0xff);
    else out.push(0xdd, value.length >>> 24, (value.length >> 16) & 0xff, (value.length >> 8) & 0xff, value.length & 0xff);
    for (const v of value) msgpackValue(v, out);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length >= 16) throw new Error('msgpackValue: maps of 16 members or more are not needed here');
    out.push(0x80 | entries.length);
    for (const [k, v] of entries) {
      msgpackValue(k, out);
      msgpackValue(v, out);
    }
  } else {
    throw new Error(`msgpackValue: ${typeof value}`);
  }
}

/** Record `i` of the MessagePack sample: about 120 bytes, 17 nodes. */
function record(i: number): unknown {
  return {
    id: i,
    name: `sensor-${i % 977}`,
    values: [21.5 + (i % 10) / 4, 21.75, 22 + i / 1000],
    ok: i % 3 !== 0,
    tags: ['lab', `floor-${i % 7}`],
    meta: { seq: i * 7, unit: 'celsius', source: 'bench' },
  };
}

/** A MessagePack array of records of at least 1 MiB. */
export function msgpackPayload(): Uint8Array {
  const records: unknown[] = [];
  let size = 0;
  for (let i = 0; size < TARGET_BYTES; i++) {
    const one: number[] = [];
    msgpackValue(record(i), one);
    size += one.length;
    records.push(record(i));
  }
  const out: number[] = [];
  msgpackValue(records, out);
  return Uint8Array.from(out);
}

/** The fixture schemas, loaded as the extension loads a workspace's files. */
export function loadBenchSchemas(files: readonly string[]): Promise<LoadedProtoSchemas> {
  return loadProtoSchemas(files, { readFile: (f) => readFile(f, 'utf8'), includeDirs: [PROTO_DIR] });
}

/** A chat.v1.History of repeated nested Messages (author, tags, scores, maps, an attachment) of at least 1 MiB. */
export async function protobufPayload(): Promise<Uint8Array> {
  const { schemas } = await loadBenchSchemas([PROTO_FILE]);
  const History = schemas.messageType(PROTO_TYPE)!;
  const message = (i: number): Record<string, unknown> => ({
    id: i,
    text: `message ${i}: the quick brown fox`,
    priority: i % 3,
    author: { name: `user-${i % 113}`, userId: 1000 + i, kind: 1 + (i % 2) },
    scores: [i % 100, 7, 42],
    tags: ['chat', `room-${i % 17}`],
    counters: { seen: i, liked: i % 5 },
    attachments: i % 4 === 0 ? { 1: { name: `file-${i}.txt`, data: Buffer.from('hello'), mimeType: 'text/plain' } } : {},
    plain: 'body',
    ratio: 0.5,
    urgent: i % 9 === 0,
  });
  const messages: Record<string, unknown>[] = [];
  // About 150 bytes per message: grow in steps, encode to check the size.
  for (let n = 6000; ; n += 500) {
    while (messages.length < n) messages.push(message(messages.length));
    const bytes = History.encode(History.fromObject({ messages, stamps: [1, 2, 3] })).finish();
    if (bytes.length >= TARGET_BYTES) return bytes;
  }
}
