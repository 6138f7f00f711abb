// Finds the webview's untranslated text: every string literal with a letter in it is suspect unless it
// goes through t() or sits where no person reads it. Deny by default, so a label reached through a
// table, a helper's return value or a ternary is caught as surely as `el.textContent = 'Open'`; the
// places that are not text are the EXEMPTIONS below, one rule each, with the reason.
import { relative } from 'node:path';
import ts from 'typescript';

/** Attributes and properties whose value a person reads (or a screen reader says). */
export const TEXT_ATTRIBUTES = new Set([
  'title', 'aria-label', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'aria-placeholder', 'placeholder', 'label', 'alt',
]);
const TEXT_PROPERTIES = new Set(['text', 'textContent', 'innerText', 'title', 'placeholder', 'label', 'ariaLabel', 'ariaDescription', 'ariaRoleDescription', 'ariaValueText', 'alt']);

/** Calls whose arguments at these positions are tokens (tag, event, selector, attribute, class, icon names). */
const TOKEN_ARGUMENTS: Readonly<Record<string, readonly number[]>> = {
  createElement: [0], customElement: [0], h: [0], icon: [0, 1], closest: [0], matches: [0],
  addEventListener: [0], removeEventListener: [0], dispatchEvent: [0], querySelector: [0], querySelectorAll: [0], getElementById: [0],
  getAttribute: [0], hasAttribute: [0], removeAttribute: [0], toggleAttribute: [0], setProperty: [0, 1], getPropertyValue: [0],
  option: [0], attachShadow: [0],
  // button(label, onClick, secondary, icon) of domBuilder, and the panels' own button(label, testId, onClick, icon).
  button: [1, 3], toolbarButton: [0],
  // A locale tag.
  NumberFormat: [0], toLocaleString: [0],
  // A MIME type of the clipboard.
  setData: [0],
};

/** classList methods: their arguments are CSS classes (only on `….classList`, not Set.add or String.replace). */
const CLASS_LIST_METHODS = new Set(['add', 'remove', 'toggle', 'contains', 'replace']);

/** Calls whose object-literal arguments map attribute names to values (only TEXT_ATTRIBUTES hold words). */
const ATTRIBUTE_MAP_CALLS = new Set(['customElement', 'element']);

/** Names of constants and functions that hold or return only CSS selectors or codicon names. */
const TOKEN_HOLDER_NAME = /(SELECTOR|Selector|FOCUSABLE|ICONS?|Icons?)$/;

/** Properties (assigned or in an object literal) whose value is a token, never words. */
// `value` is a select's option key (a person reads the option's label) or the user's own input.
const TOKEN_PROPERTIES = new Set(['className', 'testId', 'id', 'icon', 'role', 'type', 'kind', 'tag', 'slot', 'value', 'inputMode', 'autocomplete', 'cursor', 'display']);

/**
 * Literal values shown as they are in every language: units, protocol and codec names, the product's
 * name. Translators could not change them without breaking what they stand for.
 */
export const UNTRANSLATED_WORDS = new Set([
  // Units.
  'B', 'KiB', 'MiB', 'GiB', 'TiB', 'ms', 's', 'min', 'h', 'msg/s',
  // The CSS unit of a computed length (`${n}px`).
  'px',
  // Protocol, codec and algorithm names and RFC field names, and the short codec tags of the log's Decoded column.
  'TCP', 'TLS', 'WebSocket', 'Socket.IO', 'MQTT', 'STOMP', 'JSON', 'CBOR', 'MessagePack', 'Protobuf', 'UTF-8', 'ASCII', 'Base64', 'RTT',
  'FIN', 'RSV1', 'RSV2', 'RSV3', 'MASK', 'ALPN', 'SHA-256', 'SHA-1', 'QoS', 'QoS 0', 'QoS 1', 'QoS 2', 'SIO', 'MP', 'PB',
  // Example inputs in the protocols' own syntax (placeholders): what a user would type, not words.
  'SGVsbG8=', 'sensors/1', 'sensors/#', '/queue/test', 'event:chat', 'topic:sensors/#', 'destination:/topic/prices', 'id',
  '{"contentType": "application/json"}', '["hello", {"room": 1}]',
  // The product's name.
  'Socket Inspector',
]);

