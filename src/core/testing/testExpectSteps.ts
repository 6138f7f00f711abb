// The steps that read the messages that arrived: expect (the next matching message, within a deadline),
// expectNone (no matching message within a while) and capture (a value of the message the last expect
// matched, into a variable). User regexes run on the pattern worker with their own deadline.
import { Direction } from '../../../shared/logModel';
import { parseFieldPath, readField } from '../timing/jsonFieldPath';
import type { MessageMatchers } from './testFormat';
import { boundedMatch, describeMatchers, describeMessage, describePayload, isCandidate, mismatch, PatternDeadlineError, type Mismatch } from './testMatchers';
import type { TestMessage } from './testMessages';
import { StepFailure, type StepRun } from './testStep';

const textDecoder = new TextDecoder();

/** What is wrong with `m` for `matchers` (at once when no check waits for the pattern worker); a regex stopped at its deadline fails the step. */
function mismatchOrFail(run: StepRun, m: TestMessage, matchers: MessageMatchers): Mismatch | undefined | Promise<Mismatch | undefined> {
  const wrong = mismatch(m, matchers, run.match);
  return wrong instanceof Promise ? failOnDeadline(wrong, m, matchers) : wrong;
}

async function failOnDeadline(wrong: Promise<Mismatch | undefined>, m: TestMessage, matchers: MessageMatchers): Promise<Mismatch | undefined> {
  try {
    return await wrong;
  } catch (e) {
    if (e instanceof PatternDeadlineError) throw new StepFailure(`Message ${describeMessage(m)}: ${e.message}`, describeMatchers(matchers), describePayload(m), m.seq);
    throw e;
  }
}

/** Waits for the next matching message after those earlier expects consumed; resolves with its seq. */
export async function expect(run: StepRun, matchers: MessageMatchers, within: number): Promise<number> {
  run.openConnection();
  const messages = run.messages!;
  const deadline = performance.now() + within;
  let nearest: { message: TestMessage; why: string; expected: string; actual: string } | undefined;
  const direction = matchers.direction === 'out' ? Direction.Out : Direction.In;
  for (let i = run.cursor[direction]!; ; ) {
    for (; i < messages.end; i++) {
      const m = messages.at(i);
      if (!m || !isCandidate(m, matchers)) continue;
      const checked = mismatchOrFail(run, m, matchers);
      const wrong = checked instanceof Promise ? await checked : checked;
      if (!wrong) {
        run.cursor[direction] = i + 1;
        run.lastMatched = m;
        return m.seq;
      }
      nearest = { message: m, ...wrong };
    }
    const left = deadline - performance.now();
    const ended = messages.ended;
    if (ended || left <= 0 || !(await messages.next(i, left))) {
      if (messages.end > i) continue;
      const how = ended ? 'the connection ended' : `nothing matching arrived within ${within} ms`;
      if (nearest) {
        throw new StepFailure(
          `Expected a matching message, but ${how}; the last candidate, ${describeMessage(nearest.message)}: ${nearest.why}`,
          nearest.expected,
          nearest.actual,
          nearest.message.seq,
        );
      }
      throw new StepFailure(`Expected a message, but ${how}${ended ? '' : ' (no message of that direction and kind at all)'}`, describeMatchers(matchers), '(no message)');
    }
  }
}

/** Fails when a matching message arrives within `within` ms. */
export async function expectNone(run: StepRun, matchers: MessageMatchers, within: number): Promise<undefined> {
  run.openConnection();
  const messages = run.messages!;
  const deadline = performance.now() + within;
  for (let i = run.cursor[matchers.direction === 'out' ? Direction.Out : Direction.In]!; ; ) {
    for (; i < messages.end; i++) {
      const m = messages.at(i);
      if (!m || !isCandidate(m, matchers)) continue;
      const checked = mismatchOrFail(run, m, matchers);
      const wrong = checked instanceof Promise ? await checked : checked;
      if (!wrong) throw new StepFailure(`Expected no matching message within ${within} ms, but ${describeMessage(m)} matches`, '(no such message)', describePayload(m), m.seq);
    }
    const left = deadline - performance.now();
    if (left <= 0 || messages.ended) return undefined;
    await messages.next(i, left);
  }
}
/** Captures a value of the message the last expect matched into variable `as`; resolves with its seq. */
export async function capture(run: StepRun, as: string, jsonPath: string | undefined, regex: string | undefined, group: number | undefined): Promise<number> {
  const m = run.lastMatched;
  if (!m) throw new StepFailure('capture reads the message the last expect matched, and no expect has matched yet');
  const text = textDecoder.decode(m.payload);
  if (jsonPath !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new StepFailure(`Cannot capture ${jsonPath}: message ${describeMessage(m)} is not JSON`, jsonPath, describePayload(m), m.seq);
    }
    const parsed = parseFieldPath(jsonPath);
    const value = parsed.ok ? readField(json, parsed.segments) : undefined;
    if (value === undefined) throw new StepFailure(`Cannot capture: message ${describeMessage(m)} has no value at ${jsonPath}`, jsonPath, JSON.stringify(json, null, 2), m.seq);
    run.variables.capture(as, typeof value === 'string' ? value : JSON.stringify(value));
    return m.seq;
  }
  let found;
  try {
    found = await boundedMatch(run.match.patterns, regex!, text);
  } catch (e) {
    if (e instanceof PatternDeadlineError) throw new StepFailure(`Message ${describeMessage(m)}: ${e.message}`, regex, describePayload(m), m.seq);
    throw e;
  }
  if (!found) throw new StepFailure(`Cannot capture: message ${describeMessage(m)} does not match ${regex}`, regex, describePayload(m), m.seq);
  const g = group ?? (found.length > 1 ? 1 : 0);
  const value = found[g];
  if (value === undefined) throw new StepFailure(`Cannot capture: ${regex} has no group ${g} in this match`, regex, describePayload(m), m.seq);
  run.variables.capture(as, value);
  return m.seq;
}
