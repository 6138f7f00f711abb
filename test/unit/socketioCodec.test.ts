// The Socket.IO layer's codec and decoder on literal packets: round trips, summaries, hostile input
// (every error with the byte offset where it stopped), editable JSON, settings, URLs and detection.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { SocketInspectorError } from '../../shared/errors';
import { parseSocketIoUrl } from '../../src/core/connection/connectionTarget';
import { layerFactory } from '../../src/core/layers';
import { detectSocketIo } from '../../src/core/layers/socketio';
import { parseJsonText } from '../../src/core/layers/socketio/jsonText';
import { encodeSioPacket, parseEngineText, SioType } from '../../src/core/layers/socketio/packetCodec';

const factory = layerFactory('socketio')!;
const decoder = factory.decoder;
const text = (s: string, direction: Direction = Direction.In) => ({ payload: Buffer.from(s, 'utf8'), direction, kind: Kind.Text });
const decode = (s: string, direction: Direction = Direction.In) => decoder.decode(text(s, direction))!;

describe('Socket.IO packets', () => {
  it('reads each Engine.IO packet type', () => {
    assert.equal(decode('0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}').summary, 'open sid=abc pingInterval 25000 pingTimeout 20000');
    assert.equal(decode('1').summary, 'close');
    assert.equal(decode('2').summary, 'ping');
    assert.equal(decode('3', Direction.Out).summary, 'pong');
    assert.equal(decode('2probe').summary, 'ping "probe"');
    assert.equal(decode('5').summary, 'upgrade');
    assert.equal(decode('6').summary, 'noop');
    assert.deepEqual(decode('2').fields, { type: 'ping' });
  });

  it('reads each Socket.IO packet type with namespace, ack id and data', () => {
    assert.equal(decode('40/chat,{"token":"t0p"}', Direction.Out).summary, 'CONNECT /chat {"token":…}');
    assert.equal(decode('40{"sid":"xyz"}').summary, 'CONNECT sid=xyz');
    assert.equal(decode('41/chat,').summary, 'DISCONNECT /chat');
    assert.equal(decode('42["chat","hi"]').summary, 'EVENT chat ["hi"]');
    assert.equal(decode('427["chat","hi"]', Direction.Out).summary, 'EVENT chat ["hi"] · ack 7');
    assert.equal(decode('43/chat,7["ok"]').summary, 'ACK /chat 7 ["ok"]');
    assert.equal(decode('44/admin,{"message":"not authorized"}').summary, 'CONNECT_ERROR /admin · not authorized');
    assert.equal(decode('44"legacy reason"').summary, 'CONNECT_ERROR · legacy reason');
    assert.equal(decode('451-["up",{"_placeholder":true,"num":0}]').summary, 'BINARY_EVENT up [<binary 0>] · 1 attachment');
    assert.equal(decode('461-/chat,3[{"_placeholder":true,"num":0}]').summary, 'BINARY_ACK /chat 3 [<binary 0>] · 1 attachment');
    assert.deepEqual(decode('42/chat,12["chat","hi"]').fields, { type: 'EVENT', namespace: '/chat', ackId: '12', event: 'chat' });
  });

  it('keeps numbers and strings as spelled, and byte offsets past multi-byte characters', () => {
    const d = decode('42["é✓",12345678901234567890,1.0e3]');
    assert.equal(d.summary, 'EVENT é✓ [12345678901234567890,1.0e3]');
    const args = d.tree.children!.find((n) => n.key === 'args')!;
    assert.deepEqual(args.children!.map((n) => [n.value, n.offset, n.length]), [
      ['12345678901234567890', 11, 20],
      ['1.0e3', 32, 5],
    ]);
    assert.equal(d.tree.children!.find((n) => n.key === 'event')!.offset, 3);
  });

  it('decodes a binary message as an attachment, and nothing else', () => {
    const d = decoder.decode({ payload: new Uint8Array([0, 1, 2]), direction: Direction.In, kind: Kind.Binary })!;
    assert.equal(d.summary, 'attachment · 3 B');
    assert.deepEqual([...(d as { innerPayload: Uint8Array }).innerPayload], [0, 1, 2]);
    assert.equal(decoder.decode({ payload: new Uint8Array(0), direction: Direction.In, kind: Kind.Ping }), undefined);
  });

  it('stops at malformed input with the byte offset and why, never throwing', () => {
    const cases: [string | Uint8Array, number, RegExp][] = [
      ['', 0, /empty/],
      ['9', 0, /not an Engine.IO packet type/],
      ['0[1]', 1, /JSON object/],
      ['0{"sid":', 8, /ends where a value/],
      ['4', 1, /no Socket.IO packet type/],
      ['4x', 1, /not a Socket.IO packet type/],
      ['45["a"]', 2, /attachment count/],
      ['451["a"]', 3, /ends with '-'/],
      ['42', 2, /JSON array of arguments/],
      ['42{"a":1}', 2, /EVENT payload is a JSON array/],
      ['42[]', 3, /starts with the event name/],
      ['42[{}]', 3, /event name is a string/],
      ['42["é",]', 8, /expected a value/],
      ['42["a"] x', 8, /more text after/],
      ['41/chat,{}', 8, /carries no payload/],
      ['43/x,99999999999999999999["a"]', 5, /ack id is too large/],
      ['40"x"', 2, /CONNECT payload is a JSON object/],
      [`42${'['.repeat(500)}`, 202, /nested deeper/],
      ['42["a\u0001"]', 5, /control character/],
      [new Uint8Array([0x34, 0x32, 0x5b, 0x22, 0xff, 0x22, 0x5d]), 4, /UTF-8/],
    ];
    for (const [input, offset, reason] of cases) {
      const payload = typeof input === 'string' ? Buffer.from(input) : input;
      const d = decoder.decode({ payload, direction: Direction.In, kind: Kind.Text })!;
      assert.ok(d.error, `no error for ${JSON.stringify(String(input)).slice(0, 40)}`);
      assert.equal(d.error.offset, offset, `${JSON.stringify(String(input)).slice(0, 40)}: ${d.error.message}`);
      assert.match(d.error.message, reason);
      assert.match(d.summary, /malformed at byte \d+/);
    }
  });

  it('survives random bytes and cut packets', () => {
    const good = '452-/chat,9["ev",{"_placeholder":true,"num":0},{"a":[1,2,{"b":null}]},{"_placeholder":true,"num":1}]';
    for (let cut = 0; cut <= good.length; cut++) decode(good.slice(0, cut));
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let n = 0; n < 2000; n++) {
      const bytes = Buffer.from(good);
      for (let k = 0; k < 3; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      const d = decoder.decode({ payload: bytes, direction: Direction.In, kind: Kind.Text })!;
      assert.equal(typeof d.summary, 'string');
      if (d.error) assert.ok(d.error.offset >= 0 && d.error.offset <= bytes.length);
    }
  });

  it('caps the tree of a huge array and decodes only the header of a message over 1 MiB', () => {
    const many = decode(`42["many",${Array(20_000).fill('1').join(',')}]`);
    assert.equal(many.tree.children!.at(-1)!.type, 'more');
    const big = decode(`42/chat,5["big","${'x'.repeat(2 * 1024 * 1024)}"]`);
    assert.equal(big.error, undefined);
    assert.match(big.summary, /^EVENT \/chat · ack 5 · 2\.0 MiB, not decoded/);
    assert.deepEqual(big.fields, { type: 'EVENT', namespace: '/chat', ackId: '5' });
  });

  it('encodes packets as socket.io writes them, and reads them back', () => {
    const cases = [
      [{ type: SioType.Connect, namespace: '/chat', json: '{"token":"x"}' }, '40/chat,{"token":"x"}'],
      [{ type: SioType.Connect }, '40'],
      [{ type: SioType.Event, ackId: 3, json: '["a",1]' }, '423["a",1]'],
      [{ type: SioType.BinaryEvent, attachments: 2, namespace: '/n', json: '["a"]' }, '452-/n,["a"]'],
      [{ type: SioType.Ack, namespace: '/', ackId: 0, json: '[]' }, '430[]'],
    ] as const;
    for (const [fields, wire] of cases) {
      assert.equal(encodeSioPacket(fields), wire);
      const back = parseEngineText(wire);
      assert.equal(back.error, undefined);
      assert.equal(back.packet!.sio!.type, fields.type);
      assert.equal(back.packet!.sio!.namespace, 'namespace' in fields ? fields.namespace : '/');
      assert.equal(back.packet!.sio!.ackId, 'ackId' in fields ? fields.ackId : undefined);
    }
  });
});

