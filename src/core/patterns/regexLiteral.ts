// How a user writes a regular expression where plain text is also accepted (auto-reply rules, the log
// filter): `/body/flags`. Anything else is text to look for.

/** Splits `/body/flags` into its parts; undefined when the text is not written that way. */
export function parseRegexLiteral(text: string): { body: string; flags: string } | undefined {
  if (text.length < 2 || text[0] !== '/') return undefined;
  const close = text.lastIndexOf('/');
  if (close <= 0) return undefined;
  const flags = text.slice(close + 1);
  // Only real flags, each once: "/api/users" is a path to look for, not a regex with flags "users".
  if (!/^[dgimsuvy]*$/.test(flags) || new Set(flags).size !== flags.length) return undefined;
  return { body: text.slice(1, close), flags };
}