/** The exemption rules, by name, each with why such a literal is not text for a person. */
export const EXEMPTIONS: Readonly<Record<string, string>> = {
  translated: 'the message of t(): the bundle translates it',
  module: 'an import or export path',
  type: 'a type, not a value',
  key: 'a property name or a key looked up, not shown',
  comparison: 'compared with (===, case, in), not shown',
  closedSet: 'its expected type is a union of string literals: a protocol word or state from a closed set, never shown as is',
  tokenArgument: 'a tag, event, selector, attribute, CSS class or icon name passed to the DOM or our builders',
  tokenProperty: 'the value of className, data-testid, id, role, icon, type and the like: read by CSS, tests and code',
  dataOrStyle: 'a dataset or style value: read by CSS and tests',
  nonTextAttribute: 'the value of an attribute that is not read as words (role, icon, appearance)',
  kebabCase: 'lower-case-with-hyphens (or a template built of such pieces, `decoded-line-${n}-`): a class, icon, attribute or test id; no message is written that way',
  singleLetter: 'one letter alone: a state code or the glyph a row height is measured with, never a word (one-letter units are UNTRANSLATED_WORDS)',
  hexBytes: 'hex digits: bytes, the same in every language',
  optionValue: 'the one-word value of a [value, label] pair in a list of them, whose label goes through t() (or is exempt itself)',
  tokenHolder: 'inside a constant or function named for selectors or codicons (TOKEN_HOLDER_NAME)',
  untranslatedWord: 'a unit, protocol or codec name (UNTRANSLATED_WORDS), the same in every language',
  console: 'a developer console message, not part of the UI',
};

/** True for a word of UNTRANSLATED_WORDS, alone or with spaces and punctuation around it (`RTT (`, ` KiB`). */
function isUntranslatedWord(part: string): boolean {
  return UNTRANSLATED_WORDS.has(part.trim()) || UNTRANSLATED_WORDS.has(part.replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, ''));
}

export type ExemptionName = keyof typeof EXEMPTIONS;

/** True when the text has a letter (the hex prefix 0x and backslash escapes such as \\r are not words). */
function words(text: string): boolean {
  return /[A-Za-z]/.test(text.replace(/0x/g, '').replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[a-z0-9])/g, ''));
}

/** The literal parts of a string literal or template. */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('\u0000');
  return undefined;
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** True for t(…), tParts(…) and l10n.t(…). */
export function isTranslateCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text === 't' || callee.text === 'tParts';
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 't' && ts.isIdentifier(callee.expression) && callee.expression.text === 'l10n';
}

/** The expression a literal's value ends up as: climbs through parentheses, ternaries, ??, ||, +, templates and casts. */
function valueSite(node: ts.Node): ts.Node {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (
      ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent) || ts.isNonNullExpression(parent) ||
      (ts.isConditionalExpression(parent) && parent.condition !== current) ||
      (ts.isBinaryExpression(parent) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.PlusToken].includes(parent.operatorToken.kind)) ||
      ts.isTemplateSpan(parent) || ts.isTemplateExpression(parent)
    ) {
      current = parent;
      continue;
    }
    return current;
  }
}

function propertyName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name) ? name.text : undefined;
}

