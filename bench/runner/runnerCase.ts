// `runner`: the test runner's send → expect round trip against a bare `ws` client doing the same
// ping-pong, 1,000 round trips each, against the same echo server (npm start's, in a child process),
// alternated, median of the repetitions. The runner's time is its repeat step's (connection set-up
// excluded, as for the bare client). Both run in a child bundled as the extension ships (runnerChild.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startChild } from '../lib/children';
import { failedRow, type BenchCase, type BenchSettings, type Row } from '../lib/row';
import { median, round } from '../lib/stats';
import type { RunnerPair } from './runnerChild';

const ROUND_TRIPS = 1000;
const LABEL = 'test runner send → expect round trip vs a bare ws client';
const BASELINE = 'bare `ws` ping-pong';
const GOAL = '≤ 1.2 × the bare client';

async function startEcho(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'scripts', 'echoServer.mjs')], {
    env: { ...process.env, SI_ECHO_WS_PORT: '0', SI_ECHO_TCP_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /WebSocket echo: (ws:\/\/\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the echo server exited with ${code}`)));
  });
  return { url, child };
}

export const runnerCase: BenchCase = {
  id: 'runner',
  async run(settings: BenchSettings): Promise<Row[]> {
    let echo: { url: string; child: ChildProcess } | undefined;
    let child: ReturnType<typeof startChild> | undefined;
    try {
      echo = await startEcho();
      child = startChild('runner', { url: echo.url, roundTrips: ROUND_TRIPS, repetitions: settings.repetitions });
      const { pairs } = await child.next<{ pairs: RunnerPair[] }>('result', 600_000);
      const ratio = median(pairs.map((p) => p.runner / p.bare));
      const perTrip = (ms: number) => `${round((ms * 1000) / ROUND_TRIPS, 1)} µs`;
      return [
        {
          id: 'runner',
          label: LABEL,
          baseline: BASELINE,
          measured: `runner ${perTrip(median(pairs.map((p) => p.runner)))} per round trip, bare ${perTrip(median(pairs.map((p) => p.bare)))} (${ROUND_TRIPS} round trips, loopback)`,
          ratio: round(ratio, 3),
          goal: GOAL,
          met: ratio <= 1.2,
          notes: [],
          details: { roundTrips: ROUND_TRIPS, pairs },
        },
      ];
    } catch (e) {
      return [failedRow('runner', LABEL, BASELINE, GOAL, e)];
    } finally {
      child?.kill();
      echo?.child.kill();
    }
  },
};
