// Which web pages may open a WebSocket to a listener. A browser lets any page it shows connect to
// ws://127.0.0.1:port and sends the page's origin in the Origin header; clients that are not browsers
// (ws, curl, scripts) send none. So a listener shows each peer's Origin, and, when the user lists allowed
// origins, refuses a browser whose page is not among them. Pure: no sockets.

/** Decides on an upgrade request's Origin header; built by {@link compileOriginPolicy}. */
export interface OriginPolicy {
  /** Whether a client with this Origin header (undefined: none sent) may connect. */
  allows(origin: string | undefined): boolean;
  /** Whether every origin is allowed (no list, or "*" in it). */
  readonly allowsAll: boolean;
}

/** Lower-cased, without a trailing slash: "HTTPS://Example.com/" and "https://example.com" are one origin. */
function normalize(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

/** Longest Origin a list is checked against: real ones are a scheme, a host and a port. */
const MAX_ORIGIN_LENGTH = 1024;

/**
 * Whether `text` matches `pattern`, where "*" stands for any run of characters but "/". A table over
 * positions rather than a regular expression: the header is the peer's to choose, and a pattern with
 * several stars would backtrack on a long one. O(pattern × text).
 */
function globMatches(pattern: string, text: string): boolean {
  // reach[j]: the pattern so far matches text[0, j).
  let reach = new Uint8Array(text.length + 1);
  reach[0] = 1;
  for (const p of pattern) {
    const next = new Uint8Array(text.length + 1);
    for (let j = 0; j <= text.length; j++) {
      if (p === '*') next[j] = reach[j]! || (j > 0 && next[j - 1] && text[j - 1] !== '/') ? 1 : 0;
      else next[j] = j > 0 && reach[j - 1] && text[j - 1] === p ? 1 : 0;
    }
    reach = next;
  }
  return reach[text.length] === 1;
}

/**
 * The policy of a list of allowed origins: each entry an origin as browsers send it
 * ("http://localhost:3000"), "*" within an entry standing for any run of characters but "/"
 * ("http://localhost:*", "https://*.example.com"), "null" for pages browsers give no origin (files,
 * sandboxed frames). An empty list, or "*", allows every origin. A request without an Origin header
 * comes from a client that is not a browser, which no web page can make, and is always allowed.
 */
export function compileOriginPolicy(allowed: readonly string[] | undefined): OriginPolicy {
  const entries = (allowed ?? []).map(normalize).filter((e) => e !== '');
  if (entries.length === 0 || entries.includes('*')) return { allows: () => true, allowsAll: true };
  return {
    allowsAll: false,
    allows: (origin) => {
      if (origin === undefined) return true;
      const text = normalize(origin);
      return text.length <= MAX_ORIGIN_LENGTH && entries.some((e) => globMatches(e, text));
    },
  };
}
