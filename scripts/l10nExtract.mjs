// Writes l10n/bundle.l10n.json, the English source bundle: every message the host passes to
// vscode.l10n.t and the webview to t() (webview/l10n.ts, which reads the same bundle). Translators copy it to bundle.l10n.<locale>.json. `node scripts/l10nExtract.mjs`;
// `--check` only reports whether the bundle matches the source (test/unit/l10n.test.ts runs the same check).
// Written here rather than with @vscode/l10n-dev so that it needs nothing beyond the installed typescript.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Path of the English source bundle. */
export const BUNDLE_PATH = join(root, 'l10n', 'bundle.l10n.json');

/** The host sources that import vscode: src/vscode/ (src/core and src/panel never do; their messages are engine English). */
export function hostSourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  walk(join(root, 'src', 'vscode'));
  return files.sort();
}

/** The webview's sources (webview/, its own bundle), whose t(…) calls share the host's bundle. */
export function webviewSourceFiles() {
  return readdirSync(join(root, 'webview'))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => join(root, 'webview', name))
    .sort();
}

/** True for a file of the webview, where a bare t(…) is the l10n call. */
export function isWebviewFile(path) {
  return relative(root, path).split(/[\\/]/)[0] === 'webview';
}

/** Parses a TypeScript file. */
export function parseSource(path) {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** The webview's translating functions (webview/l10n.ts). */
const WEBVIEW_L10N_CALLS = new Set(['t', 'tParts']);

/** True for a call of `vscode.l10n.t(…)` (or `l10n.t(…)`); with `bareT`, also the webview's `t(…)` and `tParts(…)`. */
export function isL10nCall(node, bareT = false) {
  if (bareT && ts.isCallExpression(node) && ts.isIdentifier(node.expression) && WEBVIEW_L10N_CALLS.has(node.expression.text)) return true;
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false;
  const callee = node.expression;
  if (callee.name.text !== 't') return false;
  const owner = callee.expression;
  return (ts.isPropertyAccessExpression(owner) && owner.name.text === 'l10n') || (ts.isIdentifier(owner) && owner.text === 'l10n');
}

/**
 * Every vscode.l10n.t message of the host and t() message of the webview, in order of first use. A first argument that is not a
 * plain string literal (a variable, a template with substitutions) cannot be extracted and is listed in `problems`.
 */
export function collectMessages(files = [...hostSourceFiles(), ...webviewSourceFiles()]) {
  const messages = [];
  const problems = [];
  for (const file of files) {
    const source = parseSource(file);
    const bareT = isWebviewFile(file);
    const visit = (node) => {
      if (isL10nCall(node, bareT)) {
        const first = node.arguments[0];
        if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
          if (!messages.includes(first.text)) messages.push(first.text);
        } else {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          problems.push(`${relative(root, file)}:${line + 1}: ${bareT ? 't' : 'vscode.l10n.t'} needs a string literal message`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { messages, problems };
}

/** The bundle's JSON text for the given messages: each message maps to itself, sorted, as l10n-dev writes it. */
export function bundleText(messages) {
  const bundle = {};
  for (const message of [...messages].sort()) bundle[message] = message;
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { messages, problems } = collectMessages();
  for (const problem of problems) console.error(problem);
  const text = bundleText(messages);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(BUNDLE_PATH, 'utf8');
    } catch {}
    if (current !== text || problems.length > 0) {
      console.error('l10n/bundle.l10n.json does not match the source: run node scripts/l10nExtract.mjs');
      process.exit(1);
    }
    console.log(`l10n/bundle.l10n.json: ${messages.length} messages, up to date`);
  } else {
    mkdirSync(dirname(BUNDLE_PATH), { recursive: true });
    writeFileSync(BUNDLE_PATH, text);
    console.log(`wrote l10n/bundle.l10n.json: ${messages.length} messages`);
    if (problems.length > 0) process.exit(1);
  }
}
