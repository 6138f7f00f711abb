// Issue 16, defect 7: a HAR of 200,000 messages imports, and never freezes the extension host's event
// loop (before the fix, JSON.parse alone held it a second). The bound is a freeze's, not a goal: the
// unit suite runs files side by side on two cores, and a loaded machine stretched one turn to 104 ms.
// In a file of its own, so the process (like a fresh extension host) does not carry the other import
// tests' garbage: with ~100 MB of it, one mark-compact alone took 54 ms on this VM.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import { loadHarFile, sessionFromHar } from '../../src/core/export/harImport';

const FREEZE_MS = 300;
const FIXTURE = join(__dirname, 'fixtures/har/chrome-websocket.har');
const chrome = readFileSync(FIXTURE, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'si-har-large-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('HAR import of a large file', () => {
  it('imports a HAR of 200,000 messages, never freezing the event loop', async () => {
    // Issue 16, defect 7: push(...drafts) overflowed the stack at ~130k messages, and JSON.parse of the
    // 16 MB file alone held the host for a second on this VM.
    const doc = JSON.parse(chrome) as { log: { entries: Record<string, any>[] } };
    const count = 200_000;
    doc.log.entries[1]!._webSocketMessages = Array.from({ length: count }, (_, i) => ({ type: i % 2 ? 'send' : 'receive', time: 1714564800 + i / 1000, opcode: 1, data: `message ${i}` }));
    const path = join(dir, 'large.har');
    writeFileSync(path, JSON.stringify(doc));
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let session;
    try {
      const har = await loadHarFile(path);
      assert.equal(har.webSockets.find((w) => w.index === 1)?.messages, count);
      session = (await sessionFromHar(har, 1)).session;
    } finally {
      delay.disable();
    }
    const entries = session.log!.entries;
    // Connecting, two handshakes, open, the messages, closed.
    assert.equal(entries.length, count + 5);
    assert.equal(entries[4]!.text, 'message 0');
    assert.equal(entries.at(-2)!.text, `message ${count - 1}`);
    assert.equal(entries.at(-2)!.direction, 'out');
    const maxMs = delay.max / 1e6;
    assert.ok(maxMs < FREEZE_MS, `the event loop was held ${maxMs.toFixed(1)} ms at once`);
  });

});
