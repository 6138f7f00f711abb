// The JSON tab's content: a tree for a payload that parses as a JSON document, or, for a payload too big
// to fetch whole that looks like one, a sentence saying why there is no tree and what to do instead.
import { clear, h } from './domBuilder';
import { formatBytes } from './entryFormat';
import { parseJsonTree } from './jsonParse';
import { renderNode } from './jsonTree';

const utf8 = new TextDecoder('utf-8');

/** The tree of `bytes` when they are a JSON object or array; undefined otherwise. */
function jsonTree(bytes: Uint8Array): HTMLElement | undefined {
  const text = utf8.decode(bytes);
  const first = text.trimStart()[0];
  // Only documents (objects and arrays) get a tree; "42" or "true" parse but gain nothing from one.
  if (first !== '{' && first !== '[') return undefined;
  try {
    JSON.parse(text);
    return h('div', { className: 'json-tree', testId: 'detail-json' }, [renderNode(parseJsonTree(text), undefined)]);
  } catch {
    return undefined;
  }
}

/** Whether the prefix starts like a JSON document (after white space). */
function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes.subarray(0, 1024)) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b || b === 0x5b; // { or [
  }
  return false;
}

/**
 * Fills `panel` for a payload of `length` bytes of which `bytes` were fetched (at most `limit`); returns
 * whether the JSON tab applies.
 */
export function renderJsonTab(panel: HTMLElement, bytes: Uint8Array, length: number, limit: number): boolean {
  clear(panel);
  if (bytes.length === 0) return false;
  if (length > bytes.length) {
    if (!looksLikeJson(bytes)) return false;
    panel.append(
      h('div', {
        className: 'muted placeholder',
        testId: 'detail-json-too-big',
        text:
          `This payload looks like JSON but is ${formatBytes(length)}, over the ${formatBytes(limit)} the detail pane fetches, ` +
          'so it is not parsed. Save… writes the whole payload to a file to open in an editor; ' +
          'a payload codec or protocol layer reads it on the Decoded tab.',
      }),
    );
    return true;
  }
  const tree = jsonTree(bytes);
  if (tree) panel.append(tree);
  return tree !== undefined;
}
