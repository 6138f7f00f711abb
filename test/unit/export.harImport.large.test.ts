// Issue 16, defect 7: a HAR of 200,000 messages imports, and never holds the extension host's event loop
// 100 ms at a time (before the fix, JSON.parse alone held it a second). The hold is read as CPU time
// between turns (test/support/loopHold.ts), so a loaded machine, which stretched the wall-clock gaps to
// 410 ms, does not fail it. In a file of its own, so the process (like a fresh extension host) does not
// carry the other import tests' garbage: with ~100 MB of it, one mark-compact alone took 54 ms on this VM.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadHarFile, sessionFromHar } from '../../src/core/export/harImport';
import { measureLoopHold } from '../support/loopHold';

const FIXTURE = join(__dirname, 'fixtures/har/chrome-websocket.har');
const chrome = readFileSync(FIXTURE, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'si-har-large-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('HAR import of a large file', () => {
  it('imports a HAR of 200,000 messages, never holding the event loop 100 ms at a time', async () => {
    // Issue 16, defect 7: push(...drafts) overflowed the stack at ~130k messages, and JSON.parse of the
    // 16 MB file alone held the host for a second on this VM.
    const doc = JSON.parse(chrome) as { log: { entries: Record<string, any>[] } };
    const count = 200_000;
    doc.log.entries[1]!._webSocketMessages = Array.from({ length: count }, (_, i) => ({ type: i % 2 ? 'send' : 'receive', time: 1714564800 + i / 1000, opcode: 1, data: `message ${i}` }));
    const path = join(dir, 'large.har');
    writeFileSync(path, JSON.stringify(doc));
    const { value: session, holdMs, gapMs } = await measureLoopHold(async () => {
      const har = await loadHarFile(path);
      assert.equal(har.webSockets.find((w) => w.index === 1)?.messages, count);
      return (await sessionFromHar(har, 1)).session;
    });
    const entries = session.log!.entries;
    // Connecting, two handshakes, open, the messages, closed.
    assert.equal(entries.length, count + 5);
    assert.equal(entries[4]!.text, 'message 0');
    assert.equal(entries.at(-2)!.text, `message ${count - 1}`);
    assert.equal(entries.at(-2)!.direction, 'out');
    assert.ok(holdMs < 100, `the event loop was held ${holdMs.toFixed(1)} ms at once (longest gap between turns ${gapMs.toFixed(1)} ms)`);
  });

  it('would notice the file parsed in one piece (so the check above can fail)', async () => {
    const path = join(dir, 'large.har');
    const { holdMs } = await measureLoopHold(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      JSON.parse(readFileSync(path, 'utf8'));
    });
    assert.ok(holdMs >= 100, `JSON.parse of the whole file read as a hold of ${holdMs.toFixed(1)} ms`);
  });
});
