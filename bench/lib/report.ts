// Writes the results: JSON (dated and latest) and a Markdown table into bench/results/, and the table
// into bench/README.md between its markers.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../test/browser/harness/bundle';
import type { Row } from './row';

/** Everything one run of `npm run bench` found. */
export interface BenchReport {
  readonly date: string;
  readonly quick: boolean;
  readonly repetitions: number;
  readonly machine: { cpus: number; cpu: string; node: string; loadAverage: { before: number; after: number } };
  readonly durationSeconds: number;
  readonly rows: readonly Row[];
}

const RESULTS = join(ROOT, 'bench', 'results');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** A description of the machine and its load when the run started. */
export function machineInfo(loadBefore: number): BenchReport['machine'] {
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    loadAverage: { before: Math.round(loadBefore * 10) / 10, after: Math.round(loadavg()[0]! * 10) / 10 },
  };
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function verdict(row: Row): string {
  if (row.met === undefined) return '**not run**';
  return row.met ? 'yes' : '**no**';
}

/** The results as a Markdown table with a header line. */
export function markdownTable(r: BenchReport): string {
  const lines = [
    `Run ${r.date}${r.quick ? ' (**--quick**: shorter windows, fewer repetitions; not for comparison)' : ''} — ${r.machine.cpus} × ${r.machine.cpu}, Node ${r.machine.node}, ` +
      `${r.repetitions} repetitions per case (median), ${r.durationSeconds.toFixed(0)} s in all. 1-minute load average ${r.machine.loadAverage.before} before, ${r.machine.loadAverage.after} after.`,
    '',
    '| case | baseline | measured | ratio | goal | met |',
    '|---|---|---|---:|---|:---:|',
  ];
  for (const row of r.rows) {
    lines.push(
      `| ${cell(row.label)} | ${cell(row.baseline)} | ${cell(row.measured)} | ${row.ratio === undefined ? '—' : row.ratio.toFixed(3)} | ${cell(row.goal)} | ${verdict(row)} |`,
    );
  }
  const notes = r.rows.filter((row) => row.notes.length > 0);
  if (notes.length) {
    lines.push('', 'Notes:', '');
    for (const row of notes) lines.push(`- **${row.id}**: ${row.notes.map(cell).join('; ')}`);
  }
  return lines.join('\n');
}

/** A plain-text table for the terminal. */
export function consoleTable(r: BenchReport): string {
  const head = ['case', 'measured', 'ratio', 'goal', 'met'];
  const body = r.rows.map((row) => [row.id, row.measured, row.ratio === undefined ? '—' : row.ratio.toFixed(3), row.goal, row.met === undefined ? 'NOT RUN' : row.met ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.min(90, Math.max(h.length, ...body.map((b) => b[i]!.length))));
  const fmt = (cols: string[]): string => cols.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const out = [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)];
  for (const row of r.rows) for (const n of row.notes) out.push(`  ${row.id}: ${n}`);
  return out.join('\n');
}

/** Writes JSON and Markdown into bench/results and, for a full run, the table into bench/README.md. */
export function writeReport(r: BenchReport): void {
  const json = JSON.stringify(r, null, 2) + '\n';
  const table = markdownTable(r);
  const suffix = r.quick ? '-quick' : '';
  writeFileSync(join(RESULTS, `bench-${r.date.slice(0, 10)}${suffix}.json`), json);
  writeFileSync(join(RESULTS, `bench-latest${suffix}.json`), json);
  writeFileSync(join(RESULTS, `bench-latest${suffix}.md`), table + '\n');
  const readmePath = join(ROOT, 'bench', 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const i = readme.indexOf(START);
  const j = readme.indexOf(END);
  if (i < 0 || j < 0) throw new Error(`bench/README.md lacks the ${START} … ${END} markers`);
  writeFileSync(readmePath, readme.slice(0, i + START.length) + '\n' + table + '\n' + readme.slice(j));
}

/** A run of some cases only: its JSON goes to bench/results/bench-partial.json; README and the latest table stay. */
export function writePartialReport(r: BenchReport): void {
  writeFileSync(join(RESULTS, 'bench-partial.json'), JSON.stringify(r, null, 2) + '\n');
  console.log('(--only: results in bench/results/bench-partial.json; the table in bench/README.md is unchanged)');
}
