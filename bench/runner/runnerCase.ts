// `runner`: the test runner's send → expect round trip against a bare `ws` client doing the same
// ping-pong, 1,000 round trips each, against the same echo server (npm start's, in a child process),
// alternated, median of the repetitions. The runner's time is its repeat step's (connection set-up
// excluded, as for the bare client).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';
import { parseTestSession, runTest } from '../../src/core/testing';
import { PatternRunner } from '../../src/core/patterns/patternRunner';
import { failedRow, type BenchCase, type BenchSettings, type Row } from '../lib/row';
import { median, round } from '../lib/stats';

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

/** Milliseconds for ROUND_TRIPS round trips of a bare ws client (after it connected). */
async function bare(url: string): Promise<number> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const t0 = performance.now();
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const answer = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    ws.send(`ping ${i}`);
    if ((await answer) !== `ping ${i}`) throw new Error('the echo differs');
  }
  const ms = performance.now() - t0;
  ws.close();
  return ms;
}

/** Milliseconds the runner's repeat of ROUND_TRIPS send/expect steps took. */
async function runner(url: string, patterns: PatternRunner): Promise<number> {
  const text = JSON.stringify({
    version: 1,
    connection: { type: 'websocket', url, perMessageDeflate: false },
    tests: [{ name: 'ping-pong', steps: [{ repeat: { times: ROUND_TRIPS, steps: [{ send: 'ping' }, { expect: { text: 'ping' } }] } }] }],
  });
  const loaded = parseTestSession(text);
  const result = await runTest(loaded.session, loaded.tests[0]!, { patterns });
  if (result.status !== 'passed') throw new Error(`the runner failed: ${result.failure?.message}`);
  const repeat = result.steps.find((s) => s.kind === 'repeat');
  return repeat!.durationMs;
}

export const runnerCase: BenchCase = {
  id: 'runner',
  async run(settings: BenchSettings): Promise<Row[]> {
    let echo: { url: string; child: ChildProcess } | undefined;
    const patterns = new PatternRunner();
    try {
      echo = await startEcho();
      // One warm-up of each, not counted.
      await bare(echo.url);
      await runner(echo.url, patterns);
      const pairs: { bare: number; runner: number }[] = [];
      for (let i = 0; i < settings.repetitions; i++) {
        const b = await bare(echo.url);
        const r = await runner(echo.url, patterns);
        pairs.push({ bare: b, runner: r });
        settings.progress(`  runner: bare ${round(b)} ms, runner ${round(r)} ms for ${ROUND_TRIPS} round trips`);
      }
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
      patterns.dispose();
      echo?.child.kill();
    }
  },
};
