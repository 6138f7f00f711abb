// Names of session files: what the Sessions view shows, and what a rename may turn a file into.
const SUFFIX = '.socket-session.json';

/** The name a person sees for a session file: "echo" for "echo.socket-session.json". */
export function sessionDisplayName(fileName: string): string {
  return fileName.endsWith(SUFFIX) ? fileName.slice(0, -SUFFIX.length) : fileName;
}

/**
 * The file name a rename to `input` produces ("staging" → "staging.socket-session.json"), or throws an Error
 * saying why the name cannot be used. The suffix is kept so the file still opens as a session.
 */
export function sessionFileNameFor(input: string): string {
  const name = sessionDisplayName(input.trim());
  if (name === '') throw new Error('A session needs a name.');
  if (/[/\\]/.test(name)) throw new Error('A session name cannot contain "/" or "\\"; it is renamed in its own folder.');
  if (name === '.' || name === '..') throw new Error(`"${name}" is not a file name.`);
  // NUL and the other C0 controls are refused by file systems or make names no one can type back.
  if (/[\u0000-\u001f]/.test(name)) throw new Error('A session name cannot contain control characters.');
  if (Buffer.byteLength(name + SUFFIX, 'utf8') > 255) throw new Error('That name is too long for a file name.');
  return name + SUFFIX;
}
