// How much of a large message the tree shows. A 1 MiB payload can hold a million numbers; the Decoded
// tab needs the first screens of it, not a million nodes. Every value is still read (so errors and
// counts are right); past the limits a container ends in one `n more` node.
import type { DecodedNode } from '../../../../shared/decode/decoded';

/** Most nodes in one message's tree. */
export const MAX_TREE_NODES = 10_000;
/** Most children shown under one node. */
export const MAX_CHILDREN_SHOWN = 1_000;
/** Bytes values show at most this many bytes as hex. */
export const MAX_VALUE_BYTES = 1_024;
/** String values show at most this many characters. */
export const MAX_VALUE_CHARS = 4_096;

/** Hands out the nodes of one tree. */
export class TreeBudget {
  private left = MAX_TREE_NODES;

  /**
   * Builds the nodes of `items` while the budget lasts, at most MAX_CHILDREN_SHOWN of them; the rest
   * become one `n more` node covering their bytes (`span` gives an item's [offset, end)).
   */
  children<T>(
    items: readonly T[],
    build: (item: T, index: number) => DecodedNode,
    span: (item: T) => readonly [number, number],
  ): DecodedNode[] {
    const out: DecodedNode[] = [];
    for (let i = 0; i < items.length; i++) {
      if (i >= MAX_CHILDREN_SHOWN || this.left <= 0) {
        const offset = span(items[i]!)[0];
        const end = span(items[items.length - 1]!)[1];
        out.push({ key: '…', type: 'more', value: `${items.length - i} more`, offset, length: end - offset });
        break;
      }
      this.left--;
      out.push(build(items[i]!, i));
    }
    return out;
  }
}

/** A string as the tree shows it: JSON-quoted, cut at MAX_VALUE_CHARS with the full length after. */
export function quoteClipped(text: string, max = MAX_VALUE_CHARS): string {
  if (text.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, max))}… (${text.length} chars)`;
}
