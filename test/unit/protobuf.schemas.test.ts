import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SocketInspectorError } from '../../shared/errors';
import { codecFactory, loadProtoSchemas } from '../../src/core/decode';
import { loadFixtureSchemas, PROTO_DIR } from '../support/protoc';

const readText = (f: string): Promise<string> => readFile(f, 'utf8');

async function loadError(files: string[], includeDirs: string[] = [PROTO_DIR]): Promise<SocketInspectorError> {
  try {
    await loadProtoSchemas(files.map((f) => join(PROTO_DIR, f)), { readFile: readText, includeDirs });
  } catch (e) {
    assert.ok(e instanceof SocketInspectorError);
    assert.equal(e.code, 'BAD_SCHEMA');
    return e;
  }
  assert.fail('expected the load to fail');
}

describe('loadProtoSchemas', () => {
  it('resolves imports beside the importing file and in the include directory, and lists every message type', async () => {
    const { schemas, messageTypes } = await loadFixtureSchemas(['chat/v1/message.proto']);
    assert.deepEqual(messageTypes, ['chat.v1.Attachment', 'chat.v1.History', 'chat.v1.Message', 'chat.v1.Message.Author', 'common.Money']);
    assert.deepEqual(
      schemas.files.map((f) => f.slice(PROTO_DIR.length + 1)),
      ['chat/v1/message.proto', 'common/types.proto', 'chat/v1/attachment.proto'],
    );
    assert.equal(schemas.messageType('.chat.v1.Message')?.fullName, '.chat.v1.Message');
    assert.equal(schemas.messageType('chat.v1.Nope'), undefined);
    assert.equal(schemas.messageType('common.Priority'), undefined, 'an enum is not a message type');
  });

  it('provides the well-known types protobufjs bundles', async () => {
    const { messageTypes } = await loadFixtureSchemas(['wkt/event.proto']);
    for (const t of ['google.protobuf.Timestamp', 'google.protobuf.Any', 'google.protobuf.Struct', 'wkt.Event']) assert.ok(messageTypes.includes(t), t);
  });

  it('reads every file through the given readFile (the workspace file system in the extension)', async () => {
    const files = new Map([
      ['/ws/a.proto', 'syntax = "proto3";\npackage a;\nimport "lib/b.proto";\nmessage A { b.B b = 1; }\n'],
      ['/ws/lib/b.proto', 'syntax = "proto3";\npackage b;\nmessage B { string s = 1; }\n'],
    ]);
    const asked: string[] = [];
    const { messageTypes } = await loadProtoSchemas(['/ws/a.proto'], {
      readFile: async (f) => {
        asked.push(f);
        const text = files.get(f);
        if (text === undefined) throw new Error('ENOENT');
        return text;
      },
      includeDirs: ['/ws'],
    });
    assert.deepEqual(messageTypes, ['a.A', 'b.B']);
    assert.deepEqual(asked, ['/ws/a.proto', '/ws/lib/b.proto']);
  });

  it('names the file and line of a syntax error', async () => {
    const e = await loadError(['broken/syntax.proto']);
    assert.equal(e.message, `${join(PROTO_DIR, 'broken/syntax.proto')}:5: illegal token '}', ';' expected`);
  });

  it('names the import that is missing, where it is imported, and every path looked at', async () => {
    const e = await loadError(['broken/missing_import.proto']);
    assert.equal(
      e.message,
      `${join(PROTO_DIR, 'broken/missing_import.proto')}:3: import "nowhere/gone.proto" was not found; looked for ` +
        `${join(PROTO_DIR, 'broken/nowhere/gone.proto')}, ${join(PROTO_DIR, 'nowhere/gone.proto')}`,
    );
  });

  it('names the file, line and field of a type that does not resolve', async () => {
    const e = await loadError(['broken/unknown_type.proto']);
    assert.match(e.message, new RegExp(`^${join(PROTO_DIR, 'broken/unknown_type.proto')}:7: field broken\\.Holder\\.b: .*NoSuchType`));
  });

  it('without the include directory, an import found only there is missing', async () => {
    const e = await loadError(['chat/v1/message.proto'], []);
    assert.match(e.message, /message\.proto:8: import "common\/types\.proto" was not found/);
  });

  it('a codec for a type the schemas lack, or without schemas, says so', async () => {
    const { schemas } = await loadFixtureSchemas(['chat/v1/message.proto']);
    const factory = codecFactory('protobuf')!;
    assert.equal(factory.label, 'Protobuf');
    assert.throws(() => factory.create({ codec: 'protobuf', messageType: 'chat.v1.Nope' }, { protoSchemas: schemas }), /No message type chat\.v1\.Nope in .*message\.proto/);
    assert.throws(() => factory.create({ codec: 'protobuf', messageType: 'chat.v1.Message' }, {}), /No \.proto files are loaded/);
    assert.equal(factory.create({ codec: 'protobuf' }, {}).decode(new Uint8Array([8, 1])).format, 'protobuf-raw');
  });
});
