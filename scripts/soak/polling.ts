// Waiting in the soak: sleeps, and polling a condition with a deadline (the caller says what failed).

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `predicate` holds; false after `ms`. */
export async function until(predicate: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await sleep(2);
  }
  return true;
}
