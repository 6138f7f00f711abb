// The extension host stays responsive during a flood: the event-loop delay of the recorder process
// while it ingests the fastest case (64 B WebSocket messages) with an inspector panel open on it.
import { failedRow, type BenchCase, type Row } from '../lib/row';
import { median, round } from '../lib/stats';
import { runIngest, type IngestRun } from './runIngest';

const ID = 'event-loop';
const LABEL = 'extension host event-loop delay p99 while ingesting the fastest case (WS 64 B) with a panel open';
const GOAL = 'p99 < 50 ms';

/** Runs the recorder with a PanelController attached, `repetitions` times. */
export const eventLoopCase: BenchCase = {
  id: ID,
  async run(s) {
    try {
      const runs: IngestRun[] = [];
      for (let rep = 0; rep < s.repetitions; rep++) {
        const run = await runIngest({ protocol: 'ws', size: 64 }, { mode: 'recorder', panel: true, warmupMs: 6_000, untilEvicting: true, measureMs: s.quick ? 1000 : 2000 });
        runs.push(run);
        s.progress(`  ${ID} rep ${rep + 1}: p99 ${run.warmup.eventLoopDelay.p99} ms growing, ${run.eventLoopDelay.p99} ms at cap, ${Math.round(run.rate)} msg/s, ${run.panel?.batches ?? 0} batches`);
      }
      // Both phases count: the log growing to its cap (the first seconds of a flood) and the steady state.
      const p99 = median(runs.map((r) => Math.max(r.eventLoopDelay.p99, r.warmup.eventLoopDelay.p99)));
      const steadyP99 = median(runs.map((r) => r.eventLoopDelay.p99));
      const growingP99 = median(runs.map((r) => r.warmup.eventLoopDelay.p99));
      const max = Math.max(...runs.map((r) => Math.max(r.eventLoopDelay.max, r.warmup.eventLoopDelay.max)));
      const rate = median(runs.map((r) => r.rate));
      const posted = median(runs.map((r) => (r.panel ? r.panel.entriesPosted / r.seconds : 0)));
      const row: Row = {
        id: ID,
        label: LABEL,
        baseline: '—',
        measured: `p99 ${p99.toFixed(1)} ms (log growing ${growingP99.toFixed(1)}, at its cap ${steadyP99.toFixed(1)}; max ${max.toFixed(1)} ms) at ${(rate / 1e6).toFixed(2)} M msg/s recorded, ${(posted / 1e3).toFixed(0)} k entries/s posted to the panel`,
        goal: GOAL,
        met: p99 < 50,
        notes: [],
        details: { runs, p99: round(p99, 2) },
      };
      return [row];
    } catch (e) {
      return [failedRow(ID, LABEL, '—', GOAL, e)];
    }
  },
};
