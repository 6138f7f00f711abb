// A collapsible JSON tree. Nodes are rendered only when expanded, so a multi-megabyte document opens at
// once; keys and scalars go into the DOM as text only.
import { h } from './domBuilder';
import type { JsonNode } from './jsonParse';
import { t } from './l10n';

/** Children rendered per "show more" step. */
const CHUNK = 500;
/** Containers at this depth or less open by themselves when not larger than AUTO_OPEN_SIZE. */
const AUTO_OPEN_DEPTH = 2;
const AUTO_OPEN_SIZE = 200;

function sizeOf(node: JsonNode): number {
  return node.kind === 'object' ? node.entries.length : node.kind === 'array' ? node.items.length : 0;
}

function keyLabel(rawKey: string): string {
  try {
    return JSON.parse(rawKey) as string;
  } catch {
    return rawKey;
  }
}

function scalar(node: JsonNode & { raw: string }): HTMLSpanElement {
  const cls = node.kind === 'string' ? 'json-string' : node.kind === 'number' ? 'json-number' : node.raw === 'null' ? 'json-null' : 'json-boolean';
  return h('span', { className: cls, text: node.raw });
}

function keyElement(key: string | undefined): Node[] {
  return key === undefined ? [] : [h('span', { className: 'json-key', text: key }), h('span', { className: 'json-punct', text: ': ' })];
}

function renderChildren(node: JsonNode, container: HTMLElement, depth: number, from: number): void {
  const total = sizeOf(node);
  const to = Math.min(total, from + CHUNK);
  const fragment = document.createDocumentFragment();
  for (let k = from; k < to; k++) {
    if (node.kind === 'object') {
      const [rawKey, value] = node.entries[k]!;
      fragment.append(renderNode(value, keyLabel(rawKey), depth + 1));
    } else if (node.kind === 'array') {
      fragment.append(renderNode(node.items[k]!, String(k), depth + 1));
    }
  }
  if (to < total) {
    const more = h('button', { className: 'json-more link-button', text: t('Show {0} more ({1} not shown)', Math.min(CHUNK, total - to), total - to) });
    more.addEventListener('click', () => {
      more.remove();
      renderChildren(node, container, depth, to);
    });
    fragment.append(more);
  }
  container.append(fragment);
}

/** Renders a node (and, lazily, its children) as DOM; keys and scalars are text nodes only. */
export function renderNode(node: JsonNode, key: string | undefined, depth = 0): HTMLElement {
  if (node.kind !== 'object' && node.kind !== 'array') {
    return h('div', { className: 'json-leaf' }, [...keyElement(key), scalar(node)]);
  }
  const size = sizeOf(node);
  const [open, close] = node.kind === 'object' ? ['{', '}'] : ['[', ']'];
  if (size === 0) {
    return h('div', { className: 'json-leaf' }, [...keyElement(key), h('span', { className: 'json-punct', text: open + close })]);
  }
  const summary = h('summary', { className: 'json-summary' }, [
    ...keyElement(key),
    h('span', { className: 'json-punct', text: open }),
    h('span', { className: 'json-count', text: node.kind === 'object' ? (size === 1 ? t('1 key') : t('{0} keys', size)) : size === 1 ? t('1 item') : t('{0} items', size) }),
    h('span', { className: 'json-punct json-close-inline', text: close }),
  ]);
  const children = h('div', { className: 'json-children' });
  const details = h('details', { className: 'json-node' }, [summary, children, h('div', { className: 'json-punct json-close', text: close })]);
  let rendered = false;
  const renderOnce = (): void => {
    if (rendered) return;
    rendered = true;
    renderChildren(node, children, depth, 0);
  };
  details.addEventListener('toggle', () => {
    if (details.open) renderOnce();
  });
  if (depth < AUTO_OPEN_DEPTH && size <= AUTO_OPEN_SIZE) {
    renderOnce();
    details.open = true;
  }
  return details;
}