describe('Socket.IO editable JSON', () => {
  it('gives an EVENT as {namespace, event, args, ackId} and back to the exact bytes', () => {
    for (const wire of ['42/chat,7["chat","hi",{"n":12345678901234567890,"s":"\\u00e9"}]', '42["x"]', '43/a,1["ok"]', '451-["up",{"_placeholder":true,"num":0}]']) {
      const editable = decoder.toEditableText!(text(wire))!;
      assert.ok(editable, wire);
      assert.equal(Buffer.from(decoder.fromEditableText!(editable, text(wire))).toString(), wire);
    }
    assert.equal(decoder.toEditableText!(text('42/chat,7["chat","hi"]')), '{\n  "namespace": "/chat",\n  "event": "chat",\n  "args": ["hi"],\n  "ackId": 7\n}');
  });

  it('encodes edits compactly and refuses mistakes naming the field and position', () => {
    const held = text('42/chat,7["chat","hi"]');
    const edited = '{\n  "namespace": "/other",\n  "event": "chat",\n  "args": [ "bye", { "n": 1.50 } ],\n  "ackId": null\n}';
    assert.equal(Buffer.from(decoder.fromEditableText!(edited, held)).toString(), '42/other,["chat","bye",{"n":1.50}]');
    const refusals: [string, RegExp][] = [
      ['{"event":"chat","args":[1,}', /line 1, column 27/],
      ['[]', /expected an object/],
      ['{"event":"chat","args":{}}', /"args" is a JSON array/],
      ['{"args":[]}', /"event".*missing/],
      ['{"event":"","args":[]}', /non-empty string/],
      ['{"event":"chat","args":[],"ackId":-1}', /whole number/],
      ['{"event":"chat","args":[],"namespace":"chat"}', /starting with "\/"/],
      ['{"event":"chat","args":[],"extra":1}', /has no field "extra"/],
    ];
    for (const [input, message] of refusals) {
      assert.throws(() => decoder.fromEditableText!(input, held), (e: SocketInspectorError) => e instanceof SocketInspectorError && message.test(e.message), input);
    }
    assert.throws(() => decoder.fromEditableText!('{"args":["x"]}', text('43/a,1["ok"]')), /ackId/);
    assert.equal(decoder.toEditableText!(text('40/chat,{}')), undefined);
    assert.throws(() => decoder.fromEditableText!('{}', text('2')), /Only a well-formed Socket.IO EVENT or ACK/);
  });
});

