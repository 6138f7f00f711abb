// How a mock picks the recorded exchange that answers a request, by the strategy the user chose:
//   inOrder   — the n-th request of a client gets the n-th recorded replies, whatever it holds;
//   exact     — the recorded request with the same bytes (the first such not yet used by this client,
//               then the last of them again);
//   jsonField — the recorded request whose JSON value at a path (e.g. "method" or "params.id") is equal.
// A request nothing matches gets a reason in a sentence, which the mock writes in the listener's log.
import { SocketInspectorError } from '../../../shared/errors';
import { parseFieldPath, readField, type PathSegment } from '../timing/jsonFieldPath';
import type { MockExchange, MockScript } from './mockScript';

/** The strategy requests are matched with. */
export type MockStrategy = { readonly type: 'inOrder' } | { readonly type: 'exact' } | { readonly type: 'jsonField'; readonly path: string };

/** The strategies' names, as the Serve as Mock picker and the test format write them. */
export const MOCK_STRATEGY_NAMES = ['inOrder', 'exact', 'jsonField'] as const;

/** How a strategy is named in notes: "in order", "by exact payload", "by JSON field id". */
export function describeStrategy(s: MockStrategy): string {
  return s.type === 'inOrder' ? 'in order' : s.type === 'exact' ? 'by exact payload' : `by JSON field ${s.path}`;
}

/** What matching one request gave: the exchange, or why there is none. */
export type MockMatch = { readonly exchange: MockExchange } | { readonly reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

function jsonOf(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A short, printable rendering of a payload for a note. */
export function preview(bytes: Uint8Array): string {
  let text: string;
  try {
    text = JSON.stringify(decoder.decode(bytes.subarray(0, 200)));
  } catch {
    text = `0x${Buffer.from(bytes.subarray(0, 32)).toString('hex')}`;
  }
  return bytes.length > 200 || (text.startsWith('0x') && bytes.length > 32) ? `${text}… (${bytes.length} bytes)` : text;
}

/** The matcher of one client: it remembers which exchanges that client already used. */
export class MockMatcher {
  private next = 0;
  private readonly used = new Set<number>();
  private readonly segments: readonly PathSegment[] | undefined;
  /** For jsonField: each exchange's key (the value at the path, as JSON text), undefined when it has none. */
  private readonly keys: ReadonlyArray<string | undefined> | undefined;

  constructor(
    private readonly script: MockScript,
    private readonly strategy: MockStrategy,
  ) {
    if (strategy.type === 'jsonField') {
      const parsed = parseFieldPath(strategy.path);
      if (!parsed.ok || parsed.segments.length === 0) {
        throw new SocketInspectorError('BAD_SESSION', `"${strategy.path}" is not a JSON field path: ${parsed.ok ? 'it is empty' : parsed.message}`);
      }
      this.segments = parsed.segments;
      this.keys = script.exchanges.map((x) => this.keyOf(x.request.bytes));
    }
  }

  private keyOf(bytes: Uint8Array): string | undefined {
    const v = readField(jsonOf(bytes), this.segments!);
    return v === undefined ? undefined : JSON.stringify(v);
  }

  /** The exchange that answers `request`, or why none does. */
  match(request: Uint8Array): MockMatch {
    const all = this.script.exchanges;
    switch (this.strategy.type) {
      case 'inOrder': {
        const x = all[this.next];
        if (!x) return { reason: `the recording holds ${all.length} request${all.length === 1 ? '' : 's'}, all answered` };
        this.next++;
        return { exchange: x };
      }
      case 'exact':
        return this.pick(all.filter((x) => sameBytes(x.request.bytes, request)), 'no recorded request has these bytes');
      case 'jsonField': {
        const path = this.strategy.path;
        if (jsonOf(request) === undefined) return { reason: `the request is not JSON, so it has no field ${path}` };
        const key = this.keyOf(request);
        if (key === undefined) return { reason: `the request has no field ${path}` };
        return this.pick(
          all.filter((x) => this.keys![x.index] === key),
          `no recorded request has ${path} = ${key.length > 80 ? `${key.slice(0, 80)}…` : key}`,
        );
      }
    }
  }

  /** The first candidate this client has not used yet, else the last one again. */
  private pick(candidates: readonly MockExchange[], none: string): MockMatch {
    if (candidates.length === 0) return { reason: none };
    const fresh = candidates.find((x) => !this.used.has(x.index)) ?? candidates[candidates.length - 1]!;
    this.used.add(fresh.index);
    return { exchange: fresh };
  }
}
