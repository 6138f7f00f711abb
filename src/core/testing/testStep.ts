// What a test's step implementations see of the run they belong to (the run loop, testRunner.ts, owns the
// connection, the log view and the heartbeats), and the failure a step throws. Kept apart so that each
// family of steps (testSendSteps.ts, testExpectSteps.ts, testConnectionSteps.ts) is one small module.
import type { SocketInspectorError } from '../../../shared/errors';
import type { Connection } from '../connection/connectionTypes';
import type { LayerSession } from '../layers/protocolLayer';
import type { Session } from '../session/sessionFormat';
import type { MatchContext } from './testMatchers';
import type { TestMessage, TestMessages } from './testMessages';
import type { Variables } from './testVariables';

/** A step failed: its sentence and the two sides. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly expected?: string,
    readonly actual?: string,
    readonly seq?: number,
  ) {
    super(message);
  }
}

/** The run a step acts on. */
export interface StepRun {
  readonly session: Session;
  readonly variables: Variables;
  readonly match: MatchContext;
  readonly connection: Connection | undefined;
  readonly connectError: SocketInspectorError | undefined;
  readonly messages: TestMessages | undefined;
  /** Per direction (In, Out): index of the first message no expect has consumed. */
  readonly cursor: number[];
  /** The message the last expect matched: what capture reads. */
  lastMatched: TestMessage | undefined;
  /** The protocol layer speaking on the connection (connection.layer), when it started. */
  readonly layerSession: LayerSession | undefined;
  /** Why there is no layer session, or its state. */
  readonly layerStatus: string | undefined;
  /** The connection, or a StepFailure when it did not open. */
  openConnection(): Connection;
}
