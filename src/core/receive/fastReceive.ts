// The one switch of the fast receive paths (fastPaths.ts), and what decides whether a connection gets
// them: the caller's option (the extension passes socketInspector.advanced.fastReceive), the environment
// (SI_FAST_RECEIVE=0 turns every one off, for tests and for a user who suspects them), and the start-up
// self-test (fastReceiveSelfTest.ts), which runs once per process before any connection uses them and
// keeps a path that fails it off for the session. Each connection asks once, when it opens, never per
// read. describeFastReceive() says which paths are on, or why not, for the output channel.
import type * as net from 'node:net';
import type WebSocket from 'ws';
import type { IDisposable } from '../base/dispose';
import type { EntryLog } from '../log/entryLog';
import { attachTcpFastPaths, attachWsFastPaths, FAST_PATHS, type Attached, type FastPath, type FastPathSet, type WsRecorderHooks } from './fastPaths';
import { runFastReceiveSelfTest, type SelfTestResult } from './fastReceiveSelfTest';

/** The environment variable that turns every fast path off: 0, false, off or no. */
export const FAST_RECEIVE_ENV = 'SI_FAST_RECEIVE';

/** Whether one fast path is on, and if not, why. */
export interface FastPathState {
  readonly path: FastPath;
  readonly on: boolean;
  /** What decided: the self-test passed ('selfTest' and on) or failed, the environment, the switch, or the self-test is still running. */
  readonly cause: 'selfTest' | 'environment' | 'switch' | 'pending';
  /** Why it is on ("self-test passed in 40 ms") or off ("SI_FAST_RECEIVE=0 is set"). */
  readonly why: string;
}

const NONE: FastPathSet = { readIntoLog: false, plainFrameBypass: false, inPlaceReassembly: false };

/** What each path is called in the output channel. */
const PATH_NAMES: Record<FastPath, string> = {
  readIntoLog: 'reads into the log (readIntoLog)',
  plainFrameBypass: 'plain-frame bypass (plainFrameBypass)',
  inPlaceReassembly: 'in-place reassembly (inPlaceReassembly)',
};

/** Why the environment turns the fast paths off, or undefined. */
function environmentOff(env: NodeJS.ProcessEnv): string | undefined {
  const value = env[FAST_RECEIVE_ENV];
  return value !== undefined && /^\s*(0|false|off|no)\s*$/i.test(value) ? `${FAST_RECEIVE_ENV}=${value} is set in the environment` : undefined;
}

/** The switch and self-test of one process; `fastReceive` is the process's. */
export class FastReceive {
  private offBy: string | undefined;
  private readonly envOff: string | undefined;
  private selfTest: Promise<SelfTestResult> | undefined;
  private result: SelfTestResult | undefined;
  /** What a connection opening now gets (recomputed when anything above changes). */
  private allowedNow: FastPathSet = NONE;
  private readonly engagedCounts: Record<FastPath, number> = { readIntoLog: 0, plainFrameBypass: 0, inPlaceReassembly: 0 };

  constructor(
    env: NodeJS.ProcessEnv = process.env,
    private readonly selfTestRunner: () => Promise<SelfTestResult> = runFastReceiveSelfTest,
  ) {
    this.envOff = environmentOff(env);
  }

  /**
   * Turns the fast paths on (still subject to the environment and the self-test) or off for connections
   * opened from now on. `offReason` says in the output who turned them off.
   */
  configure(options: { enabled: boolean; offReason?: string }): void {
    this.offBy = options.enabled ? undefined : (options.offReason ?? 'switched off by the caller');
    this.update();
  }

  /** Whether the switch and the environment let the fast paths run (the self-test aside). */
  private get switchedOn(): boolean {
    return this.offBy === undefined && this.envOff === undefined;
  }

  /**
   * Runs the self-test once if the fast paths are switched on and it has not run yet, and resolves with
   * each path's state once it is done. Never rejects.
   */
  async ready(): Promise<readonly FastPathState[]> {
    if (this.switchedOn) await this.startSelfTest();
    return this.states();
  }

  private startSelfTest(): Promise<SelfTestResult> {
    this.selfTest ??= this.selfTestRunner().then(
      (result) => {
        this.result = result;
        this.update();
        return result;
      },
      (e: unknown) => {
        const why = `the self-test itself failed: ${e instanceof Error ? e.message : String(e)}`;
        this.result = { failed: { readIntoLog: why, plainFrameBypass: why, inPlaceReassembly: why }, ms: 0 };
        this.update();
        return this.result;
      },
    );
    return this.selfTest;
  }

  private update(): void {
    const result = this.result;
    this.allowedNow =
      this.switchedOn && result
        ? { readIntoLog: !result.failed.readIntoLog, plainFrameBypass: !result.failed.plainFrameBypass, inPlaceReassembly: !result.failed.inPlaceReassembly }
        : NONE;
  }

  /** Each path's state now. */
  states(): FastPathState[] {
    return FAST_PATHS.map((path): FastPathState => {
      if (this.envOff) return { path, on: false, cause: 'environment', why: this.envOff };
      if (this.offBy !== undefined) return { path, on: false, cause: 'switch', why: this.offBy };
      const result = this.result;
      if (!result) return { path, on: false, cause: 'pending', why: 'the start-up self-test has not finished yet' };
      const failed = result.failed[path];
      if (failed) return { path, on: false, cause: 'selfTest', why: `the start-up self-test failed: ${failed}` };
      return { path, on: true, cause: 'selfTest', why: `the start-up self-test passed in ${Math.round(result.ms)} ms` };
    });
  }

  /**
   * The paths a connection opening now may use. Until the self-test has passed none: this starts it
   * (if the switch is on), and the connection records through Node's and ws's own paths meanwhile.
   */
  allowed(): FastPathSet {
    if (this.result === undefined && this.switchedOn) void this.startSelfTest();
    return this.allowedNow;
  }

  /** Puts the allowed fast paths on a WebSocket recorder (attachWsFastPaths); once per connection. */
  attachWs(ws: WebSocket, socket: net.Socket, log: EntryLog, hooks: WsRecorderHooks): IDisposable {
    return this.count(attachWsFastPaths(ws, socket, log, hooks, this.allowed()));
  }

  /** Puts the allowed fast paths on a connected TCP socket (attachTcpFastPaths); once per connection. */
  attachTcp(socket: net.Socket, log: EntryLog): IDisposable {
    return this.count(attachTcpFastPaths(socket, log, this.allowed()));
  }

  private count(attached: Attached): Attached {
    for (const path of attached.engaged) this.engagedCounts[path]++;
    return attached;
  }

  /** How many connections of this process have engaged `path` so far. */
  engagedConnections(path: FastPath): number {
    return this.engagedCounts[path];
  }

  /**
   * Forgets the self-test's result, so that the next connection or ready() runs it again. For tests
   * that change what Node or ws look like, and only between connections.
   */
  forgetSelfTest(): void {
    this.selfTest = undefined;
    this.result = undefined;
    this.update();
  }
}

/** Lines for the output channel: each fast path, on or off, and why. */
export function describeFastReceive(states: readonly FastPathState[]): string[] {
  return states.map((s) => `Fast receive: ${PATH_NAMES[s.path]} is ${s.on ? 'on' : 'off'}: ${s.why} (Node ${process.version}).`);
}

/** The process's fast receive switch. */
export const fastReceive = new FastReceive();
