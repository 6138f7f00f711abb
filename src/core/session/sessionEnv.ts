// `${env:NAME}` placeholders in a session's URL, host and header values, resolved from an environment
// record passed in (pure: the caller passes process.env, which on Windows matches names case-insensitively).
import { SocketInspectorError } from '../../../shared/errors';

/** The environment to read variables from, e.g. process.env. */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

/** One placeholder replaced, for callers that must treat the value as sensitive. */
export interface EnvUse {
  readonly name: string;
  readonly value: string;
}

const PLACEHOLDER = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** The same, matching only at lastIndex (its own regex: a shared lastIndex would leak into matchAll). */
const PLACEHOLDER_AT = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/y;
const OPENER = '${env:';

/** True when `text` contains a `${env:` placeholder (well-formed or not). */
export function hasEnvPlaceholder(text: string): boolean {
  return text.includes(OPENER);
}

/** Names of the variables `text` refers to, in order of appearance (repeats kept once). */
export function envNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) names.add(m[1]!);
  return [...names];
}

/** Describes a malformed `${env:…}` in `text`, or returns undefined when every one is well-formed. */
export function envSyntaxProblem(text: string): string | undefined {
  let from = 0;
  for (;;) {
    const at = text.indexOf(OPENER, from);
    if (at < 0) return undefined;
    PLACEHOLDER_AT.lastIndex = at;
    const m = PLACEHOLDER_AT.exec(text);
    if (!m) {
      const close = text.indexOf('}', at);
      const shown = close < 0 ? text.slice(at, at + 40) : text.slice(at, close + 1);
      return `has a malformed placeholder "${shown}": write \${env:NAME} with NAME made of letters, digits and _ (not starting with a digit)`;
    }
    from = at + m[0].length;
  }
}

/**
 * Replaces every `${env:NAME}` in `text` with the variable's value. `where` names the field for errors
 * ("connection.url"). Throws BAD_SESSION naming the variable when it is not set.
 */
export function resolveEnv(text: string, env: EnvRecord, where: string): { value: string; used: EnvUse[] } {
  const problem = envSyntaxProblem(text);
  if (problem) throw new SocketInspectorError('BAD_SESSION', `${where} ${problem}`);
  const used: EnvUse[] = [];
  const value = text.replace(PLACEHOLDER, (_whole, name: string) => {
    const v = env[name];
    if (v === undefined) {
      throw new SocketInspectorError(
        'BAD_SESSION',
        `${where} uses \${env:${name}}, but the environment variable ${name} is not set. Set it before starting VS Code, or edit the session.`,
      );
    }
    used.push({ name, value: v });
    return v;
  });
  return { value, used };
}
