// Exports keep credentials out unless the user includes them: Authorization, Proxy-Authorization, Cookie
// and Set-Cookie values, URL passwords and token-like query values, and the values the inspector knows to
// be secret (secret-store and ${env:…} values), in HAR (headers, cookies, url, queryString, comment),
// pcapng (the heads, the interface description) and NDJSON (meta entries) alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction, Kind } from '../../shared/logModel';
import { hasCredentials, redactCredentialHeader, redactCredentialsInText } from '../../src/core/export/credentialRedaction';
import { exportChunks, type ExportFormat } from '../../src/core/export/exportFormats';
import type { ExportSource } from '../../src/core/export/exportSource';
import { harProblems } from '../support/har12';
import { LogBuilder, webSocketLog } from '../support/exportLogs';

/** Every value that must not leave by an export unless credentials are included. */
const SECRETS = ['hdr-s3cret', 'c00kie-v4l', 'cHJveHk6cHc9', 'srv-c00kie', 'url-t0k3n', 'env-p4th', 'us3r-pw'];
const TARGET = 'ws://me:us3r-pw@127.0.0.1:8765/feed/env-p4th?access_token=url-t0k3n&room=1';

function credentialLog(): LogBuilder {
  const b = new LogBuilder();
  b.meta(Kind.Connecting, `Connecting to ${TARGET}`);
  b.meta(
    Kind.Handshake,
    'GET /feed/env-p4th?access_token=url-t0k3n&room=1 HTTP/1.1\r\n' +
      'Host: 127.0.0.1:8765\r\n' +
      'Authorization: Bearer hdr-s3cret\r\n' +
      'Proxy-Authorization: Basic cHJveHk6cHc9\r\n' +
      'Cookie: sid=c00kie-v4l; theme=dark\r\n' +
      'Upgrade: websocket\r\n' +
      'Connection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
      'Sec-WebSocket-Version: 13\r\n' +
      '\r\n',
  );
  b.meta(
    Kind.Handshake,
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Upgrade: websocket\r\n' +
      'Connection: Upgrade\r\n' +
      'Set-Cookie: srv=srv-c00kie; Path=/; HttpOnly\r\n' +
      'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n' +
      '\r\n',
  );
  b.meta(Kind.Open, 'Connected 127.0.0.1:50412 → 127.0.0.1:8765');
  b.add(Direction.Out, Kind.Text, 'hello');
  b.add(Direction.In, Kind.Text, 'hello');
  b.meta(Kind.Closed, 'Closed by us: 1000', 1000);
  return b;
}

const source = (): ExportSource => credentialLog().source('ws', TARGET, { redact: ['env-p4th'] });

/** The export's bytes as text: UTF-8 for HAR and NDJSON, Latin-1 (a character per byte) for pcapng. */
function exported(format: ExportFormat, includeCredentials?: boolean): string {
  const chunks = [...exportChunks(format, source(), includeCredentials !== undefined ? { includeCredentials } : {})];
  const bytes = Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c))));
  return bytes.toString(format === 'pcapng' ? 'latin1' : 'utf8');
}

type HarValue = { name: string; value: string };

