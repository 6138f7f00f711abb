// Runs one test of a session: a fresh connection made from the session's settings, the steps in order
// against what its log records, a result per step (pass/fail, expected vs actual, the line of the step,
// the seq of the message concerned, how long it took). The first failing step ends the test. No step can hang: every wait has a deadline, every user regex runs on
// the pattern worker with its own. This is the run loop and what the run owns; the steps themselves are in
// testSendSteps.ts, testExpectSteps.ts and testConnectionSteps.ts.
import type { LayerId } from '../../../shared/decode/decoded';
import { SocketInspectorError } from '../../../shared/errors';
import type { Connection } from '../connection/connectionTypes';
import { FramedLog } from '../framing/framedLog';
import { framerSpecFromJson } from '../../../shared/framerSpec';
import { LayerAttachment, type LayerChoice } from '../layers/layerAttachment';
import { layerFactory } from '../layers/layerRegistry';
import type { LayerSession } from '../layers/protocolLayer';
import { resolveLayerSettings } from '../session/layerSecrets';
import { PatternRunner } from '../patterns/patternRunner';
import type { EnvRecord } from '../session/sessionEnv';
import type { Session, SessionLog } from '../session/sessionFormat';
import { sessionLogFromEntryLog } from '../session/sessionLog';
import type { SecretStore } from '../session/sessionSecrets';
import { createTestConnection } from './testConnection';
import { expectClose, expectHandshake } from './testConnectionSteps';
import { capture, expect, expectNone } from './testExpectSteps';
import {
  DEFAULT_EXPECT_NONE_WITHIN_MS,
  DEFAULT_EXPECT_WITHIN_MS,
  type SendBody,
  type SessionTest,
  type StepKind,
  type StepLocation,
  type TestStep,
} from './testFormat';
import type { MatchContext } from './testMatchers';
import { TestMessages, type TestMessage } from './testMessages';
import { redactSessionLog } from './testRecording';
import { checkVariables } from './testLoad';
import { startTestMock, type StartedMock } from './testMock';
import { bytesOf, sendBody, sendLayerForm } from './testSendSteps';
import { StepFailure, type StepRun } from './testStep';
import { Variables, type VariableSources } from './testVariables';

export type StepStatus = 'passed' | 'failed';

/** What happened to one step (a step inside a repeat gets one result per round). */
export interface StepResult {
  readonly kind: StepKind;
  readonly name?: string;
  /** Where the step is in the file. */
  readonly at?: StepLocation;
  /** Round of the enclosing repeat (1-based), when inside one. */
  readonly round?: number;
  readonly status: StepStatus;
  readonly durationMs: number;
  /** Why it failed, in a sentence; secrets redacted. */
  readonly message?: string;
  /** What the step wanted and what there was, as text a diff view shows side by side; secrets redacted. */
  readonly expected?: string;
  readonly actual?: string;
  /** The log entry the step concerns: the message matched, or the one that was wrong. */
  readonly seq?: number;
}

export interface TestResult {
  readonly name: string;
  readonly status: 'passed' | 'failed';
  readonly durationMs: number;
  readonly steps: readonly StepResult[];
  /** The step that failed, or a failure before the first step (variables, connection settings). */
  readonly failure?: StepResult;
  /** The run's log, when recording was asked for; secrets redacted. */
  readonly log?: SessionLog;
}

export interface RunTestOptions {
  /** The chosen environment's variables, the process environment, the secrets. */
  readonly variables?: VariableSources;
  /** For the session's own `${env:…}` and secret header values (resolveConnection). */
  readonly env?: EnvRecord;
  readonly secrets?: SecretStore;
  /** The session file's folder (for a relative tls.keyLogFile). */
  readonly baseDir?: string;
  /** Where each step's location is (from testLoad.ts). */
  readonly locate?: (item: SessionTest | TestStep) => StepLocation | undefined;
  /** Keep the run's log in the result: always, or only when the test failed. */
  readonly record?: 'always' | 'failures';
  /** The pattern worker for regexes; one is made (and disposed) per run when absent. */
  readonly patterns?: PatternRunner;
  /** The protocol layer whose decoder reads `field` matchers (issue 19); from connection.layer when absent. */
  readonly layer?: LayerId;
  /** Told after each step. */
  readonly onStep?: (result: StepResult) => void;
  /** Stops the run between steps. */
  readonly signal?: AbortSignal;
}

