// The STOMP frame parser, encoder and decoder on literal frames: 1.2 header escapes (and none on
// CONNECT/CONNECTED), content-length with NUL inside the body, several frames per message and one
// frame cut anywhere, heart-beats, malformed input with its byte offset, the limits, editing as JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { SocketInspectorError } from '../../shared/errors';
import { parseStomp, type ParsedFrame, type StompItem } from '../../src/core/layers/stomp/stompParser';
import { StompReader } from '../../src/core/layers/stomp/stompReader';
import { encodeStompFrame } from '../../src/core/layers/stomp/stompEncoder';
import { decodeStomp, stompDecoder } from '../../src/core/layers/stomp/stompDecoder';
import { negotiateHeartBeat, parseHeartBeat } from '../../src/core/layers/stomp/stompHeartBeat';
import { parseStompSettings } from '../../src/core/layers/stomp/stompSettings';
import { frameOfForm } from '../../src/core/layers/stomp/stompFormFrame';
import { layerFactory } from '../../src/core/layers';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const frames = (items: readonly StompItem[]): ParsedFrame[] => items.filter((i): i is ParsedFrame => i.type === 'frame');
const pairs = (f: ParsedFrame): [string, string][] => f.headers.map((h) => [h.name, h.value]);
const input = (s: string | Uint8Array, kind: Kind = Kind.Text) => ({ payload: typeof s === 'string' ? bytes(s) : s, direction: Direction.In, kind });

