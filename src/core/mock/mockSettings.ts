// A mock's settings as a test's set-up (or a listener file) writes them:
// "strategy": "inOrder" | "exact" | { "jsonField": "id" },
// "fallback": "text" | { "text" } | { "json" } | { "hex" } | { "base64" }.
import { parseComposerInput } from '../../../shared/codecs/composerInput';
import type { SessionWarning } from '../session/sessionFormat';
import { bad, found, isRecord, Reader } from '../session/sessionFieldReader';
import { parseFieldPath } from '../timing/jsonFieldPath';
import type { MockStrategy } from './mockMatcher';
import type { MockFallback } from './mockServer';

/** A fallback as written: sent for a request no recorded one matches. */
export type MockFallbackJson = string | { readonly text: string } | { readonly json: unknown } | { readonly hex: string } | { readonly base64: string };

/** Reads `strategy`; throws BAD_SESSION naming `path`. */
export function readMockStrategy(v: unknown, path: string, warnings: SessionWarning[]): MockStrategy {
  if (v === 'inOrder' || v === 'exact') return { type: v };
  if (isRecord(v)) {
    const r = Reader.object(v, path, ['jsonField'], warnings);
    const field = r.string('jsonField', true);
    const parsed = parseFieldPath(field);
    if (!parsed.ok || parsed.segments.length === 0) throw bad(r.at('jsonField'), `is not a JSON field path: ${parsed.ok ? 'it is empty' : parsed.message}`);
    return { type: 'jsonField', path: field };
  }
  throw bad(path, `must be "inOrder", "exact" or { "jsonField": "path" } (found ${found(v)})`);
}

/** The strategy as written back to a file. */
export function mockStrategyToJson(s: MockStrategy): string | { jsonField: string } {
  return s.type === 'jsonField' ? { jsonField: s.path } : s.type;
}

/** Reads `fallback` and makes its bytes; throws BAD_SESSION naming `path`. */
export function readMockFallback(v: unknown, path: string, warnings: SessionWarning[]): MockFallback {
  if (typeof v === 'string') return { bytes: new TextEncoder().encode(v), text: true };
  const r = Reader.object(v, path, ['text', 'json', 'hex', 'base64'], warnings, 'a string (text) or an object { "text" | "json" | "hex" | "base64" }');
  const given = (['text', 'json', 'hex', 'base64'] as const).filter((k) => r.has(k));
  if (given.length !== 1) throw bad(path, `needs exactly one of "text", "json", "hex" or "base64" (found ${given.length})`);
  const key = given[0]!;
  const raw = r.raw(key);
  const input = key === 'json' ? (typeof raw === 'string' ? raw : JSON.stringify(raw)) : r.string(key, true);
  try {
    return { bytes: parseComposerInput(input, key), text: key === 'text' || key === 'json' };
  } catch (e) {
    throw bad(r.at(key), `is not valid ${key}: ${(e as Error).message}`);
  }
}