describe('Socket.IO JSON reader', () => {
  it('agrees with JSON.parse on what is JSON', () => {
    for (const ok of ['0', '-1.5e+3', '"a\\n\\u00e9"', '[]', '{}', ' [1, {"a": [true, false, null]}] ', '{"a":1,"a":2}']) {
      const r = parseJsonText(ok);
      assert.equal(r.error, undefined, ok);
    }
    for (const bad of ['', '01', '-', '1.', '.5', '[1,]', '{"a"}', '{a:1}', '"\\x"', "'a'", 'tru', '[1 2]', 'NaN', '"\\u12"']) {
      assert.throws(() => JSON.parse(bad));
      assert.ok(parseJsonText(bad).error, bad);
    }
  });
});

describe('Socket.IO settings, URLs and detection', () => {
  it('checks settings and names the field', () => {
    assert.deepEqual(factory.parseSettings({ type: 'socketio', namespace: '/chat', auth: { token: 't' }, autoPong: false }, 'connection.layer'), {
      namespace: '/chat',
      auth: { token: 't' },
      autoPong: false,
    });
    assert.deepEqual(factory.secretFields, ['auth']);
    assert.throws(() => factory.parseSettings({ namespace: 'chat' }, 'connection.layer'), /connection\.layer\.namespace: a namespace starts with "\/"/);
    assert.throws(() => factory.parseSettings({ auth: '"t"' }, 'connection.layer'), /connection\.layer\.auth must be a JSON object/);
    assert.throws(() => factory.parseSettings({ autoPong: 'no' }, 'l'), /l\.autoPong must be true or false/);
    assert.throws(() => factory.parseSettings({ namespaces: ['/a', 3] }, 'l'), /l\.namespaces\[1\] must be a string/);
    assert.throws(() => factory.parseSettings({ nameSpace: '/a' }, 'l'), /l\.nameSpace is not a Socket\.IO setting/);
  });

  it('turns socketio:// URLs into the Engine.IO WebSocket URL and a namespace', () => {
    assert.deepEqual(parseSocketIoUrl('socketio://localhost:3000'), { url: 'ws://localhost:3000/socket.io/?EIO=4&transport=websocket', namespace: '/' });
    assert.deepEqual(parseSocketIoUrl(' socketios://example.com/chat?token=a%20b&x=1'), {
      url: 'wss://example.com/socket.io/?EIO=4&transport=websocket&token=a%20b&x=1',
      namespace: '/chat',
    });
    assert.deepEqual(parseSocketIoUrl('socketio://[::1]:8080/a%2Fb/', '/io'), { url: 'ws://[::1]:8080/io/?EIO=4&transport=websocket', namespace: '/a/b' });
    const refusals: [string, RegExp, number][] = [
      ['ws://localhost:3000', /starts with socketio:\/\//, 0],
      ['socketio://localhost:99999/', /out of range/, 21],
      ['socketio://:3000', /host is missing/, 11],
      ['socketio://h:1/a,b', /cannot contain ","/, 16],
      ['socketio://h:1/?EIO=3', /Leave out "EIO="/, 16],
      ['socketio://h:1/#x', /#fragment/, 15],
    ];
    for (const [input, message, offset] of refusals) {
      assert.throws(
        () => parseSocketIoUrl(input),
        (e: SocketInspectorError) => message.test(e.message) && e.details.position?.offset === offset,
        input,
      );
    }
  });

  it('detects Socket.IO by its path or its open packet', () => {
    assert.equal(detectSocketIo({ path: '/socket.io/?EIO=4&transport=websocket' }), true);
    assert.equal(detectSocketIo({ firstMessage: Buffer.from('0{"sid":"a","upgrades":[]}') }), true);
    assert.equal(detectSocketIo({ path: '/chat', firstMessage: Buffer.from('{"sid":1}') }), false);
    assert.equal(detectSocketIo({ subprotocol: 'mqtt' }), false);
  });
});
