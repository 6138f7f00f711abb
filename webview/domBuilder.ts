// A tiny element builder. It has no way to set HTML: text only ever goes in through textContent, so
// nothing that came from the network can become markup.

/** Attributes and properties for {@link h}. */
export interface ElementProps {
  readonly className?: string;
  /** data-testid, the stable hook for tests (docs/testing.md). */
  readonly testId?: string;
  readonly text?: string;
  readonly title?: string;
  readonly attrs?: Readonly<Record<string, string>>;
}

/** Creates an element with props and children (elements or text). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  children: ReadonlyArray<Node | string | undefined> = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.testId) el.dataset.testid = props.testId;
  if (props.title) el.title = props.title;
  if (props.attrs) for (const [k, v] of Object.entries(props.attrs)) el.setAttribute(k, v);
  if (props.text !== undefined) el.textContent = props.text;
  for (const child of children) {
    if (child === undefined) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

/** A custom element (a vscode-elements component) by tag name, with attributes. */
export function customElement<T extends HTMLElement>(tag: string, attrs: Readonly<Record<string, string>> = {}): T {
  const el = document.createElement(tag) as T;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** A vscode-button: `secondary` for the quieter style, an optional codicon. */
export function button(label: string, onClick: () => void, secondary: boolean, iconName?: string): HTMLElement {
  const b = customElement('vscode-button');
  if (secondary) b.setAttribute('secondary', '');
  if (iconName) b.setAttribute('icon', iconName);
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

/** A vscode-option for a vscode-single-select. */
export function option(value: string, label: string): HTMLElement {
  const o = customElement('vscode-option', { value });
  o.textContent = label;
  return o;
}

/** A codicon as a span (the font comes from codicon.css). */
export function icon(name: string, className = ''): HTMLSpanElement {
  return h('span', { className: `codicon codicon-${name}${className ? ' ' + className : ''}`, attrs: { 'aria-hidden': 'true' } });
}

/** Sets textContent only when it changed (cheap to call every frame). */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Removes every child. */
export function clear(el: Element): void {
  el.replaceChildren();
}