/** Why a literal is not text for a person, or undefined when it is bare text. */
export function exemption(literal: ts.Node, text: string, checker: ts.TypeChecker | undefined): ExemptionName | undefined {
  // Each literal part of a template (`${n} KiB`) on its own.
  if (text.split('\u0000').every((part) => !words(part) || isUntranslatedWord(part))) return 'untranslatedWord';
  if (/^-?-?[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(text)) return 'kebabCase';
  if (text.includes('\u0000') && text.includes('-') && text.split('\u0000').every((part) => /^[a-z0-9-]*$/.test(part))) return 'kebabCase';
  if (/^[A-Za-z]$/.test(text)) return 'singleLetter';
  if (/^(0x)?([0-9a-f]{2})+$/i.test(text) && /[0-9]/.test(text)) return 'hexBytes';
  const parent = literal.parent;
  if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent) || ts.isImportTypeNode(parent) || ts.isExternalModuleReference(parent) || ts.isModuleDeclaration(parent)) return 'module';
  if (ts.isLiteralTypeNode(parent)) return 'type';
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === literal) return 'key';
  if (ts.isElementAccessExpression(parent) && parent.argumentExpression === literal) return 'key';
  if (ts.isCaseClause(parent)) return 'comparison';
  const site = valueSite(literal);
  const at = site.parent;
  if (ts.isBinaryExpression(at) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.InKeyword].includes(at.operatorToken.kind)) return 'comparison';
  if ((ts.isCallExpression(at) || ts.isNewExpression(at)) && at.arguments) {
    if (isTranslateCall(at) && at.arguments[0] === site) return 'translated';
    const name = calleeName(at);
    const index = at.arguments.indexOf(site as ts.Expression);
    if (ts.isCallExpression(at) && ts.isPropertyAccessExpression(at.expression) && ts.isIdentifier(at.expression.expression) && at.expression.expression.text === 'console') return 'console';
    if (name === 'setAttribute') return index === 0 ? 'tokenArgument' : isTextAttribute(at.arguments[0]) ? undefined : 'nonTextAttribute';
    if (name !== undefined && TOKEN_ARGUMENTS[name]?.includes(index)) return 'tokenArgument';
    const onClassList = ts.isPropertyAccessExpression(at.expression) && ts.isPropertyAccessExpression(at.expression.expression) && at.expression.expression.name.text === 'classList';
    if (onClassList && name !== undefined && CLASS_LIST_METHODS.has(name)) return 'tokenArgument';
  }
  if (ts.isPropertyAssignment(at) && at.initializer === site) {
    const name = propertyName(at.name);
    if (name !== undefined && TOKEN_PROPERTIES.has(name)) return 'tokenProperty';
    // An attrs object of h() or an attribute map of customElement(): only the attributes a person reads are text.
    const map = at.parent.parent;
    const isAttributeMap = (ts.isPropertyAssignment(map) && propertyName(map.name) === 'attrs') || (ts.isCallExpression(map) && ATTRIBUTE_MAP_CALLS.has(calleeName(map) ?? ''));
    if (name !== undefined && isAttributeMap && !TEXT_ATTRIBUTES.has(name)) return 'nonTextAttribute';
  }
  if (isOptionValue(literal, at, checker)) return 'optionValue';
  if (ts.isBinaryExpression(at) && at.operatorToken.kind === ts.SyntaxKind.EqualsToken && at.right === site && ts.isPropertyAccessExpression(at.left)) {
    const target = at.left;
    if (TOKEN_PROPERTIES.has(target.name.text)) return 'tokenProperty';
    if (ts.isPropertyAccessExpression(target.expression) && ['dataset', 'style'].includes(target.expression.name.text)) return 'dataOrStyle';
  }
  if (checker && isClosedSet(checker, literal)) return 'closedSet';
  if (insideTokenHolder(literal)) return 'tokenHolder';
  return undefined;
}

function insideTokenHolder(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if ((ts.isVariableDeclaration(n) || ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name && ts.isIdentifier(n.name)) return TOKEN_HOLDER_NAME.test(n.name.text);
  }
  return false;
}

/** True for `value` in a list of pairs `[['value', t('Label')], …]`: a one-word value beside its label. */
function isOptionValue(literal: ts.Node, pair: ts.Node, checker: ts.TypeChecker | undefined): boolean {
  return (
    ts.isStringLiteral(literal) && /^[\w.-]+$/.test(literal.text) &&
    ts.isArrayLiteralExpression(pair) && pair.elements.length === 2 && pair.elements[0] === literal &&
    ts.isArrayLiteralExpression(pair.parent) && isLabel(pair.elements[1]!, checker)
  );
}

/** True for a label that is translated, or a literal exempt on its own (a protocol name such as JSON). */
function isLabel(node: ts.Expression, checker: ts.TypeChecker | undefined): boolean {
  if (isTranslateCall(node)) return true;
  const text = literalText(node);
  return text !== undefined && (!words(text) || exemption(node, text, checker) !== undefined);
}

function isTextAttribute(name: ts.Expression | undefined): boolean {
  // An attribute named by a variable may be a text one: checked as text.
  return name === undefined || !ts.isStringLiteralLike(name) || TEXT_ATTRIBUTES.has(name.text);
}

/** True when the literal is expected to be one of a union of string literals (a closed set of words). */
function isClosedSet(checker: ts.TypeChecker, literal: ts.Node): boolean {
  if (!ts.isStringLiteralLike(literal)) return false;
  const expected = checker.getContextualType(literal as ts.Expression);
  if (!expected) return false;
  const parts = expected.isUnion() ? expected.types : [expected];
  // Every part a string literal (undefined and null allowed): a plain `string` anywhere makes it open text.
  return parts.some((p) => p.isStringLiteral()) && parts.every((p) => p.isStringLiteral() || (p.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) !== 0);
}

/** Every bare user-facing literal of `source`, as `file:line: text`. */
export function bareLiterals(source: ts.SourceFile, checker: ts.TypeChecker | undefined, root: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const text = literalText(node);
    if (text !== undefined) {
      if (words(text) && exemption(node, text, checker) === undefined) {
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        found.push(`${relative(root, source.fileName)}:${line}: ${node.getText().slice(0, 80)}`);
      }
      // Substitutions of a template are visited on their own; a literal's insides are not.
      if (!ts.isTemplateExpression(node)) return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A program over the webview's sources with its own compiler options (DOM lib), for the type checker. */
export function webviewProgram(files: readonly string[]): ts.Program {
  return ts.createProgram([...files], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
}