describe('STOMP parser', () => {
  it('reads command, headers in order with duplicates, and a NUL-terminated body', () => {
    const r = parseStomp(bytes('MESSAGE\ndestination:/topic/a\nfoo:1\nfoo:2\n\nhello\0'));
    assert.equal(r.error, undefined);
    const [f] = frames(r.items);
    assert.equal(f!.command, 'MESSAGE');
    assert.deepEqual(pairs(f!), [['destination', '/topic/a'], ['foo', '1'], ['foo', '2']]);
    assert.equal(text(f!.body), 'hello');
    assert.equal(r.consumed, 48);
  });

  it('undoes the 1.2 escapes \\r \\n \\c \\\\ in names and values', () => {
    const r = parseStomp(bytes('SEND\na\\cb:x\\ny\\rz\\\\w\\c\n\n\0'));
    assert.deepEqual(pairs(frames(r.items)[0]!), [['a:b', 'x\ny\rz\\w:']]);
  });

  it('keeps backslashes of CONNECT and CONNECTED as they are (no escapes there)', () => {
    const r = parseStomp(bytes('CONNECT\npasscode:a\\tb\\c\n\n\0CONNECTED\nserver:x\\y\n\n\0'));
    assert.equal(r.error, undefined);
    assert.deepEqual(frames(r.items).map(pairs), [[['passcode', 'a\\tb\\c']], [['server', 'x\\y']]]);
  });

  it('treats an undefined escape as fatal, naming the byte of its backslash', () => {
    const r = parseStomp(bytes('SEND\nkey:ab\\tc\n\n\0'));
    assert.equal(r.error?.offset, 11);
    assert.match(r.error!.message, /undefined escape \\t/);
    const v11 = parseStomp(bytes('SEND\nk:a\\rb\n\n\0'), { version: '1.1' });
    assert.equal(v11.error?.offset, 8, 'STOMP 1.1 has no \\r');
    assert.equal(parseStomp(bytes('SEND\nk:a\\tb\n\n\0'), { version: '1.0' }).error, undefined, 'STOMP 1.0 has no escapes');
  });

  it('reads content-length bytes, NUL included, then wants the NUL', () => {
    const r = parseStomp(bytes('MESSAGE\ncontent-length:5\n\na\0b\0c\0'));
    assert.equal(r.error, undefined);
    assert.deepEqual([...frames(r.items)[0]!.body], [0x61, 0, 0x62, 0, 0x63]);
    const wrong = parseStomp(bytes('MESSAGE\ncontent-length:2\n\nabc\0'));
    assert.equal(wrong.error?.offset, 28);
    assert.match(wrong.error!.message, /0x63, not NUL/);
  });

  it('uses the first content-length when it is repeated', () => {
    const r = parseStomp(bytes('MESSAGE\ncontent-length:3\ncontent-length:1\n\nabc\0'));
    assert.equal(text(frames(r.items)[0]!.body), 'abc');
  });

  it('reads CR LF line ends, frames joined in one message, trailing EOLs and heart-beats', () => {
    const r = parseStomp(bytes('\n\r\nRECEIPT\r\nreceipt-id:r-1\r\n\r\n\0\n\nMESSAGE\ndestination:/q\n\nx\0'));
    assert.equal(r.error, undefined);
    assert.deepEqual(r.items.map((i) => i.type), ['heart-beat', 'frame', 'frame']);
    const beat = r.items[0]!;
    assert.equal(beat.type === 'heart-beat' && beat.count, 2);
    const [receipt, message] = frames(r.items);
    assert.deepEqual(pairs(receipt!), [['receipt-id', 'r-1']]);
    assert.equal(receipt!.trailingEols, 2);
    assert.equal(text(message!.body), 'x');
  });

  it('reports a frame cut anywhere as partial, and the reader joins the pieces whatever the cuts', () => {
    const stream = bytes('MESSAGE\ndestination:/topic/a\ncontent-length:3\n\na\0b\0\nSEND\ndestination:/q\n\nhi\0');
    for (let cut = 1; cut < stream.length; cut++) {
      const first = parseStomp(stream.subarray(0, cut));
      assert.equal(first.error, undefined, `cut at ${cut}`);
      const reader = new StompReader();
      const got = [...reader.push(stream.slice(0, cut)).items, ...reader.push(stream.slice(cut)).items];
      assert.deepEqual(frames(got).map((f) => [f.command, text(f.body)]), [['MESSAGE', 'a\0b'], ['SEND', 'hi']], `cut at ${cut}`);
      assert.equal(reader.heldBytes, 0);
    }
    const oneByOne = new StompReader();
    const got: string[] = [];
    for (const b of stream) for (const f of frames(oneByOne.push(Uint8Array.of(b)).items)) got.push(f.command);
    assert.deepEqual(got, ['MESSAGE', 'SEND']);
  });

  it('stops at malformed input with the byte offset, keeping the frames before it', () => {
    const cases: [string, number, RegExp][] = [
      ['SEND\n\n\0 SEND\n\n\0', 7, /letters only, found 0x20/],
      ['SEND\nno colon\n\n\0', 5, /without ':'/],
      ['SEND\n:v\n\n\0', 5, /empty name/],
      ['SEND\nk:a\rb\n\n\0', 8, /CR .* inside a header line/],
      ['SEND\ncontent-length:-1\n\n\0', 20, /count of bytes/],
      ['\rX', 0, /CR .* not followed by LF/],
    ];
    for (const [input, offset, message] of cases) {
      const r = parseStomp(bytes(input));
      assert.equal(r.error?.offset, offset, input);
      assert.match(r.error!.message, message, input);
    }
    assert.equal(frames(parseStomp(bytes('SEND\n\n\0 SEND\n\n\0')).items).length, 1);
  });

  it('holds to its limits on headers, line length, command and body', () => {
    const limits = { maxCommandBytes: 8, maxHeaders: 2, maxHeaderBytes: 10, maxBodyBytes: 4 };
    assert.match(parseStomp(bytes('SEND\na:1\nb:2\nc:3\n\n\0'), { limits }).error!.message, /more than 2 headers/);
    assert.equal(parseStomp(bytes('SEND\nlong:0123456789\n\n\0'), { limits }).error?.offset, 5);
    assert.match(parseStomp(bytes('SENDSENDSEND'), { limits }).error!.message, /longer than 8 bytes/);
    assert.match(parseStomp(bytes('SEND\n\nhello'), { limits }).error!.message, /longer than the limit of 4 bytes/);
    assert.match(parseStomp(bytes('SEND\ncontent-length:5\n\n'), { limits: { ...limits, maxHeaderBytes: 100 } }).error!.message, /more than the limit/);
    // Without limits hit, a long unterminated header line is a partial frame, not an error.
    assert.ok(parseStomp(bytes('SEND\nkey:' + 'x'.repeat(1000))).partial);
  });

  it('never throws on random bytes', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const alphabet = bytes('SEND\n:\\\r\0abc-0123456789ncr');
    for (let i = 0; i < 3000; i++) {
      const b = Uint8Array.from({ length: next() % 40 }, () => alphabet[next() % alphabet.length]!);
      const r = parseStomp(b);
      assert.ok(r.consumed <= b.length);
      decodeStomp(input(b));
    }
  });
});

describe('STOMP encoder', () => {
  it('escapes headers of ordinary frames and not those of CONNECT, and round-trips through the parser', () => {
    const out = encodeStompFrame({ command: 'SEND', headers: [['a:b', 'x\ny\\z\r']], body: bytes('hi') });
    assert.equal(text(out), 'SEND\na\\cb:x\\ny\\\\z\\r\n\nhi\0');
    assert.deepEqual(pairs(frames(parseStomp(out).items)[0]!), [['a:b', 'x\ny\\z\r']]);
    assert.equal(text(encodeStompFrame({ command: 'CONNECT', headers: [['passcode', 'a:b\\c']], body: new Uint8Array() })), 'CONNECT\npasscode:a:b\\c\n\n\0');
    assert.throws(() => encodeStompFrame({ command: 'CONNECT', headers: [['login', 'a\nb']], body: new Uint8Array() }), /no header escapes/);
  });

  it('refuses a NUL in a body without content-length', () => {
    assert.throws(() => encodeStompFrame({ command: 'SEND', headers: [], body: Uint8Array.of(1, 0, 2) }), (e: unknown) => e instanceof SocketInspectorError && /NUL byte at 1/.test(e.message));
  });
});

