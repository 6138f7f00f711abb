// The webview's translations. The host puts VS Code's bundle for the display language
// (`vscode.l10n.bundle`, none in English) on the page as `data-l10n` of #app (src/panel/panelHtml.ts);
// t() looks each English message up there, with the placeholder rules of vscode.l10n.t, so one bundle
// file (l10n/bundle.l10n.json, scripts/l10nExtract.mjs) holds the host's and the webview's messages.
// Read lazily on the first t() so that tables of labels built while the modules load are translated too.

/** A value for a `{0}` placeholder. */
export type L10nArg = string | number | boolean;

/** The largest bundle read (a translation of every message is far below it). */
const MAX_BUNDLE_CHARS = 4 * 1024 * 1024;

let bundle: ReadonlyMap<string, string> | undefined;

/**
 * The translations in `text` (a JSON object of English message → translation); an empty map when
 * there is none or it is not that shape, so the page falls back to English instead of failing.
 */
export function parseL10nBundle(text: string | undefined): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  if (!text || text.length > MAX_BUNDLE_CHARS) return map;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return map;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return map;
  for (const [key, translation] of Object.entries(value as Record<string, unknown>)) {
    if (typeof translation === 'string') map.set(key, translation);
  }
  return map;
}

/** The little of the DOM read here, typed apart so that unit tests of pure modules (no DOM lib) compile it. */
interface PageGlobals {
  readonly document?: { getElementById(id: string): { readonly dataset: { readonly l10n?: string } } | null };
}

function pageBundle(): ReadonlyMap<string, string> {
  // No document: a unit test of a pure module, which reads English.
  return parseL10nBundle((globalThis as PageGlobals).document?.getElementById('app')?.dataset.l10n);
}

/** Replaces `{0}`, `{1}`… with the arguments; a placeholder without an argument stays as written (as vscode.l10n.t does). */
export function formatMessage(message: string, args: readonly L10nArg[]): string {
  if (args.length === 0) return message;
  return message.replace(/\{(\d+)\}/g, (match, index: string) => {
    const arg = args[Number(index)];
    return arg === undefined ? match : String(arg);
  });
}

/** The message in the display language (English when the bundle has no translation), placeholders filled. */
export function t(message: string, ...args: L10nArg[]): string {
  bundle ??= pageBundle();
  return formatMessage(bundle.get(message) || message, args);
}

/**
 * The message translated and cut at its placeholders, each argument in its place: for a sentence with an
 * element inside ("Answered by {0} after {1}" with a link for {0}), so a translation can move the element.
 */
export function tParts<T>(message: string, ...args: Array<T | L10nArg>): Array<T | string> {
  bundle ??= pageBundle();
  const parts: Array<T | string> = [];
  let last = 0;
  const template = bundle.get(message) || message;
  for (const match of template.matchAll(/\{(\d+)\}/g)) {
    const index = Number(match[1]);
    if (index >= args.length) continue;
    if (match.index > last) parts.push(template.slice(last, match.index));
    const arg = args[index]!;
    parts.push(typeof arg === 'number' || typeof arg === 'boolean' ? String(arg) : arg);
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}
