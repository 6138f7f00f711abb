// The sample workspace `npm start` opens must hold session files that parse and point at the echo
// servers it starts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_TCP_PORT, DEFAULT_WS_PORT } from '../../scripts/echoServer.mjs';
import { parseSessionWithWarnings } from '../../src/core/session';

const samples = join(__dirname, '..', '..', 'samples');

describe('sample sessions', () => {
  const files = readdirSync(samples).filter((f) => f.endsWith('.socket-session.json'));

  it('exist for WebSocket and TCP', () => {
    assert.deepEqual(files.sort(), ['echo-tcp.socket-session.json', 'echo-websocket.socket-session.json']);
  });

  for (const file of files) {
    it(`${file} parses without warnings and targets the local echo server`, () => {
      const { session, warnings } = parseSessionWithWarnings(readFileSync(join(samples, file), 'utf8'));
      assert.deepEqual(warnings, []);
      const c = session.connection;
      if (c.type === 'websocket') assert.equal(c.url, `ws://127.0.0.1:${DEFAULT_WS_PORT}/`);
      else assert.deepEqual([c.host, c.port], ['127.0.0.1', DEFAULT_TCP_PORT]);
      assert.ok((session.messages ?? []).length > 0, 'has saved messages to send');
    });
  }
});
