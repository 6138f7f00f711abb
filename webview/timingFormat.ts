// How durations and round-trip summaries read: "0.42 ms", "3.4 ms", "1.25 s", "RTT 12 · med 3.4 ms …".
import type { RttSummary, TimingSummary } from '../shared/timingModel';
import { t } from './l10n';

/** A duration for people, with precision where it matters: 0.042 ms, 3.4 ms, 250 ms, 1.25 s, 2 min 5 s. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const sign = ms < 0 ? '−' : '';
  const a = Math.abs(ms);
  if (a < 1) return `${sign}${a.toFixed(3)} ms`;
  if (a < 100) return `${sign}${a.toFixed(1)} ms`;
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(a / 60_000);
  if (minutes < 60) return `${sign}${minutes} min ${Math.round((a % 60_000) / 1000)} s`;
  return `${sign}${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function one(label: string, s: RttSummary): string {
  const parts = [`${label} ${s.count}`];
  if (s.count > 0 && s.medianMs !== undefined) {
    parts.push(`min ${formatDuration(s.minMs!)}`, t('med {0}', formatDuration(s.medianMs)), t('p95 {0}', formatDuration(s.p95Ms!)), t('max {0}', formatDuration(s.maxMs!)));
  }
  if (s.unanswered > 0) parts.push(t('{0} unanswered', s.unanswered));
  return parts.join(' · ');
}

/** The stats-line text of the round-trip summaries; empty when there is nothing to report. */
export function formatTimingSummary(summary: TimingSummary | undefined): string {
  if (!summary) return '';
  const parts: string[] = [];
  if (summary.json) parts.push(one(`RTT (${summary.field})`, summary.json));
  if (summary.ping) parts.push(one(t('Ping'), summary.ping));
  if (summary.ack) parts.push(one(t('Ack'), summary.ack));
  return parts.join('  |  ');
}
