// Writes a recorded test into a session file's text the way a person would: appended to `tests` (made
// when the file has none), indented as the file is, one step per line; nothing else of the file changes
// (its order, spacing, comments-free JSON and line endings stay as they are).
import { SocketInspectorError } from '../../../shared/errors';
import { valueOffsets } from './jsonPositions';
import type { SessionTest, TestStep } from './testFormat';

/** A step as the file writes it: `{ "send": … }`, its name first when it has one. */
export function stepJson(step: TestStep): Record<string, unknown> {
  const { kind, name } = step;
  const value = (step as unknown as Record<string, unknown>)[kind];
  return { ...(name !== undefined ? { name } : {}), [kind]: value };
}

/** JSON on one line with a space inside braces and after colons and commas: `{ "a": [1, 2] }`. */
export function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The test as text: the object's lines after the first start with `indent`, nested by `unit`. */
export function testText(test: SessionTest, indent: string, unit: string, eol = '\n'): string {
  const inner = indent + unit;
  const lines = ['{', `${inner}"name": ${JSON.stringify(test.name)},`];
  if (test.timeoutMs !== undefined) lines.push(`${inner}"timeoutMs": ${test.timeoutMs},`);
  if (test.steps.length === 0) lines.push(`${inner}"steps": []`);
  else {
    lines.push(`${inner}"steps": [`);
    test.steps.forEach((s, i) => lines.push(`${inner}${unit}${inlineJson(stepJson(s))}${i < test.steps.length - 1 ? ',' : ''}`));
    lines.push(`${inner}]`);
  }
  lines.push(`${indent}}`);
  return lines.join(eol);
}

/** The offset just past the object or array that opens at `start` (valid JSON). */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

/** The whitespace that starts the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** The file's indentation unit: that of its first indented line (two spaces when it has none). */
function indentUnit(text: string): string {
  return /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
}

/** The last offset before `end` that is not whitespace. */
function lastContent(text: string, end: number): number {
  let i = end - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  return i;
}

/**
 * `text` (a session file) with `test` appended to its `tests`. Throws BAD_SESSION when the text is not a
 * JSON object, and when a test of that name exists (names are how a run finds its test).
 */
export function insertTest(text: string, test: SessionTest): string {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new SocketInspectorError('BAD_SESSION', `The session file is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new SocketInspectorError('BAD_SESSION', 'The session file does not hold a JSON object');
  const tests = (root as { tests?: unknown }).tests;
  if (tests !== undefined && !Array.isArray(tests)) throw new SocketInspectorError('BAD_SESSION', 'The session file\'s "tests" is not a list');
  if (Array.isArray(tests) && tests.some((t) => (t as { name?: unknown } | null)?.name === test.name)) {
    throw new SocketInspectorError('BAD_SESSION', `The session file already has a test named "${test.name}"`);
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const unit = indentUnit(text);
  const offsets = valueOffsets(text, (p) => p === '' || p === 'tests' || p === 'tests[0]');
  const at = offsets.get('tests');
  if (at === undefined) {
    const close = valueEnd(text, offsets.get('')!) - 1;
    const last = lastContent(text, close);
    const keyIndent = lineIndent(text, close) + unit;
    const comma = text[last] === '{' ? '' : ',';
    const block = `${comma}${eol}${keyIndent}"tests": [${eol}${keyIndent}${unit}${testText(test, keyIndent + unit, unit, eol)}${eol}${keyIndent}]`;
    return text.slice(0, last + 1) + block + (text[last] === '{' ? eol : '') + text.slice(last + 1);
  }
  const close = valueEnd(text, at) - 1;
  const first = offsets.get('tests[0]');
  if (first === undefined) {
    // An empty list: the test goes on its own lines inside it.
    const keyIndent = lineIndent(text, at);
    const itemIndent = keyIndent + unit;
    return `${text.slice(0, at + 1)}${eol}${itemIndent}${testText(test, itemIndent, unit, eol)}${eol}${keyIndent}${text.slice(close)}`;
  }
  const itemIndent = lineIndent(text, first);
  const last = lastContent(text, close);
  return `${text.slice(0, last + 1)},${eol}${itemIndent}${testText(test, itemIndent, unit, eol)}${text.slice(last + 1)}`;
}
