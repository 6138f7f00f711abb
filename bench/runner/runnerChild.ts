// The child of the runner case: a bare `ws` ping-pong and the test runner's repeat of send → expect steps,
// alternated, against the echo server at the URL it is given; bundled with esbuild as the extension and its
// CLI ship (bench/lib/children.ts), in a process of its own as the CLI runs, so the numbers are the shipped
// code's and not tsx's, and no earlier case's heap is in the way. Reports one result over IPC, and exits.
import WebSocket from 'ws';
import { parseTestSession, runTest } from '../../src/core/testing';
import { PatternRunner } from '../../src/core/patterns/patternRunner';

/** What the case asks of the child. */
export interface RunnerConfig {
  readonly url: string;
  readonly roundTrips: number;
  readonly repetitions: number;
}

export interface RunnerPair {
  readonly bare: number;
  readonly runner: number;
}

/** Milliseconds for `roundTrips` round trips of a bare ws client (after it connected). */
async function bare(url: string, roundTrips: number): Promise<number> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const t0 = performance.now();
  for (let i = 0; i < roundTrips; i++) {
    const answer = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    ws.send(`ping ${i}`);
    if ((await answer) !== `ping ${i}`) throw new Error('the echo differs');
  }
  const ms = performance.now() - t0;
  ws.close();
  return ms;
}

/** Milliseconds the runner's repeat of `roundTrips` send/expect steps took. */
async function runner(url: string, roundTrips: number, patterns: PatternRunner): Promise<number> {
  const text = JSON.stringify({
    version: 1,
    connection: { type: 'websocket', url, perMessageDeflate: false },
    tests: [{ name: 'ping-pong', steps: [{ repeat: { times: roundTrips, steps: [{ send: 'ping' }, { expect: { text: 'ping' } }] } }] }],
  });
  const loaded = parseTestSession(text);
  const result = await runTest(loaded.session, loaded.tests[0]!, { patterns });
  if (result.status !== 'passed') throw new Error(`the runner failed: ${result.failure?.message}`);
  const repeat = result.steps.find((s) => s.kind === 'repeat');
  return repeat!.durationMs;
}

async function main(): Promise<void> {
  const c = JSON.parse(process.argv[2] ?? '{}') as RunnerConfig;
  const patterns = new PatternRunner();
  try {
    // One warm-up of each, not counted.
    await bare(c.url, c.roundTrips);
    await runner(c.url, c.roundTrips, patterns);
    const pairs: RunnerPair[] = [];
    for (let i = 0; i < c.repetitions; i++) {
      const b = await bare(c.url, c.roundTrips);
      const r = await runner(c.url, c.roundTrips, patterns);
      pairs.push({ bare: b, runner: r });
      console.log(`  runner: bare ${b.toFixed(1)} ms, runner ${r.toFixed(1)} ms for ${c.roundTrips} round trips`);
    }
    process.send?.({ type: 'result', pairs }, () => process.exit(0));
  } finally {
    patterns.dispose();
  }
}

main().catch((e: unknown) => {
  process.send?.({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () => process.exit(1));
});
