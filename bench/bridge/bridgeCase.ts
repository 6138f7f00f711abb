// Host → webview bridge: what it costs to get a 64-byte frame to the webview, per frame. Baseline: one
// postMessage per frame (its payload copied into an exact ArrayBuffer, the cheapest correct way);
// candidate: the packed batch encoder (shared/entryBatch.ts) with 1,000 frames per message, as the
// panel controller sends them. Both include serialization as VS Code does it (vscodeWebviewMessage.ts);
// the IPC and the renderer's side are not in either. The log is a real one: recorded by WsConnection
// from a blaster process, so timestamps are grouped by socket read as they are in use. Recording and
// timing run in one child bundled as the extension ships (bridgeChild.ts): the shipped code is timed,
// not tsx's, and both paths in the same process, so their ratio is fair.
import { startChild } from '../lib/children';
import { failedRow, type BenchCase, type Row } from '../lib/row';
import { median, round } from '../lib/stats';
import type { BridgeResult } from './bridgeChild';

const ID = 'bridge';
const LABEL = 'host → webview bridge: cost per 64 B frame of the batch encoder';
const BASELINE = 'one message per frame';
const GOAL = '≤ 100 ns per frame, ≥ 10× cheaper, bytes sent ≤ 1.05 × payload';
const FRAMES = 200_000;
const BATCH = 1000;
const PREVIEW = 256;
/** The batched path is some 50× faster: it runs over the frames this many times per repetition. */
const PASSES = 20;

export const bridgeCase: BenchCase = {
  id: ID,
  async run(s) {
    const blaster = startChild('blaster', { protocol: 'ws', size: 64, rate: 200_000 });
    let child: ReturnType<typeof startChild> | undefined;
    let result: BridgeResult;
    const frames = s.quick ? 50_000 : 100_000;
    try {
      const { port } = await blaster.next<{ port: number }>('listening', 10_000);
      child = startChild(
        'bridge',
        { port, record: FRAMES, frames, batch: BATCH, preview: PREVIEW, passes: PASSES, repetitions: s.repetitions, warmupMs: s.quick ? 1000 : 2000 },
        ['--expose-gc'],
      );
      await child.next('recorded', 60_000);
      blaster.send({ type: 'stop' });
      result = (await child.next<{ result: BridgeResult }>('result', 600_000)).result;
    } catch (e) {
      return [failedRow(ID, LABEL, BASELINE, GOAL, e)];
    } finally {
      blaster.send({ type: 'stop' });
      blaster.kill();
      child?.kill();
    }
    const { base, cand, naive } = result;
    const ratios = cand.map((c, i) => c.ns / base[i]!.ns);
    const ratio = median(ratios);
    const candNs = median(cand.map((c) => c.ns));
    const baseNs = median(base.map((c) => c.ns));
    const bytesPerFrame = median(cand.map((c) => c.bytes));
    const notes: string[] = [];
    if (candNs > 100) notes.push(`batched ${candNs.toFixed(0)} ns per frame`);
    if (ratio > 0.1) notes.push(`only ${(1 / ratio).toFixed(1)}× cheaper`);
    if (bytesPerFrame > 64 * 1.05) notes.push(`${bytesPerFrame.toFixed(1)} bytes sent per 64 B frame`);
    const row: Row = {
      id: ID,
      label: LABEL,
      baseline: BASELINE,
      measured:
        `batched ${candNs.toFixed(1)} ns and ${bytesPerFrame.toFixed(1)} B per frame (${(bytesPerFrame / 64).toFixed(3)} × payload); ` +
        `one per frame ${baseNs.toFixed(0)} ns and ${median(base.map((c) => c.bytes)).toFixed(0)} B (as a Node Buffer ${naive.nodeBuffer} B, as a view into ws's read buffer ${naive.pooledView} B)`,
      ratio: round(ratio, 4),
      goal: GOAL,
      met: candNs <= 100 && ratio <= 0.1 && bytesPerFrame <= 64 * 1.05,
      notes,
      details: { frames, batch: BATCH, previewBytes: PREVIEW, messagesPerRead: round(result.messagesPerRead, 1), base, cand, ratios: ratios.map((r) => round(r, 4)), naive },
    };
    return [row];
  },
};
