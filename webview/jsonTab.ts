// The JSON tab's content: a tree for a payload that parses as a JSON document: a small one parsed at once,
// a big one (up to JSON_TREE_LIMIT) read and indexed a slice at a time (jsonPagedView.ts); or, for a payload
// over the limit that looks like one, a sentence saying why there is no tree and what to do instead.
import { MAX_PAYLOAD_LIMIT } from '../shared/protocol';
import { clear, h } from './domBuilder';
import { formatBytes } from './entryFormat';
import { parseJsonTree } from './jsonParse';
import { renderPagedJson, type JsonView } from './jsonPagedView';
import { renderNode } from './jsonTree';
import { t } from './l10n';
import type { PayloadPageFetcher } from './payloadSource';

/** Largest JSON payload given a tree (the host's limit on a payload fetched for the page). */
export const JSON_TREE_LIMIT = MAX_PAYLOAD_LIMIT;
/** Payloads up to this size are parsed at once (a few milliseconds); larger ones a slice at a time. */
export const PARSE_AT_ONCE_BYTES = 256 * 1024;

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

/** A size just over `limit` in bytes when its rounded form would read the same as the limit's ("64 MiB, over the 64 MiB"). */
function sizeOver(length: number, limit: number): string {
  return formatBytes(length) === formatBytes(limit) ? t('{0} bytes', length.toLocaleString('en-US')) : formatBytes(length);
}

/** What renderJsonTab made: whether the tab applies, and the paged tree to dispose when another entry is shown. */
export interface JsonTab {
  readonly available: boolean;
  readonly view?: JsonView;
}

/**
 * Fills `panel` for the payload of entry `seq`, `length` bytes of which `bytes` were fetched; bigger
 * documents fetch the rest through `fetcher` once the tab is shown.
 */
export function renderJsonTab(panel: HTMLElement, seq: number, bytes: Uint8Array, length: number, fetcher: PayloadPageFetcher): JsonTab {
  clear(panel);
  if (bytes.length === 0) return { available: false };
  if (length > PARSE_AT_ONCE_BYTES) {
    if (!looksLikeJson(bytes)) return { available: false };
    if (length <= JSON_TREE_LIMIT) {
      const view = renderPagedJson(seq, length, bytes, fetcher);
      panel.append(view.element);
      return { available: true, view };
    }
    panel.append(
      h('div', {
        className: 'muted placeholder',
        testId: 'detail-json-too-big',
        text:
          t(
            'This payload looks like JSON but is {0}, over the {1} the JSON tab reads, so it is not parsed. Save… writes the whole payload to a file to open in an editor; a payload codec or protocol layer reads it on the Decoded tab.',
            sizeOver(length, JSON_TREE_LIMIT),
            formatBytes(JSON_TREE_LIMIT),
          ),
      }),
    );
    return { available: true };
  }
  const tree = jsonTree(bytes);
  if (tree) panel.append(tree);
  return { available: tree !== undefined };
}
