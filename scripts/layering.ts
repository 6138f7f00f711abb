// The layer rule (docs/architecture.md), checked on every import: a file's folder says what it may import.
// test/unit/layering.test.ts runs it in `npm test`; `node --import tsx scripts/layering.ts` prints the
// violations of the working tree. Imports are read with TypeScript's own scanner (static and type-only
// imports, `export … from`, `import()`, `require()`), so comments and strings that look like imports do not count.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The layers, innermost first. A file belongs to the first whose folder holds it. */
export type Layer = 'shared' | 'webview' | 'core' | 'panel' | 'vscode' | 'cli';

const LAYER_FOLDERS: ReadonlyArray<readonly [Layer, string]> = [
  ['shared', 'shared/'],
  ['webview', 'webview/'],
  ['core', 'src/core/'],
  ['panel', 'src/panel/'],
  ['vscode', 'src/vscode/'],
  ['cli', 'src/cli/'],
];

/** Which layers each layer may import from (its own included). */
const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  shared: ['shared'],
  webview: ['webview', 'shared'],
  core: ['core', 'shared'],
  panel: ['panel', 'core', 'shared'],
  vscode: ['vscode', 'panel', 'core', 'shared'],
  cli: ['cli', 'core', 'shared'],
};

/** One import that breaks the rule. */
export interface Violation {
  /** The importing file, relative to the root, with forward slashes. */
  readonly file: string;
  /** 1-based line of the import. */
  readonly line: number;
  readonly specifier: string;
  /** Why it is not allowed, in words. */
  readonly reason: string;
}

/** The layer of a root-relative path, or undefined outside every layer. */
export function layerOf(path: string): Layer | undefined {
  return LAYER_FOLDERS.find(([, folder]) => path.startsWith(folder))?.[0];
}

const nodeBuiltins = new Set(builtinModules);
const isNodeBuiltin = (specifier: string) => specifier.startsWith('node:') || nodeBuiltins.has(specifier.split('/')[0]!);

/** Why `specifier`, imported by `file` (root-relative), breaks the rule; undefined when it does not. */
export function importProblem(file: string, specifier: string): string | undefined {
  const from = layerOf(file);
  if (from === undefined) return undefined;
  if (specifier.startsWith('.')) {
    const target = posix.normalize(posix.join(posix.dirname(file), specifier));
    const to = layerOf(target);
    if (to === undefined) return `${from} imports ${target}, which is in no layer`;
    return MAY_IMPORT[from].includes(to) ? undefined : `${from} may not import ${to} (${target})`;
  }
  if (specifier === 'vscode') return from === 'vscode' ? undefined : `only src/vscode/ may import vscode`;
  if (from === 'shared') return `shared/ runs on both sides and imports nothing outside itself`;
  if (from === 'webview' && isNodeBuiltin(specifier)) return `the webview runs in a browser: no Node built-ins`;
  return undefined;
}

/** Every import in one file's text that breaks the rule; `file` is root-relative. */
export function checkSource(file: string, text: string): Violation[] {
  const found: Violation[] = [];
  const { importedFiles } = ts.preProcessFile(text, true, true);
  for (const { fileName, pos } of importedFiles) {
    const reason = importProblem(file, fileName);
    if (reason === undefined) continue;
    const line = text.slice(0, pos).split('\n').length;
    found.push({ file, line, specifier: fileName, reason });
  }
  return found;
}

/** Every source file under src/, shared/ and webview/ of `root`, root-relative with forward slashes. */
export function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (/\.(ts|mts|cts|tsx)$/.test(entry.name)) files.push(relative(root, path).split(sep).join('/'));
    }
  };
  for (const top of ['src', 'shared', 'webview']) walk(join(root, top));
  return files.sort();
}

/** Every violation under `root`, including source files under src/ that sit in no layer. */
export function checkLayers(root: string): Violation[] {
  const found: Violation[] = [];
  for (const file of sourceFiles(root)) {
    if (layerOf(file) === undefined) {
      found.push({ file, line: 1, specifier: '', reason: 'a source file outside src/core, src/panel, src/vscode and src/cli has no layer' });
      continue;
    }
    found.push(...checkSource(file, readFileSync(join(root, file), 'utf8')));
  }
  return found;
}

/** `file:line: reason ('specifier')`, the way editors link it. */
export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}: ${v.reason}${v.specifier ? ` ('${v.specifier}')` : ''}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(import.meta.url), '..', '..');
  const violations = checkLayers(root);
  for (const v of violations) console.error(formatViolation(v));
  console.log(violations.length ? `${violations.length} layer violations` : 'layers: no violations');
  process.exit(violations.length ? 1 : 0);
}
