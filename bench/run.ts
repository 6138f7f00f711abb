// `npm run bench`: every case of issue #6 as a ratio against its baseline, measured in the same run,
// baseline and candidate alternated, median of the repetitions. Writes bench/results/bench-*.json and
// .md, and the table into bench/README.md.
//
//   npm run bench                      the full run (5 repetitions)
//   npm run bench -- --quick           short windows, 3 repetitions: a smoke run, not for comparison
//   npm run bench -- --only=ws-64,bridge   just these cases
import { loadavg } from 'node:os';
import { bridgeCase } from './bridge/bridgeCase';
import { eventLoopCase } from './ingest/eventLoopCase';
import { deliveryCase } from './webview/deliveryCase';
import { scrollCase } from './webview/scrollCase';
import { memoryCase } from './memory/memoryCase';
import { runnerCase } from './runner/runnerCase';
import { decodeSummariesCase } from './decode/decodeSummariesCase';
import { decodedTreeCase } from './webview/decodedTreeCase';
import { detailJsonCase } from './webview/detailJsonCase';
import { hexPagedCase } from './webview/hexPagedCase';
import { decodedIngestCases, tcpLinesCase, wsIngestCases } from './ingest/ingestCases';
import { buildChildren } from './lib/children';
import { consoleTable, machineInfo, writePartialReport, writeReport, type BenchReport } from './lib/report';
import type { BenchCase, BenchSettings, Row } from './lib/row';

const CASES: BenchCase[] = [...wsIngestCases, ...decodedIngestCases, tcpLinesCase, eventLoopCase, bridgeCase, deliveryCase, scrollCase, memoryCase, runnerCase, decodeSummariesCase, decodedTreeCase, hexPagedCase, detailJsonCase];

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const unknown = only?.filter((id) => !CASES.some((c) => c.id === id));
  if (unknown?.length) throw new Error(`Unknown case(s): ${unknown.join(', ')}. Cases: ${CASES.map((c) => c.id).join(', ')}`);
  const settings: BenchSettings = {
    quick,
    repetitions: quick ? 3 : 5,
    progress: (line) => console.log(line),
  };
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  await buildChildren();
  const rows: Row[] = [];
  for (const c of CASES) {
    if (only && !only.includes(c.id)) continue;
    console.log(`${c.id} …`);
    rows.push(...(await c.run(settings)));
  }
  const report: BenchReport = {
    date: new Date().toISOString(),
    quick,
    repetitions: settings.repetitions,
    machine: machineInfo(loadBefore),
    durationSeconds: (performance.now() - started) / 1000,
    rows,
  };
  if (!only) writeReport(report);
  else writePartialReport(report);
  console.log('\n' + consoleTable(report));
  const missed = rows.filter((r) => r.met !== true).length;
  console.log(`\n${rows.length - missed} of ${rows.length} rows meet their goal.`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exitCode = 1;
});