/** Where layer secrets are looked up when the caller has no store: nowhere (a secret reference fails the layer). */
const NO_SECRETS: SecretStore = { get: async () => undefined, store: async () => undefined, delete: async () => undefined };

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The layer named by a session's `connection.layer` (`{ "type": "socketio", … }`), when the connection has one. */
function sessionLayer(session: Session): LayerId | undefined {
  const layer = (session.connection as { layer?: { type?: unknown } }).layer;
  return typeof layer?.type === 'string' ? (layer.type as LayerId) : undefined;
}

/** One run of one test. */
class TestRun implements StepRun {
  connection: Connection | undefined;
  messages: TestMessages | undefined;
  private framed: FramedLog | undefined;
  private layer: LayerAttachment | undefined;
  private layerError: string | undefined;
  connectError: SocketInspectorError | undefined;
  /** Per direction (In, Out): index of the first message no expect has consumed. */
  readonly cursor = [0, 0];
  /** The message the last expect matched: what capture reads. */
  lastMatched: TestMessage | undefined;
  private readonly heartbeats = new Set<NodeJS.Timeout>();
  readonly results: StepResult[] = [];
  private failed: StepResult | undefined;
  readonly match: MatchContext;

  constructor(
    readonly session: Session,
    private readonly test: SessionTest,
    private readonly options: RunTestOptions,
    readonly variables: Variables,
    patterns: PatternRunner,
  ) {
    const id = options.layer ?? sessionLayer(session);
    const factoryDecoder = id ? layerFactory(id)?.decoder : undefined;
    // Once the layer is attached its decoder knows the layer's settings (MQTT's protocol version).
    const decoderNow = () => this.layer?.decoder ?? factoryDecoder;
    this.match = {
      patterns,
      ...(factoryDecoder ? { decode: (m: TestMessage) => decoderNow()?.decode({ payload: m.payload, direction: m.direction, kind: m.kind }) } : {}),
    };
  }

  get layerSession(): LayerSession | undefined {
    return this.layer?.session;
  }

  get layerStatus(): string | undefined {
    return this.layerError ?? this.layer?.status;
  }

  get failure(): StepResult | undefined {
    return this.failed;
  }

  async open(): Promise<void> {
    const { connection, sensitive } = await createTestConnection(this.session.connection, this.variables, {
      env: this.options.env ?? {},
      ...(this.options.secrets ? { secrets: this.options.secrets } : {}),
      ...(this.options.baseDir ? { baseDir: this.options.baseDir } : {}),
    });
    this.variables.addSensitive(sensitive);
    this.connection = connection;
    const layer = await this.startLayer(connection);
    // A TCP session with a framer is tested message by message, as the inspector shows it; a layer that
    // cuts its TCP stream into packets (MQTT) does so unless the file chose a framer.
    const framing = this.session.view?.framing ?? (layer ? layerFactory(layer)?.tcpFramer : undefined);
    if (framing && connection.kind === 'tcp') this.framed = new FramedLog(connection.log, framerSpecFromJson(framing), { connection });
    this.messages = new TestMessages(this.framed?.log ?? connection.log);
    try {
      await connection.connect();
    } catch (e) {
      this.connectError = e instanceof SocketInspectorError ? e : new SocketInspectorError('NETWORK', String(e));
    }
  }

  /**
   * Starts the session's protocol layer (connection.layer) speaking on the connection before it connects,
   * as an inspector tab does: it makes the layer's handshake (a Socket.IO CONNECT, an MQTT CONNECT) and
   * keep-alive, and sends `layer` forms. A layer that cannot start fails the steps that need it, saying why.
   */
  private async startLayer(connection: Connection): Promise<LayerId | undefined> {
    if (!this.session.connection.layer) return undefined;
    let choice: LayerChoice | undefined;
    try {
      choice = await resolveLayerSettings(this.session.connection, this.options.secrets ?? NO_SECRETS, this.options.env ?? {});
    } catch (e) {
      this.layerError = e instanceof Error ? e.message : String(e);
      return undefined;
    }
    if (!choice) {
      this.layerError = `the ${this.session.connection.layer.type} layer is not available in this build`;
      return undefined;
    }
    this.layer = new LayerAttachment(connection, { choice, detect: false, speak: true });
    return choice.id;
  }

