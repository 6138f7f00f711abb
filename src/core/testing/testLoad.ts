// Loads a session file for testing: parses and validates it (errors name the line and column of the
// offending field or step), finds where each test and step is written, and checks before a run that
// every variable the run will use has a value.
import { SocketInspectorError } from '../../../shared/errors';
import type { Session, SessionWarning } from '../session/sessionFormat';
import { parseSessionWithWarnings } from '../session/sessionParse';
import { connectionPlaceholders } from './testConnection';
import type { SessionTest, StepKind, StepLocation, TestStep } from './testFormat';
import { positionOfMessage, valueOffsets } from './jsonPositions';
import { pathOf } from './testValidate';
import { placeholdersOf, type Variables } from './testVariables';
import { positionOf } from '../../../shared/errors';

/** A session file read for testing. */
export interface TestSession {
  readonly session: Session;
  readonly warnings: readonly SessionWarning[];
  readonly tests: readonly SessionTest[];
  /** Where a test or step of `tests` is written. */
  locate(item: SessionTest | TestStep): StepLocation | undefined;
}

/**
 * Parses session text with its tests. Throws SocketInspectorError('BAD_SESSION') whose message ends
 * with the line and column of the field at fault (`… (line 12, column 9)`), also in details.position.
 */
export function parseTestSession(text: string): TestSession {
  let parsed;
  try {
    parsed = parseSessionWithWarnings(text);
  } catch (e) {
    if (!(e instanceof SocketInspectorError) || e.details.position) throw e;
    const found = positionOfMessage(text, e.message);
    if (!found) throw e;
    const { line, column } = found.position;
    throw new SocketInspectorError(e.code, `${e.message} (line ${line}, column ${column})`, { ...e.details, position: found.position }, { cause: e });
  }
  const { session, warnings } = parsed;
  const tests = session.tests ?? [];
  // Only the tests' positions are kept: a recorded log may hold a million entries.
  const offsets = tests.length > 0 ? valueOffsets(text, (p) => p.startsWith('tests')) : new Map<string, number>();
  const located = (path: string): StepLocation | undefined => {
    const at = offsets.get(path);
    if (at === undefined) return undefined;
    const { line, column } = positionOf(text, at);
    return { path, line, column };
  };
  const cache = new Map<string, StepLocation | undefined>();
  return {
    session,
    warnings,
    tests,
    locate(item) {
      const path = pathOf(item);
      if (path === undefined) return undefined;
      if (!cache.has(path)) cache.set(path, located(path));
      return cache.get(path);
    },
  };
}

/** Every string of a JSON value. */
function stringsOf(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) stringsOf(x, out);
  return out;
}

/** The first variable a run of `test` would use without a value, with the step that uses it; undefined when all have one. */
export function checkVariables(
  session: Session,
  test: SessionTest,
  variables: Variables,
  locate?: (item: SessionTest | TestStep) => StepLocation | undefined,
): { kind: StepKind; at?: StepLocation; message: string } | undefined {
  for (const { where, placeholder } of connectionPlaceholders(session.connection)) {
    const why = variables.missing(placeholder);
    if (why) {
      const at = locate?.(test);
      return { kind: test.steps[0]?.kind ?? 'send', ...(at ? { at } : {}), message: `${where}: ${why} (checked before connecting)` };
    }
  }
  const captures = new Set<string>();
  const walk = (steps: readonly TestStep[]): { kind: StepKind; at?: StepLocation; message: string } | undefined => {
    for (const step of steps) {
      let texts: string[];
      switch (step.kind) {
        case 'capture':
          texts = [];
          break;
        case 'repeat': {
          const inner = walk(step.repeat.steps);
          if (inner) return inner;
          continue;
        }
        case 'send':
        case 'every': {
          const body = step.kind === 'send' ? step.send : step.every.send;
          const saved = 'message' in body ? session.messages?.find((m) => m.name === body.message) : undefined;
          texts = saved ? [saved.body] : 'message' in body ? [] : stringsOf(body);
          break;
        }
        default:
          texts = stringsOf((step as unknown as Record<string, unknown>)[step.kind]);
      }
      const at = locate?.(step);
      for (const text of texts) {
        for (const p of placeholdersOf(text, at?.path ?? step.kind)) {
          const why = variables.missing(p, captures);
          if (why) return { kind: step.kind, ...(at ? { at } : {}), message: `${why} (checked before connecting)` };
        }
      }
      if (step.kind === 'capture') captures.add(step.capture.as);
    }
    return undefined;
  };
  return walk(test.steps);
}
