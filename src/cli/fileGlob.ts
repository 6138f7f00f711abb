// The CLI's own glob expansion (`tests/**/*.socket-session.json`): shells on Windows do not expand
// patterns, a quoted pattern reaches us as written, and Node 20 has no fs.glob. Supports `**` (any
// number of folders), `*` and `?` within a name, `{a,b}` and `[abc]`; walks only below the pattern's
// fixed leading folders and skips node_modules and dot-folders unless the pattern names them.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

const GLOB_CHARS = /[*?[{]/;

/** A regular expression for one glob, matched against a path with `/` separators. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:[^/]*(?:/|$))*' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) out += '\\{';
      else {
        out += `(?:${glob
          .slice(i + 1, close)
          .split(',')
          .map((alt) => globToRegExp(alt).source.slice(1, -1))
          .join('|')})`;
        i = close;
      }
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else out += /[.+^$()|\\]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${out}$`);
}

function walk(dir: string, visit: (path: string) => void, keepHidden: boolean): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!keepHidden && (e.name === 'node_modules' || e.name.startsWith('.'))) continue;
      walk(path, visit, keepHidden);
    } else if (e.isFile() || e.isSymbolicLink()) visit(path);
  }
}

/**
 * The files `pattern` names, relative to `cwd` as given (or absolute when the pattern is), sorted. A
 * pattern without glob characters names a file, or a folder: then every `suffix` file below it.
 */
export function expandGlob(pattern: string, cwd: string, suffix: string): string[] {
  const normalized = pattern.split(sep).join('/');
  const absolute = isAbsolute(pattern);
  const show = (path: string) => (absolute ? path : relative(cwd, path).split(sep).join('/'));
  if (!GLOB_CHARS.test(normalized)) {
    const path = resolve(cwd, normalized);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return [];
    }
    if (stat.isFile()) return [show(path)];
    const found: string[] = [];
    walk(path, (p) => p.endsWith(suffix) && found.push(show(p)), false);
    return found;
  }
  const parts = normalized.split('/');
  const fixed: string[] = [];
  while (parts.length > 1 && !GLOB_CHARS.test(parts[0]!)) fixed.push(parts.shift()!);
  const base = resolve(cwd, fixed.join('/') || '.');
  const rest = parts.join('/');
  const re = globToRegExp(rest);
  const keepHidden = /(^|\/)(\.|node_modules)/.test(rest);
  const found: string[] = [];
  walk(base, (p) => re.test(relative(base, p).split(sep).join('/')) && found.push(show(p)), keepHidden);
  return found;
}