  /** Runs `steps`; false once a step failed. Heartbeats started here stop when the list ends. */
  async runSteps(steps: readonly TestStep[], round?: number): Promise<boolean> {
    let started: NodeJS.Timeout[] | undefined;
    try {
      for (const step of steps) {
        if (this.failed || this.options.signal?.aborted) {
          if (!this.failed) this.fail(step, round, 0, new StepFailure('The run was stopped'));
          return false;
        }
        const t0 = performance.now();
        try {
          let seq: number | undefined;
          if (step.kind === 'repeat') {
            for (let i = 1; i <= step.repeat.times; i++) if (!(await this.runSteps(step.repeat.steps, i))) return false;
          } else if (step.kind === 'every') {
            (started ??= []).push(this.startHeartbeat(step.every.ms, step.every.send, step));
          } else {
            // A step that finishes at once (a send) is not awaited: each await is a turn of the microtask
            // queue and a promise, in every round of a repeat.
            const ran = this.runStep(step);
            seq = ran instanceof Promise ? await ran : ran;
          }
          this.record(this.passed(step, round, performance.now() - t0, seq));
        } catch (e) {
          this.fail(step, round, performance.now() - t0, e);
          return false;
        }
      }
      return true;
    } finally {
      if (started) {
        for (const timer of started) {
          clearInterval(timer);
          this.heartbeats.delete(timer);
        }
      }
    }
  }

  /** The result of a step that passed: built field by field, as base() and a spread would cost every round of a repeat. */
  private passed(step: TestStep, round: number | undefined, durationMs: number, seq: number | undefined): StepResult {
    const at = this.options.locate?.(step);
    // The keys in the order base() and a failed step's result have them.
    const result = { kind: step.kind } as { -readonly [K in keyof StepResult]: StepResult[K] };
    if (step.name !== undefined) result.name = step.name;
    if (at) result.at = at;
    if (round !== undefined) result.round = round;
    result.status = 'passed';
    result.durationMs = durationMs;
    if (seq !== undefined) result.seq = seq;
    return result;
  }

  private base(step: TestStep, round: number | undefined): Pick<StepResult, 'kind' | 'name' | 'at' | 'round'> {
    const at = this.options.locate?.(step);
    return {
      kind: step.kind,
      ...(step.name !== undefined ? { name: step.name } : {}),
      ...(at ? { at } : {}),
      ...(round !== undefined ? { round } : {}),
    };
  }

  private record(result: StepResult): void {
    this.results.push(result);
    this.options.onStep?.(result);
  }

  private fail(step: TestStep, round: number | undefined, durationMs: number, e: unknown): void {
    const redact = (s: string | undefined) => (s === undefined ? undefined : this.variables.redact(s));
    const f = e instanceof StepFailure ? e : undefined;
    const message = redact(f ? f.message : e instanceof Error ? e.message : String(e))!;
    const expected = redact(f?.expected);
    const actual = redact(f?.actual);
    const result: StepResult = {
      ...this.base(step, round),
      status: 'failed',
      durationMs,
      message,
      ...(expected !== undefined ? { expected } : {}),
      ...(actual !== undefined ? { actual } : {}),
      ...(f?.seq !== undefined ? { seq: f.seq } : {}),
    };
    this.failed = result;
    this.record(result);
  }

  openConnection(): Connection {
    const c = this.connection!;
    if (this.connectError) throw new StepFailure(`The connection did not open: ${this.connectError.message}`);
    return c;
  }

  /**
   * Runs one step: the seq it concerns, if any, at once for a step done at once (a send), else a promise
   * of it. Throws (or rejects with) StepFailure.
   */
  private runStep(step: TestStep): number | undefined | Promise<number | undefined> {
    const where = this.options.locate?.(step)?.path ?? step.kind;
    switch (step.kind) {
      case 'send':
        if ('layer' in step.send) return sendLayerForm(this, step.send.layer, where).then(() => undefined);
        sendBody(this, step.send, where);
        return undefined;
      case 'expect':
        return expect(this, this.variables.fillJson(step.expect, where), step.expect.within ?? this.test.timeoutMs ?? DEFAULT_EXPECT_WITHIN_MS);
      case 'expectNone':
        return expectNone(this, this.variables.fillJson(step.expectNone, where), step.expectNone.within ?? DEFAULT_EXPECT_NONE_WITHIN_MS);
      case 'expectHandshake':
        expectHandshake(this, this.variables.fillJson(step.expectHandshake, where));
        return undefined;
      case 'expectClose':
        return expectClose(this, this.variables.fillJson(step.expectClose, where), step.expectClose.within ?? this.test.timeoutMs ?? DEFAULT_EXPECT_WITHIN_MS);
      case 'capture':
        return capture(this, step.capture.as, step.capture.jsonPath, step.capture.regex, step.capture.group);
      case 'wait':
        return sleep(step.wait, this.options.signal).then(() => undefined);
      case 'disconnect': {
        const c = this.openConnection();
        const reason = step.disconnect.reason !== undefined ? this.variables.fill(step.disconnect.reason, where) : undefined;
        c.close(step.disconnect.code, reason);
        return undefined;
      }
      case 'repeat':
      case 'every':
        return undefined;
    }
  }

