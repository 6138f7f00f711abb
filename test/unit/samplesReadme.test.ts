// samples/README.md names the buttons the panel shows: opening a recorded session file offers Reconnect.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseSession } from '../../src/core/session';
import { RecordedConnection } from '../../src/core/session/recordedConnection';
import { connectLabel } from '../../webview/toolbarLabels';

const samples = join(import.meta.dirname, '..', '..', 'samples');

describe('samples/README.md', () => {
  it('names the connect button as a recorded session shows it', () => {
    const readme = readFileSync(join(samples, 'README.md'), 'utf8');
    const recorded = new RecordedConnection(parseSession(readFileSync(join(samples, 'echo-websocket.socket-session.json'), 'utf8')));
    const label = connectLabel(recorded.state);
    recorded.dispose();
    const item = readme.split('\n- ').find((part) => part.startsWith('`echo-websocket.socket-session.json`'));
    assert.ok(item, 'the item on echo-websocket.socket-session.json');
    const buttons = [...item.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!);
    assert.ok(buttons.includes(label), `the item names **${label}** (it names ${buttons.join(', ')})`);
    assert.ok(!buttons.includes(label === 'Reconnect' ? 'Connect' : 'Reconnect'), `no other connect label than ${label}`);
  });
});