describe('STOMP decoder', () => {
  it('summarizes each command as the rows show it', () => {
    const cases: [string, string][] = [
      ['MESSAGE\ndestination:/topic/prices\nsubscription:sub-0\ncontent-length:48\n\n' + 'x'.repeat(48) + '\0', 'MESSAGE /topic/prices · 48 B'],
      ['SEND\ndestination:/queue/a\nreceipt:r-1\n\nhello\0', 'SEND /queue/a · 5 B · receipt r-1'],
      ['RECEIPT\nreceipt-id:r-1\n\n\0', 'RECEIPT r-1'],
      ['ERROR\nmessage:not_found\n\nNo queue\0', 'ERROR · not_found'],
      ['CONNECTED\nversion:1.2\nheart-beat:10000,10000\n\n\0', 'CONNECTED 1.2 heart-beat 10000,10000'],
      ['CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\nheart-beat:0,0\n\n\0', 'CONNECT · host / · login guest · accept-version 1.2 · heart-beat 0,0'],
      ['SUBSCRIBE\nid:0\ndestination:/queue/a\nack:client\n\n\0', 'SUBSCRIBE /queue/a · id 0 · ack client'],
      ['ACK\nid:T-1\n\n\0', 'ACK T-1'],
      ['\n', 'heart-beat'],
      ['SEND\ndestination:/q\n\nab', 'SEND /q · 0 B … (incomplete: continues in the next message)'],
      ['RECEIPT\nreceipt-id:1\n\n\0RECEIPT\nreceipt-id:2\n\n\0', 'RECEIPT 1 (+1 more frame)'],
    ];
    for (const [frame, summary] of cases) assert.equal(decodeStomp(input(frame))!.summary, summary);
    assert.doesNotMatch(decodeStomp(input('CONNECT\npasscode:secret\n\n\0'))!.summary, /secret/);
  });

  it('gives a tree with the repeated header marked, the body as text or hex, and the fields', () => {
    const d = decodeStomp(input('MESSAGE\ndestination:/topic/a\nsubscription:s\nreceipt:r\ndestination:/other\n\nhi\0'))!;
    assert.equal(d.tree.type, 'MESSAGE');
    const headers = d.tree.children![1]!.children!;
    assert.deepEqual(headers.map((h) => [h.key, h.type, h.value]), [
      ['destination', 'header', '"/topic/a"'],
      ['subscription', 'header', '"s"'],
      ['receipt', 'header', '"r"'],
      ['destination', 'header (repeated: ignored, the first wins)', '"/other"'],
    ]);
    assert.deepEqual(d.tree.children![2], { key: 'body', type: 'text', value: '"hi"', offset: 74, length: 2 });
    assert.deepEqual(d.fields, { command: 'MESSAGE', destination: '/topic/a', subscription: 's', receipt: 'r' });
    assert.equal(text(d.innerPayload!), 'hi');
    const bin = decodeStomp(input(Uint8Array.from([...bytes('MESSAGE\ncontent-length:2\n\n'), 0xff, 0x00, 0x00]), Kind.Binary))!;
    assert.deepEqual(bin.tree.children![2]!.value, 'ff00');
    assert.equal(bin.tree.children![2]!.type, 'bin');
  });

  it('reports malformed input with its offset and never throws; ignores pings and meta entries', () => {
    const d = decodeStomp(input('SEND\nk:a\\x\n\n\0'))!;
    assert.deepEqual(d.error, { offset: 8, message: 'the undefined escape \\x (STOMP 1.2 defines \\r \\n \\c \\\\)' });
    assert.match(d.summary, /malformed at byte 8/);
    assert.equal(decodeStomp({ payload: new Uint8Array(), direction: Direction.In, kind: Kind.Ping }), undefined);
  });

  it('edits a frame as JSON and back, bringing an untouched content-length up to date', () => {
    const original = input('MESSAGE\ndestination:/q\ncontent-length:5\n\nhello\0\n');
    const json = stompDecoder.toEditableText!(original)!;
    assert.deepEqual(JSON.parse(json), { command: 'MESSAGE', headers: [['destination', '/q'], ['content-length', '5']], body: 'hello', trailing: '\n' });
    assert.equal(text(stompDecoder.fromEditableText!(json, original)), 'MESSAGE\ndestination:/q\ncontent-length:5\n\nhello\0\n');
    const edited = json.replace('"hello"', '"hello, world"');
    assert.equal(text(stompDecoder.fromEditableText!(edited, original)), 'MESSAGE\ndestination:/q\ncontent-length:12\n\nhello, world\0\n');
    const deliberate = edited.replace('"5"', '"3"');
    assert.match(text(stompDecoder.fromEditableText!(deliberate, original)), /content-length:3\n/);
    assert.throws(() => stompDecoder.fromEditableText!('{"command": 5}', original), /"command" must be a string/);
    assert.throws(() => stompDecoder.fromEditableText!('{"command": "SEND",}', original), (e: unknown) => e instanceof SocketInspectorError && e.code === 'INVALID_JSON');
    const binary = input(Uint8Array.from([...bytes('SEND\ncontent-length:2\n\n'), 0xff, 0, 0]), Kind.Binary);
    assert.deepEqual([...stompDecoder.fromEditableText!(stompDecoder.toEditableText!(binary)!, binary)], [...binary.payload]);
  });
});

