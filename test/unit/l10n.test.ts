// Localization: the manifest's user-facing strings live in package.nls.json, the host's in
// vscode.l10n.t calls whose messages make up l10n/bundle.l10n.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { BUNDLE_PATH, bundleText, collectMessages, hostSourceFiles, isL10nCall, isWebviewFile, parseSource, webviewSourceFiles } from '../../scripts/l10nExtract.mjs';
import { bareLiterals, EXEMPTIONS, webviewProgram } from '../support/webviewText';

const root = join(__dirname, '..', '..');
const manifestText = readFileSync(join(root, 'package.json'), 'utf8');
const manifest = JSON.parse(manifestText) as Manifest;
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

interface Manifest {
  displayName: string;
  description: string;
  l10n?: string;
  capabilities: { untrustedWorkspaces: { description: string } };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    customEditors: { viewType: string; displayName: string }[];
    configuration: {
      title: string;
      properties: Record<string, { description?: string; markdownDescription?: string; enumDescriptions?: string[] }>;
    };
    views: Record<string, { id: string; name: string; contextualTitle?: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
  };
}

/** Every user-facing string of the manifest, named by where it sits. */
function userFacingManifestStrings(m: Manifest): [where: string, value: string][] {
  const out: [string, string][] = [
    ['displayName', m.displayName],
    ['description', m.description],
    ['capabilities.untrustedWorkspaces.description', m.capabilities.untrustedWorkspaces.description],
    ['configuration.title', m.contributes.configuration.title],
  ];
  for (const c of m.contributes.commands) {
    out.push([`${c.command} title`, c.title]);
    if (c.category !== undefined) out.push([`${c.command} category`, c.category]);
  }
  for (const e of m.contributes.customEditors) out.push([`${e.viewType} displayName`, e.displayName]);
  for (const [name, p] of Object.entries(m.contributes.configuration.properties)) {
    if (p.description !== undefined) out.push([`${name} description`, p.description]);
    if (p.markdownDescription !== undefined) out.push([`${name} markdownDescription`, p.markdownDescription]);
    p.enumDescriptions?.forEach((d, i) => out.push([`${name} enumDescriptions[${i}]`, d]));
  }
  for (const v of Object.values(m.contributes.views).flat()) {
    out.push([`${v.id} name`, v.name]);
    if (v.contextualTitle !== undefined) out.push([`${v.id} contextualTitle`, v.contextualTitle]);
  }
  for (const w of m.contributes.viewsWelcome) out.push([`${w.view} welcome`, w.contents]);
  return out;
}

const NLS_REF = /^%([^%\s]+)%$/;

describe('package.nls.json', () => {
  it('holds every %key% package.json uses, and package.json uses every key', () => {
    const used = new Set([...manifestText.matchAll(/"%([^%"\s]+)%"/g)].map((m) => m[1]!));
    assert.ok(used.size > 0, 'package.json refers to no nls key');
    const missing = [...used].filter((key) => typeof nls[key] !== 'string' || nls[key] === '');
    assert.deepEqual(missing, [], 'keys missing from package.nls.json');
    const unused = Object.keys(nls).filter((key) => !used.has(key));
    assert.deepEqual(unused, [], 'keys of package.nls.json that package.json never uses');
  });

  it('leaves no user-facing manifest string literal', () => {
    const strings = userFacingManifestStrings(manifest);
    assert.ok(strings.length > 30, `only ${strings.length} user-facing strings found`);
    const literal = strings.filter(([, value]) => !NLS_REF.test(value)).map(([where, value]) => `${where}: ${value}`);
    assert.deepEqual(literal, []);
  });

  it('keeps the English of the palette category and the extension name', () => {
    assert.equal(nls['command.category'], 'Socket Inspector');
    assert.equal(nls['extension.displayName'], 'Socket Inspector');
  });
});

describe('l10n/bundle.l10n.json', () => {
  it('is where package.json says the bundles are', () => {
    assert.equal(manifest.l10n, './l10n');
  });

  it('matches the vscode.l10n.t messages of the host sources (node scripts/l10nExtract.mjs rewrites it)', () => {
    const { messages, problems } = collectMessages();
    assert.deepEqual(problems, []);
    assert.ok(messages.length > 50, `only ${messages.length} messages found`);
    const bundle = JSON.parse(readFileSync(BUNDLE_PATH, 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(bundle).filter((k) => !messages.includes(k)), [], 'bundle messages no source uses');
    assert.deepEqual(messages.filter((m) => !(m in bundle)), [], 'source messages missing from the bundle');
    assert.equal(readFileSync(BUNDLE_PATH, 'utf8'), bundleText(messages));
  });

  it('gives every {n} placeholder an argument', () => {
    const wrong: string[] = [];
    for (const file of [...hostSourceFiles(), ...webviewSourceFiles()]) {
      walk(parseSource(file), (node) => {
        if (!isL10nCall(node, isWebviewFile(file))) return;
        const message = node.arguments[0];
        if (!message || !ts.isStringLiteralLike(message)) return;
        const indices = [...message.text.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1]));
        const needed = indices.length === 0 ? 0 : Math.max(...indices) + 1;
        if (node.arguments.length - 1 !== needed) wrong.push(`${where(node)}: "${message.text}" has ${node.arguments.length - 1} arguments for ${needed} placeholders`);
      });
    }
    assert.deepEqual(wrong, []);
  });
});

