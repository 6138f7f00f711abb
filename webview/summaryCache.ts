// One-line summaries of the rows in view, as the host's protocol layer or payload codec makes them.
// The log view asks for the seqs it draws; what it asks for in one animation frame goes to the host as
// one getSummaries request. Answers are kept by seq until the reading changes (a decodeState) or the log
// starts over; a row shows its raw preview until its summary is here.
import { MAX_SUMMARY_SEQS } from '../shared/protocol/decode';
import { t } from './l10n';

/** What the cache asks of the host. */
export interface SummarySource {
  getSummaries(seqs: readonly number[]): Promise<{ summaries: readonly (string | null)[]; formats?: readonly (string | null)[] }>;
}

/** One row's summary: its text and what made it (a layer or codec id). */
export interface RowSummary {
  readonly text: string;
  readonly format: string | undefined;
}

/** Seqs kept at most; the oldest answers are forgotten first (they are asked again when scrolled back to). */
const MAX_CACHED = 16_384;

/** Summaries by seq, fetched in batches per animation frame. */
export class SummaryCache {
  /** null: the host has nothing to say of that entry (shown raw). */
  private bySeq = new Map<number, RowSummary | null>();
  /** Answers from before the reading last changed: shown until the new ones come, so rows do not flicker. */
  private stale = new Map<number, RowSummary | null>();
  private readonly pending = new Set<number>();
  private wanted: number[] = [];
  private frame = 0;
  private on = false;
  /** Bumped whenever what was cached stops being true, so late answers are dropped. */
  private epoch = 0;
  /** The format of rows the host does not name one for. */
  private fallbackFormat: string | undefined;

  constructor(
    private readonly source: SummarySource,
    /** Called when summaries arrived and the rows should redraw. */
    private readonly onChange: () => void,
    private readonly onError: (message: string) => void,
  ) {}

  /** Whether rows show summaries (a layer or codec is on and the user did not ask for raw previews). */
  get enabled(): boolean {
    return this.on;
  }

  /**
   * Turns summaries on or off and asks for every row again. `keepShown`: the log is the same and only
   * its reading changed, so the old summaries stay on screen until the new ones come; otherwise (the
   * log started over, summaries turned off) they are forgotten at once.
   */
  reset(enabled: boolean, fallbackFormat: string | undefined, keepShown = false): void {
    const keep = keepShown && enabled && this.on;
    this.on = enabled;
    this.fallbackFormat = fallbackFormat;
    this.epoch++;
    this.stale = keep ? this.bySeq : new Map();
    this.bySeq = new Map();
    this.pending.clear();
    this.wanted = [];
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.onChange();
  }

  /**
   * The summary of `seq` if known (null: none applies), else undefined — and then it is asked for with
   * the other rows of this frame. Allocates nothing for a seq already known or asked for.
   */
  get(seq: number): RowSummary | null | undefined {
    const known = this.bySeq.get(seq);
    if (known !== undefined || !this.on) return known;
    if (!this.pending.has(seq)) {
      this.pending.add(seq);
      this.wanted.push(seq);
      if (this.frame === 0) this.frame = requestAnimationFrame(() => this.flush());
    }
    return this.stale.size === 0 ? undefined : this.stale.get(seq);
  }

  dispose(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private flush(): void {
    this.frame = 0;
    const wanted = this.wanted;
    this.wanted = [];
    for (let i = 0; i < wanted.length; i += MAX_SUMMARY_SEQS) this.fetch(wanted.slice(i, i + MAX_SUMMARY_SEQS));
  }

  private fetch(seqs: number[]): void {
    const epoch = this.epoch;
    this.source.getSummaries(seqs).then(
      ({ summaries, formats }) => {
        if (epoch !== this.epoch) return;
        for (let i = 0; i < seqs.length; i++) {
          const seq = seqs[i]!;
          this.pending.delete(seq);
          const text = summaries[i];
          this.bySeq.set(seq, typeof text === 'string' ? { text, format: formats?.[i] ?? this.fallbackFormat } : null);
          this.stale.delete(seq);
        }
        this.trim();
        this.onChange();
      },
      (e: unknown) => {
        if (epoch !== this.epoch) return;
        // Shown raw: a row is asked again only after the reading changes, so a failing host is not flooded.
        for (const seq of seqs) {
          this.pending.delete(seq);
          this.bySeq.set(seq, null);
        }
        this.onError(t('Could not load summaries: {0}', e instanceof Error ? e.message : String(e)));
        this.onChange();
      },
    );
  }

  private trim(): void {
    if (this.bySeq.size <= MAX_CACHED) return;
    // A Map iterates in insertion order: the first keys are the oldest answers.
    let excess = this.bySeq.size - MAX_CACHED / 2;
    for (const seq of this.bySeq.keys()) {
      if (excess-- <= 0) break;
      this.bySeq.delete(seq);
    }
  }
}