describe('STOMP layer registration, settings, heart-beats and forms', () => {
  it('is registered, detects the subprotocols and a first CONNECTED frame, keeps the passcode secret', () => {
    const layer = layerFactory('stomp')!;
    assert.equal(layer.label, 'STOMP');
    assert.deepEqual(layer.secretFields, ['passcode']);
    for (const subprotocol of ['v12.stomp', 'v11.stomp', 'v10.stomp']) assert.ok(layer.detect({ subprotocol }));
    assert.ok(!layer.detect({ subprotocol: 'mqtt' }));
    assert.ok(layer.detect({ firstMessage: bytes('CONNECTED\nversion:1.2\n\n\0') }));
    assert.ok(!layer.detect({ firstMessage: bytes('{"CONNECTED":1}') }));
  });

  it('checks settings and names the field at fault', () => {
    assert.deepEqual(parseStompSettings({ host: '/', login: 'guest', passcode: 'guest', heartBeat: [0, 500], acceptVersion: '1.2' }, 'layer'), {
      host: '/', login: 'guest', passcode: 'guest', heartBeat: [0, 500], acceptVersion: '1.2',
    });
    assert.throws(() => parseStompSettings({ heartBeat: [1] }, 'connection.layer'), /connection\.layer\.heartBeat must be/);
    assert.throws(() => parseStompSettings({ acceptVersion: '2.0' }, 'layer'), /layer\.acceptVersion/);
    assert.throws(() => parseStompSettings({ vhost: '/' }, 'layer'), /layer\.vhost is not a STOMP setting/);
  });

  it('negotiates heart-beats as STOMP 1.2 says', () => {
    assert.deepEqual(parseHeartBeat('1000, 500'), [1000, 500]);
    assert.deepEqual(parseHeartBeat('x'), [0, 0]);
    assert.deepEqual(negotiateHeartBeat([10000, 10000], [4000, 20000]), { outgoingMs: 20000, incomingMs: 10000 });
    assert.deepEqual(negotiateHeartBeat([0, 10000], [4000, 20000]), { outgoingMs: 0, incomingMs: 10000 });
    assert.deepEqual(negotiateHeartBeat([10000, 10000], [0, 0]), { outgoingMs: 0, incomingMs: 0 });
  });

  it('builds frames from composer forms and names what is missing', () => {
    let n = 0;
    const context = { version: '1.2' as const, newSubscriptionId: () => `sub-${n++}`, subscriptionIdOf: (d: string) => (d === '/q' ? 'sub-0' : undefined) };
    const sub = frameOfForm({ layer: 'stomp', command: 'SUBSCRIBE', destination: '/q', headers: [['ack', 'client']] }, context);
    assert.deepEqual(sub.headers, [['destination', '/q'], ['id', 'sub-0'], ['ack', 'client']]);
    const send = frameOfForm({ layer: 'stomp', command: 'SEND', destination: '/q', headers: [['receipt', 'r-1']], body: 'héllo' }, context);
    assert.deepEqual(send.headers, [['destination', '/q'], ['receipt', 'r-1'], ['content-length', '6']]);
    assert.deepEqual(frameOfForm({ layer: 'stomp', command: 'UNSUBSCRIBE', destination: '/q' }, context).headers, [['id', 'sub-0']]);
    assert.throws(() => frameOfForm({ layer: 'stomp', command: 'ACK' }, context), /ACK needs the "id" header/);
    assert.throws(() => frameOfForm({ layer: 'stomp', command: 'SEND' }, context), /SEND needs a destination/);
    assert.throws(() => frameOfForm({ layer: 'stomp', command: 'SUBSCRIBE', destination: '/q', headers: [['ack', 'sometimes']] }, context), /ack header must be/);
    assert.throws(() => frameOfForm({ layer: 'stomp', command: 'BEGIN' }, context), /"transaction"/);
  });
});