  private startHeartbeat(ms: number, body: SendBody, step: TestStep): NodeJS.Timeout {
    const where = this.options.locate?.(step)?.path ?? 'every';
    // Checked now, so a mistake fails the step instead of every beat.
    bytesOf(this, body, where);
    this.openConnection();
    const timer = setInterval(() => {
      if (this.connection?.state !== 'open') return;
      try {
        sendBody(this, body, where);
      } catch {
        // The connection closed between the check and the send; the steps waiting will say so.
      }
    }, ms);
    this.heartbeats.add(timer);
    return timer;
  }

  /** The run's log as a session file holds it, secrets redacted. */
  recordedLog(): SessionLog | undefined {
    const c = this.connection;
    if (!c) return undefined;
    const sensitive = this.variables.sensitive;
    return redactSessionLog(sessionLogFromEntryLog(c.log, { redact: sensitive }), sensitive);
  }

  /** Stops the heartbeats, closes the connection (briefly waiting for its end) and frees it. */
  async close(): Promise<void> {
    for (const timer of this.heartbeats) clearInterval(timer);
    this.heartbeats.clear();
    const c = this.connection;
    if (c && (c.state === 'open' || c.state === 'connecting' || c.state === 'closing')) {
      const ended = new Promise<void>((resolve) => {
        const sub = c.onDidChangeState((s) => {
          if (s === 'closed' || s === 'error') done();
        });
        const timer = setTimeout(done, 1000);
        function done() {
          clearTimeout(timer);
          sub.dispose();
          resolve();
        }
      });
      if (c.state === 'open') c.close();
      await ended;
    }
  }

  dispose(): void {
    this.layer?.dispose();
    this.messages?.dispose();
    this.framed?.dispose();
    this.connection?.dispose();
  }
}

/** Runs one test of `session` and reports every step. Never throws for what the test finds; throws only for programming errors. */
export async function runTest(session: Session, test: SessionTest, options: RunTestOptions = {}): Promise<TestResult> {
  const t0 = performance.now();
  // A mock of the set-up runs for the whole test; its address is a variable the connection may use.
  let mock: StartedMock | undefined;
  if (test.setup?.mock) {
    try {
      mock = await startTestMock(test.setup.mock, options.baseDir);
    } catch (e) {
      const at = options.locate?.(test);
      const failure: StepResult = { kind: test.steps[0]?.kind ?? 'send', ...(at ? { at } : {}), status: 'failed', durationMs: 0, message: (e as Error).message };
      return { name: test.name, status: 'failed', durationMs: performance.now() - t0, steps: [], failure };
    }
  }
  const sources = options.variables ?? {};
  const variables = new Variables(mock ? { ...sources, environment: { ...sources.environment, ...mock.variables } } : sources);
  const ownPatterns = options.patterns ? undefined : new PatternRunner();
  const patterns = options.patterns ?? ownPatterns!;
  const run = new TestRun(session, test, options, variables, patterns);
  const finish = (failure: StepResult | undefined, log?: SessionLog): TestResult => ({
    name: test.name,
    status: failure ? 'failed' : 'passed',
    durationMs: performance.now() - t0,
    steps: run.results,
    ...(failure ? { failure } : {}),
    ...(log ? { log } : {}),
  });
  try {
    // Every variable must have a value before anything is sent (or even connected).
    const missing = checkVariables(session, test, variables, options.locate);
    if (missing) {
      const failure: StepResult = { kind: missing.kind, ...(missing.at ? { at: missing.at } : {}), status: 'failed', durationMs: 0, message: missing.message };
      return finish(failure);
    }
    try {
      await run.open();
    } catch (e) {
      const at = options.locate?.(test);
      return finish({ kind: test.steps[0]?.kind ?? 'send', ...(at ? { at } : {}), status: 'failed', durationMs: 0, message: variables.redact((e as Error).message) });
    }
    await run.runSteps(test.steps);
    await run.close();
    const failure = run.failure;
    const keep = options.record === 'always' || (options.record === 'failures' && failure !== undefined);
    return finish(failure, keep ? run.recordedLog() : undefined);
  } finally {
    run.dispose();
    ownPatterns?.dispose();
    if (mock) {
      await mock.server.stop();
      mock.server.dispose();
    }
  }
}
