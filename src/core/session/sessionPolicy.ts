// What a session editor may do on its own, by workspace trust. Pure, so the decisions are unit-tested
// (the workbench test harness cannot toggle trust).
import { connectionEnvUses, type Session } from './';

export interface SessionPermissions {
  /** Saving to the file (our own save commands). Untrusted: read-only. */
  readonly canSave: boolean;
  /** Reading ${env:NAME} from the extension host's environment. Untrusted: never. */
  readonly canReadEnv: boolean;
  /** Connecting without an explicit confirmation. Never automatic; untrusted asks every time. */
  readonly connectNeedsConfirmation: boolean;
  /** Writing the TLS key log the file names (a hostile file could aim it anywhere). Untrusted: never. */
  readonly canWriteKeyLog: boolean;
}

/** The permissions of a session opened in a workspace that is (or is not) trusted. */
export function sessionPermissions(trusted: boolean): SessionPermissions {
  return { canSave: trusted, canReadEnv: trusted, connectNeedsConfirmation: !trusted, canWriteKeyLog: trusted };
}

/**
 * The question to ask before the first connect from a session that reads environment variables (a
 * hostile file could send a variable's value to its server), or undefined when it reads none.
 */
export function envConfirmation(session: Session): { names: string[]; fields: string[] } | undefined {
  const uses = connectionEnvUses(session.connection);
  if (uses.length === 0) return undefined;
  return { names: [...new Set(uses.flatMap((u) => u.names))], fields: uses.map((u) => u.path) };
}

/** The bare name a Save As proposes: the target's host, e.g. "127.0.0.1.socket-session.json". */
export function defaultSessionFileName(target: string): string {
  let host = target;
  try {
    host = new URL(target).hostname;
  } catch {
    // tcp targets without a scheme: host:port
    host = target.replace(/:\d+$/, '');
  }
  const safe = host.replace(/^\[|\]$/g, '').replace(/[^A-Za-z0-9._-]+/g, '_') || 'session';
  return `${safe}.socket-session.json`;
}

/** Header names whose values are proposed as secret when saving. */
export function looksSecret(headerName: string): boolean {
  return /authorization|cookie|token|secret|password|api[-_]?key|session/i.test(headerName);
}
