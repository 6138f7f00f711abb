// One row of the benchmark table: what was measured against what, and whether it meets its goal.

/** A finished row. `met` is undefined when the case could not run (then `error` says why). */
export interface Row {
  /** Stable id (used by --only). */
  readonly id: string;
  /** The case, as the issue names it. */
  readonly label: string;
  readonly baseline: string;
  /** Headline numbers, human readable. */
  readonly measured: string;
  /** The ratio against the baseline (median of the repetitions), when the case has one. */
  readonly ratio?: number;
  readonly goal: string;
  readonly met: boolean | undefined;
  /** Why a goal was missed or a case could not run, and other things a reader must know. */
  readonly notes: readonly string[];
  /** Every number behind the row, for the JSON. */
  readonly details: unknown;
  readonly error?: string;
}

/** Settings shared by every case. */
export interface BenchSettings {
  readonly quick: boolean;
  /** Repetitions of each baseline/candidate pair. */
  readonly repetitions: number;
  /** Logs progress. */
  readonly progress: (line: string) => void;
}

/** A case of the benchmark: produces one or more rows. */
export interface BenchCase {
  readonly id: string;
  /** What the case needs that may be missing (Chromium…), as a reason; undefined when it can run. */
  readonly unavailable?: () => string | undefined;
  run(settings: BenchSettings): Promise<Row[]>;
}

/** A row for a case that failed to run. */
export function failedRow(id: string, label: string, baseline: string, goal: string, error: unknown): Row {
  const message = error instanceof Error ? error.message : String(error);
  return { id, label, baseline, measured: '—', goal, met: undefined, notes: [message], details: {}, error: message };
}
