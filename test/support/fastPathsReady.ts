// For the receive path's tests: the process's fast receive paths are off until the start-up self-test has
// passed (src/core/receive/fastReceive.ts), so a test file that means to exercise them waits for it first.
import { describeFastReceive, fastReceive } from '../../src/core/receive/fastReceive';

/** Waits for the self-test; throws, saying why, if it turned a fast path off. */
export async function fastPathsReady(): Promise<void> {
  const states = await fastReceive.ready();
  if (states.some((s) => !s.on && s.cause === 'selfTest')) throw new Error(describeFastReceive(states).join('\n'));
}
