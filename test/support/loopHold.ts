// How long work holds the event loop at a time, read so that a busy machine does not look like a freeze.
// A timer ticks every few milliseconds; between two ticks the loop was held for the wall-clock gap, but
// only as long as this process also spent CPU time: while it waits for a core (other processes, a
// loaded CI machine) the gap grows and its CPU time does not. The hold of a tick is the lesser of the two.
// On a quiet machine it equals the wall-clock gap; at load 8 a HAR import read 34–57 ms of hold for gaps
// of 168–405 ms. CPU time is the process's, worker threads included: not for work run on a worker.

export interface LoopHold<T> {
  readonly value: T;
  /** The longest hold, in milliseconds. */
  readonly holdMs: number;
  /** The longest wall-clock gap between ticks, in milliseconds (for messages). */
  readonly gapMs: number;
}

/** Runs `body`, measuring the longest time it holds the event loop (see above). */
export async function measureLoopHold<T>(body: () => Promise<T>, tickMs = 5): Promise<LoopHold<T>> {
  let lastTime = performance.now();
  let lastCpu = process.cpuUsage();
  let holdMs = 0;
  let gapMs = 0;
  const tick = (): void => {
    const time = performance.now();
    const cpu = process.cpuUsage();
    const gap = time - lastTime;
    const spent = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    gapMs = Math.max(gapMs, gap);
    holdMs = Math.max(holdMs, Math.min(gap, spent));
    lastTime = time;
    lastCpu = cpu;
  };
  const timer = setInterval(tick, tickMs);
  try {
    const value = await body();
    tick();
    return { value, holdMs, gapMs };
  } finally {
    clearInterval(timer);
  }
}
