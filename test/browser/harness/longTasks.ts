// The page's long tasks, told apart from the harness's own. The harness carries host messages through
// Playwright (page.evaluate, JSON with base64 for bytes, where VS Code's postMessage uses structured
// clone and transfers bytes), so a task that delivers a big message is long on the harness's account:
// each delivery is timed, and the tests count against the panel only what is not the harness's.
import type { Page } from 'playwright-core';

/**
 * What a test calls a freeze of the panel. The 50 ms goal for opening and scrolling is the bench's
 * (`detail-hex-256m`, `detail-json-64m`, longest task in a Chromium trace, in a run of its own); a test
 * run shares two cores with the host, Playwright and the peers, which stretch a 40 ms task past 50 ms
 * now and then. The defects these tests guard against froze the panel for seconds.
 */
export const FREEZE_MS = 200;

/** [start, end] in the page's performance.now() milliseconds. */
export type Span = [number, number];

/** What the page recorded since recordLongTasks. */
export interface LongTaskRecord {
  /** Every long task (over 50 ms). */
  readonly tasks: Span[];
  /** Every delivery of host messages by the harness (__siDeliver). */
  readonly deliveries: Span[];
  /** When a node matching recordLongTasks' `markAdded` was put in the page. */
  readonly marks: number[];
  /** For assertion messages: the tasks, the deliveries over 20 ms and any marks. */
  readonly what: string;
}

/** The page-side state recordLongTasks keeps (the tests compile without the DOM library). */
interface Recording {
  __siDeliver(list: unknown[]): void;
  __deliveries: Span[];
  __longTasks: Span[];
  __marks: number[];
}

/**
 * Starts recording the page's long tasks and the harness's deliveries of host messages; with
 * `markAdded`, also the times at which a node holding that selector is added (a MutationObserver's
 * callback ends the task that added it, so the mark falls within that task).
 */
export async function recordLongTasks(page: Page, options: { markAdded?: string } = {}): Promise<void> {
  await page.evaluate((markAdded) => {
    const g = globalThis as unknown as Recording & {
      document: { body: unknown };
      MutationObserver: new (cb: (records: { addedNodes: unknown }[]) => void) => { observe(n: unknown, o: unknown): void };
    };
    g.__deliveries = [];
    g.__longTasks = [];
    g.__marks = [];
    if (markAdded !== null) {
      new g.MutationObserver((records) => {
        for (const r of records) {
          for (const n of r.addedNodes as Iterable<{ querySelector?(s: string): unknown }>) if (n.querySelector?.(markAdded)) g.__marks.push(performance.now());
        }
      }).observe(g.document.body, { subtree: true, childList: true });
    }
    const deliver = g.__siDeliver;
    g.__siDeliver = (list) => {
      const start = performance.now();
      deliver(list);
      g.__deliveries.push([start, performance.now()]);
    };
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) g.__longTasks.push([e.startTime, e.startTime + e.duration]);
    }).observe({ type: 'longtask' as never });
  }, options.markAdded ?? null);
}

/** What the page has recorded so far. */
export async function recordedLongTasks(page: Page): Promise<LongTaskRecord> {
  const { tasks, deliveries, marks } = await page.evaluate(() => {
    const g = globalThis as unknown as Recording;
    return { tasks: g.__longTasks, deliveries: g.__deliveries, marks: g.__marks };
  });
  const over20 = deliveries.filter(([s, e]) => e - s > 20);
  const what = `long tasks ${JSON.stringify(tasks)}, deliveries over 20 ms ${JSON.stringify(over20)}${marks.length > 0 ? `, marks at ${JSON.stringify(marks)}` : ''}`;
  return { tasks, deliveries, marks, what };
}

/** The deliveries that ran whole within a task. */
function deliveriesIn(record: LongTaskRecord, [start, end]: Span): Span[] {
  return record.deliveries.filter(([s, e]) => s >= start && e <= end);
}

/**
 * The tasks over FREEZE_MS that delivered no host message, and those that did but hold a mark (where the
 * panel is known to have worked): the panel's freezes.
 */
export function panelLongTasks(record: LongTaskRecord): Span[] {
  return record.tasks.filter(
    (task) => task[1] - task[0] > FREEZE_MS && (deliveriesIn(record, task).length === 0 || record.marks.some((t) => t >= task[0] && t <= task[1])),
  );
}

/** The long tasks whose time, less that of the deliveries they ran, is over `ms`: the panel's share. */
export function tasksOverBudget(record: LongTaskRecord, ms: number): Span[] {
  return record.tasks.filter((task) => task[1] - task[0] - deliveriesIn(record, task).reduce((sum, [s, e]) => sum + (e - s), 0) > ms);
}
