// Server files (*.socket-server.json): the loader's errors name the field, line and column; what a running
// listener or proxy saves reads back the same; the schema lists exactly the fields the loader knows.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SERVER_FILE_FIELDS } from '../../src/core/serverFile/serverFileFormat';
import { parseServerFile } from '../../src/core/serverFile/serverFileParse';
import { serverFileText } from '../../src/core/serverFile/serverFileStart';

function loadError(text: string): string {
  try {
    parseServerFile(text);
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail('it loaded');
}

/** A file of one field per line (line 1 is "{"), with `extra` fields after `listen`. */
function file(fields: Record<string, unknown>): string {
  return `{\n${Object.entries({ version: 1, ...fields })
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(',\n')}\n}\n`;
}

describe('server file loader', () => {
  it('reads a listener with auto-replies, a proxy with hold settings, and a mock', () => {
    const listener = parseServerFile(
      file({ mode: 'listen', type: 'tcp', listen: '127.0.0.1:0', framing: { type: 'delimiter', delimiter: '0a' }, autoReplies: [{ match: 'PING', reply: { format: 'text', body: '+PONG\\r\\n', escapes: true } }] }),
    );
    assert.deepEqual(listener.warnings, []);
    assert.equal(listener.file.autoReplies![0]!.reply.body, '+PONG\\r\\n');
    const proxy = parseServerFile(file({ mode: 'proxy', type: 'websocket', listen: ':0', upstream: 'ws://127.0.0.1:8765/', hold: { maxMessages: 10, startPaused: { toServer: true } } }));
    assert.deepEqual(proxy.file.hold, { maxMessages: 10, startPaused: { toServer: true } });
    const mock = parseServerFile(file({ mode: 'listen', type: 'websocket', listen: '0', mock: { session: 'rec.socket-session.json', strategy: { jsonField: 'id' } } }));
    assert.deepEqual(mock.file.mock, { session: 'rec.socket-session.json', strategy: { jsonField: 'id' } });
  });

  it('names the line and column of a wrong field', () => {
    assert.equal(loadError(file({ mode: 'serve', type: 'tcp', listen: '0' })), 'mode must be one of "listen", "proxy" (found "serve") (line 3, column 11)');
    assert.match(loadError(file({ mode: 'listen', type: 'tcp', listen: '127.0.0.1:99999' })), /^listen is not an address to listen on: .* \(line 5, column 13\)$/);
    assert.equal(
      loadError(file({ mode: 'proxy', type: 'tcp', listen: '0', upstream: 'h:1', hold: { maxBytes: -1 } })),
      'hold.maxBytes must be an integer 1–2147483647 (found -1) (line 7, column 23)',
    );
    assert.equal(loadError(file({ mode: 'listen', type: 'tcp', listen: '0', upstream: 'h:1' })), 'upstream applies to a proxy only ("mode": "proxy") (line 6, column 15)');
    assert.match(loadError(file({ mode: 'proxy', type: 'websocket', listen: '0', upstream: 'http://x/' })), /^upstream is not a usable upstream: .* \(line 6, column 15\)$/);
    assert.match(
      loadError(file({ mode: 'listen', type: 'tcp', listen: '0', autoReplies: [{ match: '/(/', reply: { format: 'text', body: 'x' } }] })),
      /^autoReplies\[0\] is not a usable rule: .* \(line 6, column 19\)$/,
    );
    assert.match(loadError(file({ mode: 'listen', type: 'tcp', listen: '0', autoReplies: [{ match: 'a', reply: { format: 'xml', body: 'x' } }] })), /^autoReplies\[0\]\.reply\.format must be one of "text", "json", "hex", "base64" \(found "xml"\) \(line 6, column \d+\)$/);
    assert.match(loadError(file({ mode: 'listen', type: 'websocket', listen: '0', mock: { session: 'r.json', strategy: 'random' } })), /^mock\.strategy must be "inOrder", "exact" or \{ "jsonField": "path" \} \(found "random"\) \(line 6, column \d+\)$/);
    assert.equal(loadError(file({ mode: 'listen', type: 'websocket', listen: '0', framing: { type: 'delimiter', delimiter: '0a' } })), 'framing applies to TCP only (a WebSocket has its own messages) (line 6, column 14)');
    assert.match(loadError('{\n  "version": 1,\n  "mode": "listen",\n}'), /^The file is not valid JSON: .* at line 4, column 1$/);
    assert.equal(loadError(file({ version: 2, mode: 'listen' })), 'version must be 1 (found 2); a newer extension may have written this file (line 2, column 14)');
  });

  it('keeps unknown fields with a warning, suggesting the near name', () => {
    const { file: f, warnings } = parseServerFile(file({ mode: 'listen', type: 'tcp', listen: '0', autoreplies: [] }));
    assert.deepEqual(warnings.map((w) => w.message), ['autoreplies is not a known field (did you mean "autoReplies"?); it is kept in the file but not used']);
    assert.ok(serverFileText(f).includes('"autoreplies": []'));
  });
});

describe('server file schema', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schemas', 'socket-server.schema.json'), 'utf8')) as {
    properties: Record<string, { description?: string; items?: { properties: Record<string, { properties?: Record<string, unknown> }> }; properties?: Record<string, { properties?: object }> }>;
  };

  it('lists exactly the fields the loader knows, each with a description', () => {
    const p = schema.properties;
    assert.deepEqual(Object.keys(p).sort(), [...SERVER_FILE_FIELDS.root].sort());
    for (const [k, v] of Object.entries(p)) assert.ok(typeof v.description === 'string', `${k} has no description`);
    assert.deepEqual(Object.keys(p.autoReplies!.items!.properties).sort(), [...SERVER_FILE_FIELDS.autoReply].sort());
    assert.deepEqual(Object.keys(p.autoReplies!.items!.properties.reply!.properties!).sort(), [...SERVER_FILE_FIELDS.reply].sort());
    assert.deepEqual(Object.keys(p.hold!.properties!).sort(), [...SERVER_FILE_FIELDS.hold].sort());
    assert.deepEqual(Object.keys(p.hold!.properties!.startPaused!.properties!).sort(), [...SERVER_FILE_FIELDS.startPaused].sort());
    assert.deepEqual(Object.keys(p.mock!.properties!).sort(), [...SERVER_FILE_FIELDS.mock].sort());
  });
});