/** Calls whose first argument is a message shown to the user. */
const MESSAGE_CALLS = new Set(['showInformationMessage', 'showWarningMessage', 'showErrorMessage', 'setStatusBarMessage']);
/** Calls whose (nested) option objects and items hold user-facing text. */
const OPTION_CALLS = new Set(['showInputBox', 'showQuickPick', 'showSaveDialog', 'showOpenDialog', 'withProgress', 'createWebviewPanel', 'showWarningMessage', 'showInformationMessage', 'showErrorMessage']);
/** Option properties that a person reads (placeHolder is left out: it shows an example address, not words). */
const TEXT_PROPERTIES = new Set(['title', 'prompt', 'label', 'description', 'detail', 'openLabel', 'saveLabel', 'tooltip']);

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

function where(node: ts.Node): string {
  const source = node.getSourceFile();
  return `${relative(root, source.fileName)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
}

/** True when an expression is, or can evaluate to, English words written in the source rather than a translation. */
function isBareText(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node)) return isBareText(node.expression);
  if (ts.isConditionalExpression(node)) return isBareText(node.whenTrue) || isBareText(node.whenFalse);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return isBareText(node.left) || isBareText(node.right);
  const words = (text: string) => /[A-Za-z]/.test(text.replace(/\$\([a-z-]+\)/g, ''));
  if (ts.isStringLiteralLike(node)) return words(node.text);
  if (ts.isTemplateExpression(node)) return words(node.head.text) || node.templateSpans.some((s) => words(s.literal.text));
  return false;
}

/** Every bare user-facing string of a source: messages, prompts, titles, labels, tree item labels. */
function bareStrings(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const checkOptions = (node: ts.Node) =>
    walk(node, (inner) => {
      if (ts.isPropertyAssignment(inner) && ts.isIdentifier(inner.name) && TEXT_PROPERTIES.has(inner.name.text) && isBareText(inner.initializer)) {
        found.push(`${where(inner)}: ${inner.name.text}: ${inner.initializer.getText()}`);
      }
    });
  walk(source, (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name.text;
      const [first, ...rest] = node.arguments;
      if (MESSAGE_CALLS.has(name) && first && isBareText(first)) found.push(`${where(node)}: ${name}(${first.getText()})`);
      if (OPTION_CALLS.has(name)) for (const arg of node.arguments) checkOptions(arg);
      // Modal buttons: the extra string arguments of showXMessage.
      if (MESSAGE_CALLS.has(name) && name !== 'setStatusBarMessage') {
        for (const arg of rest) if (isBareText(arg)) found.push(`${where(arg)}: ${name} button ${arg.getText()}`);
      }
    }
    if (ts.isNewExpression(node) && node.expression.getText() === 'vscode.TreeItem' && node.arguments?.[0] && isBareText(node.arguments[0])) {
      found.push(`${where(node)}: TreeItem(${node.arguments[0].getText()})`);
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) {
      const property = node.left.name.text;
      if (['title', 'label', 'description', 'tooltip', 'text'].includes(property) && isBareText(node.right)) {
        found.push(`${where(node)}: .${property} = ${node.right.getText()}`);
      }
    }
    // A host-made error is shown to the user by reportError.
    if (ts.isNewExpression(node) && node.expression.getText() === 'Error' && node.arguments?.[0] && isBareText(node.arguments[0])) {
      found.push(`${where(node)}: new Error(${node.arguments[0].getText()})`);
    }
  });
  return found;
}

/** Host files whose strings are not shown to a user as such. */
const NOT_USER_FACING = new Set([
  // Thrown on a programming error (an id that was just listed), never expected to reach a person.
  'src/core/connection/connectionRegistry.ts',
]);

describe('host strings', () => {
  it('pass every shown message, prompt, title, label and host-made error through vscode.l10n.t', () => {
    const files = hostSourceFiles().filter((file) => readFileSync(file, 'utf8').includes("from 'vscode'") && !NOT_USER_FACING.has(relative(root, file)));
    assert.ok(files.length >= 10, `only ${files.length} host files import vscode`);
    const bare = files.flatMap((file) => bareStrings(parseSource(file)));
    assert.deepEqual(bare, []);
  });

  it('the check finds the bare strings it is meant to find', () => {
    const source = ts.createSourceFile(
      'probe.ts',
      [
        "void vscode.window.showInformationMessage('Socket Inspector: done.');",
        'void vscode.window.showErrorMessage(`Failed: ${why}`);',
        "void vscode.window.showInputBox({ title: 'Rename', prompt: vscode.l10n.t('New name') });",
        "void vscode.window.showQuickPick([{ label: 'One', description: vscode.l10n.t('fast') }], { title: vscode.l10n.t('Pick') });",
        "void vscode.window.showWarningMessage(vscode.l10n.t('Delete?'), { modal: true, detail: 'Gone for good.' }, 'Delete');",
        "const item = new vscode.TreeItem(open ? 'Open' : vscode.l10n.t('Closed'));",
        "item.tooltip = 'Click ' + name;",
        "throw new Error('No file.');",
        "void vscode.window.withProgress({ location, title: `Exporting ${n} entries` }, async () => 1);",
        // Not bare: translated, no words, or a variable.
        "void vscode.window.showInformationMessage(vscode.l10n.t('Socket Inspector: {0}', message));",
        "void vscode.window.showQuickPick(items.map((i) => ({ label: i.target, description: `${i.id} · ${i.state}` })), { title });",
        "void vscode.window.showInputBox({ placeHolder: 'ws://localhost:8080/', title: vscode.l10n.t('Connect') });",
        "item.label = `$(plug) ${count}`;",
      ].join('\n'),
      ts.ScriptTarget.Latest,
      true,
    );
    const found = bareStrings(source).map((line) => line.replace(/^probe\.ts:(\d+): .*$/, '$1'));
    assert.deepEqual(found, ['1', '2', '3', '4', '5', '5', '6', '7', '8', '9']);
  });
});

describe('webview strings', () => {
  const files = webviewSourceFiles();
  // One program for the type checker (a literal expected to be one of a union is a protocol word).
  let program: ts.Program | undefined;
  const checked = () => (program ??= webviewProgram(files));
  const bareIn = (file: string) => bareLiterals(checked().getSourceFile(file)!, checked().getTypeChecker(), root);

  it('pass every word a person reads (text, titles, labels, placeholders, messages) through t()', () => {
    assert.ok(files.length >= 40, `only ${files.length} webview files checked`);
    assert.deepEqual(files.flatMap(bareIn), []);
  });

  it('the check finds a planted literal wherever it is shown, and only there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'l10n-probe-'));
    try {
      const probe = join(dir, 'probe.ts');
      writeFileSync(
        probe,
        [
          "declare function t(message: string, ...args: unknown[]): string;",
          "declare function h(tag: string, props?: object, children?: unknown[]): HTMLElement;",
          "declare function button(label: string, onClick: () => void, secondary: boolean, icon?: string): HTMLElement;",
          "declare const el: HTMLElement; declare const n: number; declare const ok: boolean;",
          "type State = 'open' | 'closed';",
          // Bare text, each line once: 6 to 19.
          "el.textContent = 'Planted';",
          "el.title = `Saved ${n} messages`;",
          "el.setAttribute('aria-label', 'Close the panel');",
          "h('span', { text: ok ? t('Yes') : 'No' });",
          "h('input', { attrs: { placeholder: 'Type here' } });",
          "button('Send', () => {}, false, 'send');",
          "const LABELS: Record<State, string> = { open: 'Open', closed: t('Closed') };",
          "function label(count: number): string { return count === 1 ? 'entry' : t('entries'); }",
          "throw new Error('Could not load');",
          "el.append('text node');",
          "const status = `${n} held`;",
          "const parts = [`${n} peer${n === 1 ? '' : 's'}`, t('{0} open', n)];",
          "const seen = new Set<string>(); seen.add('Shown later');",
          "el.textContent = String(n).replace('0', 'none');",
          // Not text: translated, tokens, keys, comparisons, closed sets, units, console.
          "el.textContent = t('Planted {0}', n);",
          "h('span', { className: 'status badge', testId: 'connection-status', attrs: { role: 'status', 'aria-label': t('Status') } });",
          "el.dataset.state = 'open'; el.style.display = 'none'; el.setAttribute('icon', 'debug'); el.classList.toggle('editing', ok);",
          "el.addEventListener('click', () => {}); el.querySelector('vscode-button');",
          "function state(s: string): State { return s === 'open' ? 'open' : 'closed'; }",
          "const unit = `${n} KiB`; const kb = 'MiB'; console.warn('for developers');",
          "const icons = { save: 'save-all' }; const pairs = [['be', t('Big-endian')], ['json', 'JSON']];",
          "const lineId = `decoded-line-${n}-`; const height = `${n}px`; const drawn = ok ? 'o' : 'c'; declare const dt: DataTransfer; dt.setData('text/plain', String(n));",
          "import type { Nothing } from 'some-module';",
        ].join('\n'),
      );
      const probeProgram = webviewProgram([probe]);
      const found = bareLiterals(probeProgram.getSourceFile(probe)!, probeProgram.getTypeChecker(), dir).map((line) => Number(/^probe\.ts:(\d+):/.exec(line)?.[1]));
      assert.deepEqual([...new Set(found)], [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives every exemption a reason', () => {
    for (const [name, reason] of Object.entries(EXEMPTIONS)) assert.ok(reason.length > 10, `${name} needs a reason`);
  });
});
