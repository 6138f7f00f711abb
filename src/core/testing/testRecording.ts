// The recorded log of a test run as a session file (`--record-failures DIR`, and later the Test
// Explorer's "save this run"): the session's settings as written (placeholders and secret references
// kept), the one test that ran, and the run's log with every secret value replaced in every entry,
// payloads included (the session code only redacts the handshake's meta entries).
import { decodeBase64, encodeBase64 } from '../../../shared/codecs/base64';
import { REDACTED } from '../session/sessionLog';
import type { Session, SessionLog, SessionLogEntry } from '../session/sessionFormat';
import type { SessionTest } from './testFormat';

function replaceAll(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of values) if (v !== '' && out.includes(v)) out = out.split(v).join(REDACTED);
  return out;
}

/** The log with every value of `values` replaced by `<redacted>` in the text and in the bytes of every entry. */
export function redactSessionLog(log: SessionLog, values: readonly string[]): SessionLog {
  const ordered = [...new Set(values.filter((v) => v !== ''))].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return log;
  // Bytes are compared as Latin-1 text: one character per byte, so only the secret's own bytes change.
  const latin1 = ordered.map((v) => Buffer.from(v, 'utf8').toString('latin1'));
  const entries = log.entries.map((e): SessionLogEntry => {
    if (e.text !== undefined) {
      const text = replaceAll(e.text, ordered);
      return text === e.text ? e : { ...e, text };
    }
    const bytes = Buffer.from(decodeBase64(e.base64 ?? '', { alphabet: 'standard' })).toString('latin1');
    const redacted = replaceAll(bytes, latin1);
    return redacted === bytes ? e : { ...e, base64: encodeBase64(Buffer.from(redacted, 'latin1')) };
  });
  return { ...log, entries };
}

/** The session file of one recorded run of `test`. */
export function recordedRunSession(session: Session, test: SessionTest, log: SessionLog): Session {
  const { log: _old, tests: _tests, ...rest } = session;
  return { ...rest, name: `${session.name ?? 'session'}: ${test.name} (recorded run)`, tests: [test], log };
}

/** A file name for a recorded run: the session's and the test's names, made safe for any file system. */
export function recordedRunFileName(sessionFile: string, testName: string): string {
  const base = sessionFile.replace(/^.*[/\\]/, '').replace(/\.socket-session\.json$/, '');
  const safe = `${base}--${testName}`
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 160);
  return `${safe || 'test'}.socket-session.json`;
}