describe('credentials in exports', () => {
  for (const format of ['har', 'ndjson', 'pcapng'] as const) {
    it(`${format}: redacted by default, included when asked`, () => {
      const text = exported(format);
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} is in the ${format} export`);
      assert.match(text, /<redacted>/);
      const included = exported(format, true);
      for (const secret of SECRETS) assert.ok(included.includes(secret), `${secret} is missing from the ${format} export with credentials`);
    });
  }

  it('HAR: headers keep their names (and the auth scheme), cookies their names, the URL its other parts', () => {
    const har = JSON.parse(exported('har')) as { log: { comment: string; entries: Array<{ request: { url: string; headers: HarValue[]; cookies: HarValue[]; queryString: HarValue[]; headersSize: number }; response: { headers: HarValue[]; cookies: HarValue[] } }> } };
    assert.deepEqual(harProblems(har), []);
    const { request, response } = har.log.entries[0]!;
    const header = (list: HarValue[], name: string) => list.find((h) => h.name === name)?.value;
    assert.equal(header(request.headers, 'Authorization'), 'Bearer <redacted>');
    assert.equal(header(request.headers, 'Proxy-Authorization'), 'Basic <redacted>');
    assert.equal(header(request.headers, 'Cookie'), 'sid=<redacted>; theme=<redacted>');
    assert.equal(header(request.headers, 'Host'), '127.0.0.1:8765');
    assert.deepEqual(request.cookies, [
      { name: 'sid', value: '<redacted>' },
      { name: 'theme', value: '<redacted>' },
    ]);
    assert.equal(header(response.headers, 'Set-Cookie'), 'srv=<redacted>; Path=/; HttpOnly');
    assert.deepEqual(response.cookies, [{ name: 'srv', value: '<redacted>' }]);
    assert.equal(request.url, 'ws://me:<redacted>@127.0.0.1:8765/feed/<redacted>?access_token=<redacted>&room=1');
    assert.deepEqual(request.queryString, [
      { name: 'access_token', value: '<redacted>' },
      { name: 'room', value: '1' },
    ]);
    assert.match(har.log.comment, /from the log of ws:\/\/me:<redacted>@127\.0\.0\.1:8765\/feed\/<redacted>\?access_token=<redacted>&room=1$/);
  });

  it('NDJSON: meta entries redacted with their lengths; messages as logged', () => {
    const lines = exported('ndjson')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; direction: string; length: number; text: string });
    for (const l of lines) assert.equal(l.length, Buffer.byteLength(l.text), `${l.kind}: length is that of the redacted text`);
    assert.match(lines[1]!.text, /^GET \/feed\/<redacted>\?access_token=<redacted>&room=1 HTTP\/1\.1\r\n/);
    assert.match(lines[1]!.text, /\r\nCookie: sid=<redacted>; theme=<redacted>\r\n/);
    assert.deepEqual(
      lines.filter((l) => l.direction !== 'meta').map((l) => l.text),
      ['hello', 'hello'],
    );
  });

  it('redacts a handshake record the log lost, and leaves a log without credentials byte for byte', () => {
    const b = new LogBuilder();
    b.add(Direction.Out, Kind.Text, 'only a message');
    const handshake = {
      requestLine: 'GET /?token=rec-t0k HTTP/1.1',
      requestHeaders: [['Authorization', 'Bearer rec-s3cret'] as const],
      statusLine: 'HTTP/1.1 101 Switching Protocols',
      responseHeaders: [['Set-Cookie', 'a=rec-c00kie'] as const],
    };
    const withRecord = b.source('ws', 'ws://127.0.0.1:1/', { handshake });
    assert.ok(hasCredentials(withRecord));
    for (const format of ['har', 'pcapng'] as const) {
      const text = Buffer.concat([...exportChunks(format, withRecord)].map((c) => Buffer.from(c))).toString('latin1');
      for (const secret of ['rec-t0k', 'rec-s3cret', 'rec-c00kie']) assert.ok(!text.includes(secret), `${secret} in ${format}`);
    }
    const plain = webSocketLog({ bigPayload: 10 });
    const noCredentials = plain.source('ws', 'ws://127.0.0.1:8765/chat?room=1');
    assert.ok(hasCredentials(noCredentials), 'the sample log sends Authorization and Cookie');
    const bare = new LogBuilder();
    bare.meta(Kind.Connecting, 'Connecting to ws://127.0.0.1:8765/chat?room=1');
    bare.add(Direction.Out, Kind.Text, 'x');
    const bareSource = bare.source('ws', 'ws://127.0.0.1:8765/chat?room=1');
    assert.equal(hasCredentials(bareSource), false);
    assert.deepEqual(
      [...exportChunks('pcapng', bareSource)].map((c) => Buffer.from(c).toString('hex')),
      [...exportChunks('pcapng', bareSource, { includeCredentials: true })].map((c) => Buffer.from(c).toString('hex')),
    );
  });

  it('credential header values and lines for the output channel', () => {
    assert.equal(redactCredentialHeader('authorization', 'Bearer abc'), 'Bearer <redacted>');
    assert.equal(redactCredentialHeader('Authorization', 'abc'), '<redacted>');
    assert.equal(redactCredentialHeader('cookie', 'a=1;b=2; lonely'), 'a=<redacted>;b=<redacted>; <redacted>');
    assert.equal(redactCredentialHeader('set-cookie', 'id=9; Secure'), 'id=<redacted>; Secure');
    assert.equal(redactCredentialHeader('x-other', 'kept'), 'kept');
    assert.equal(
      redactCredentialsInText('wss://u:p4ss@h.example/x/k3y?api_key=v&session_id=s&page=2#frag', ['k3y']),
      'wss://u:<redacted>@h.example/x/<redacted>?api_key=<redacted>&session_id=<redacted>&page=2#frag',
    );
    assert.equal(redactCredentialsInText('tcp://127.0.0.1:6379'), 'tcp://127.0.0.1:6379');
  });
});
