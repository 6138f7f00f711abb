// One-line summaries for a page of 256 decoded rows, per protocol layer and payload codec built in when
// the bench runs: what the panel's getSummaries does when rows scroll into view (EntryDecoding.summaries
// over a real EntryLog, in a child process bundled as the extension ships: bench/decode/summariesChild.ts, the cache cold: each page is a page not seen before). Goal: the median page ≤ 5 ms.
// Samples are wire messages each protocol defines (a Socket.IO EVENT, an MQTT PUBLISH, a STOMP MESSAGE)
// and payloads the codec itself encodes. With none built in (a branch without them), the plumbing is
// measured with the toy decoders of the tests, and the row says so.
import { startChild } from '../lib/children';
import { failedRow, type BenchCase, type Row } from '../lib/row';
import { median, percentile, round } from '../lib/stats';
import type { SummariesResult } from './summariesChild';

const ID = 'decode-summaries';
const PAGE = 256;
const GOAL_MS = 5;
const GOAL = `median ≤ ${GOAL_MS} ms per page of ${PAGE} rows`;
const BASELINE = '—';

export const decodeSummariesCase: BenchCase = {
  id: ID,
  async run(settings) {
    const pages = settings.quick ? 20 : 100;
    const child = startChild('summaries', { pages, repetitions: settings.repetitions }, ['--expose-gc']);
    let result: SummariesResult;
    try {
      result = (await child.next<{ result: SummariesResult }>('result', 600_000)).result;
    } catch (e) {
      return [failedRow(ID, 'summaries of decoded rows', BASELINE, GOAL, e)];
    } finally {
      child.kill();
    }
    const { toy } = result;
    const rows: Row[] = [];
    for (const subject of result.subjects) {
      const label = `summaries of ${PAGE} decoded rows: ${toy ? `plumbing (toy ${subject.name})` : subject.name}`;
      if (subject.error !== undefined) {
        rows.push(failedRow(`${ID}:${subject.name}`, label, BASELINE, GOAL, new Error(subject.error)));
        continue;
      }
      const runs = subject.runs;
      const all = runs.flatMap((r) => r.msPerPage);
      const med = median(runs.map((r) => median(r.msPerPage)));
      const p95 = percentile(all, 95);
      const decodedAll = runs.every((r) => r.summaries === PAGE * pages);
      rows.push({
        id: `${ID}:${subject.name}`,
        label,
        baseline: BASELINE,
        measured: `median ${round(med, 3)} ms, p95 ${round(p95, 3)} ms per page`,
        goal: GOAL,
        // The goal is on the median page (of the repetitions' medians), as the other rows are; p95 is shown
        // because on a loaded machine single pages catch other processes' turns.
        met: decodedAll && med <= GOAL_MS,
        notes: [
          ...(decodedAll ? [] : ['some rows had no summary: the sample did not decode']),
          ...(toy ? ['no real layer or codec is built in here: measured with the tests\u2019 toy decoders'] : []),
          `row 1: ${runs[0]?.example ?? '(none)'}`,
        ],
        details: { pages, repetitions: settings.repetitions, msPerPage: runs.map((r) => r.msPerPage.map((m) => round(m, 4))) },
      });
    }
    return rows;
  },
};
