// Text with its control and invisible characters drawn as muted escapes (`\r\n`, `\0`, `\u202E`;
// shared/codecs/controlEscapes.ts), as log rows, the Text tab and every other place that shows the peer's
// text (headers, close reasons, certificates, the Decoded tab) draw them: plain ASCII in a span, not a
// font's control pictures, and one-to-one, so Copy gives back the characters. Attributes (a title, an
// aria-label) and options hold no elements: there visibleText spells the same escapes plainly.
import { hasControls, splitControls, unescapeControls } from '../shared/codecs/controlEscapes';
import { h, type ElementProps } from './domBuilder';

/** Class of an escape's element: muted (base.css), read back as its characters by selectedText. */
export const ESCAPE_CLASS = 'text-escape';

/**
 * Escape runs drawn as spans in a one-line preview at most (a preview is already cut short): the rest
 * is one text node with its escapes spelled the same, so a preview is at most 2 × this + 1 nodes.
 */
export const PREVIEW_ESCAPE_RUNS = 32;

/** The nodes of `text`: plain text as strings, a run of controls as one muted span (at most `maxRuns` spans). */
export function escapedNodes(text: string, maxRuns?: number): (Node | string)[] {
  return splitControls(text, maxRuns).map((piece) => (piece.control ? h('span', { className: ESCAPE_CLASS, text: piece.text }) : piece.text));
}

/**
 * Shows `text` in `el` as escapedNodes does, replacing what it held. Text without control characters
 * (the common case, and the path a recycled tree line takes while scrolling) stays one text node, set
 * only when it changed; an element that held escape spans is redrawn even if its text reads the same,
 * since a real backslash-r must not stay muted.
 */
export function setEscapedText(el: HTMLElement, text: string, maxRuns?: number): void {
  if (!hasControls(text)) {
    if (el.firstElementChild !== null || el.textContent !== text) el.textContent = text;
    return;
  }
  el.replaceChildren(...escapedNodes(text, maxRuns));
}

/** An element holding `text` with its control characters drawn as muted escapes. */
export function escapedElement<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps, text: string, maxRuns?: number): HTMLElementTagNameMap[K] {
  return hasControls(text) ? h(tag, props, escapedNodes(text, maxRuns)) : h(tag, { ...props, text });
}

/**
 * The text of a selection: escapes become the characters they stand for, other text stays as shown.
 * `between` gives what goes between two text nodes (a log row's break); nothing by default.
 */
export function selectedText(range: Range, between?: (previous: Node, next: Node) => string): string {
  const root = range.commonAncestorContainer;
  let out = '';
  let escape: Element | undefined;
  let previous: Node | undefined;
  const take = (node: Node): void => {
    if (previous && between) out += between(previous, node);
    previous = node;
    const parent = node.parentElement;
    if (parent?.classList.contains(ESCAPE_CLASS)) {
      // Part of an escape selected stands for the whole run: `\r\n` half selected is still a line break.
      if (parent !== escape) out += unescapeControls(parent.textContent ?? '');
      escape = parent;
      return;
    }
    const text = node.nodeValue ?? '';
    const from = node === range.startContainer ? range.startOffset : 0;
    const to = node === range.endContainer ? range.endOffset : text.length;
    out += text.slice(from, to);
  };
  if (root.nodeType === Node.TEXT_NODE) {
    take(root);
    return out;
  }
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (range.intersectsNode(node)) take(node);
  }
  return out;
}

/** Whether a selection holds an escape (else the browser's own Copy is right). */
export function selectionHasEscapes(selection: Selection): boolean {
  for (let i = 0; i < selection.rangeCount; i++) {
    const range = selection.getRangeAt(i);
    const root = range.commonAncestorContainer;
    if (root.nodeType !== Node.ELEMENT_NODE) {
      if (root.parentElement?.classList.contains(ESCAPE_CLASS)) return true;
      continue;
    }
    for (const el of (root as Element).getElementsByClassName(ESCAPE_CLASS)) if (range.intersectsNode(el)) return true;
  }
  return false;
}

/** Between two text nodes of a copied page part: a line break between lines (table rows, blocks), a tab between cells. */
function blockBreak(previous: Node, next: Node): string {
  const line = (n: Node): Element | null | undefined => n.parentElement?.closest('tr, li, div, pre, p, h3, section');
  if (line(previous) !== line(next)) return '\n';
  const cell = (n: Node): Element | null | undefined => n.parentElement?.closest('td, th');
  return cell(previous) === cell(next) ? '' : '\t';
}

/**
 * Copy anywhere in the page whose selection holds escapes (a header value, a close reason, a decoded
 * value): the characters they stand for. Views with their own Copy (the log, the Text tab) have taken
 * the event before it reaches here; without escapes the browser copies what it shows.
 */
export function copyEscapes(e: ClipboardEvent): void {
  if (e.defaultPrevented || !e.clipboardData) return;
  const selection = document.getSelection();
  if (!selection || !selectionHasEscapes(selection)) return;
  let text = '';
  for (let i = 0; i < selection.rangeCount; i++) text += selectedText(selection.getRangeAt(i), blockBreak);
  e.clipboardData.setData('text/plain', text);
  e.preventDefault();
}
