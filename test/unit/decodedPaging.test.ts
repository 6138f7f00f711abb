// A decoded tree sent in pages (shared/decode/treePaging.ts): the host's DecodedPages answers the first
// screens and then each gap's children; the webview's DecodedLines fills its gap lines with them. Once
// every gap is filled, the lines are the lines of the whole tree, line for line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecodedMessage, DecodedNode } from '../../shared/decode/decoded';
import { CHILD_PAGE_NODES, FIRST_PAGE_NODES, pageChildren } from '../../shared/decode/treePaging';
import { RequestError } from '../../shared/messageHandler';
import { DecodedPages } from '../../src/panel/decodedPages';
import { DecodedLines, type TreeSection } from '../../webview/decodedLines';

function leaf(key: string, value: string): DecodedNode {
  return { key, type: 'int', value };
}

/** An array of `n` records, each a map with an id, a name and a small array of tags. */
function records(n: number, key = ''): DecodedNode {
  const children: DecodedNode[] = [];
  for (let i = 0; i < n; i++) {
    children.push({
      key: String(i),
      type: 'map',
      children: [leaf('id', String(i)), { key: 'name', type: 'str', value: `"r${i}"` }, { key: 'tags', type: 'array', children: [leaf('0', '1'), leaf('1', '2')] }],
    });
  }
  return { key, type: 'array', value: `${n} items`, children };
}

function count(node: DecodedNode): number {
  return 1 + (node.children ?? []).reduce((n, c) => n + count(c), 0);
}

function message(tree: DecodedNode, inner?: DecodedNode): DecodedMessage {
  return { format: 'msgpack', summary: 's', tree, fields: {}, ...(inner ? { inner: { format: 'cbor', summary: 'i', tree: inner, fields: {} } } : {}) };
}

function sections(decoded: DecodedMessage): TreeSection[] {
  return [{ root: decoded.tree, title: 'm' }, ...(decoded.inner ? [{ root: decoded.inner.tree, title: 'p' }] : [])];
}

/** Every line as text: level, place, set size, section, key, type, value. */
function linesText(lines: DecodedLines): string[] {
  return lines.nodes.map((n, i) => `${lines.levels[i]} ${lines.positions[i]}/${lines.setSizes[i]} s${lines.sections[i]} ${n.key} ${n.type} ${n.value ?? ''}`);
}

/** Fills gaps in or after `from` (the first one found each time) as the tree does when they come into view; returns the requests made. */
function fillGaps(lines: DecodedLines, pages: DecodedPages, tree: number, from = 0, limit = Infinity): number {
  let asked = 0;
  for (let line = from; line < lines.length && asked < limit; ) {
    const gap = lines.gapAt(line);
    if (!gap) {
      line++;
      continue;
    }
    const have = gap.parent.children?.length ?? 0;
    const children = pages.children(tree, gap.section, lines.indexPath(gap.parent), have, lines.opensByRule(gap));
    assert.ok(children.length > 0);
    assert.ok(children.reduce((n, c) => n + count(c), 0) <= CHILD_PAGE_NODES, 'an answer holds at most a page of nodes');
    assert.ok(lines.fill(gap, have, children));
    asked++;
  }
  return asked;
}

describe('a decoded tree in pages', () => {
  it('the first answer holds the first screens of a 10,000-element array; its gaps filled, the lines are the whole tree’s', () => {
    const full = message(records(10_000));
    const pages = new DecodedPages();
    const { decoded, tree } = pages.first(full);
    assert.ok(tree !== undefined, 'a big tree is paged');
    assert.ok(count(decoded.tree) <= FIRST_PAGE_NODES, `${count(decoded.tree)} nodes in the first answer`);
    assert.equal(decoded.tree.childCount, 10_000);
    assert.ok(decoded.tree.children!.length >= 30, 'at least a screen of records');
    // What the first answer is, serialized: a few tens of KB, not megabytes.
    assert.ok(JSON.stringify(decoded).length < 40_000, `${JSON.stringify(decoded).length} characters`);

    const lines = new DecodedLines(sections(decoded));
    lines.buildSome(Infinity);
    const first = linesText(lines);
    const whole = new DecodedLines(sections(full));
    whole.buildSome(Infinity);
    const expected = linesText(whole);
    // The paged lines start as the whole tree's do, and end in gap lines where children are missing.
    const gapAt = first.findIndex((_, i) => lines.gapAt(i) !== undefined);
    assert.ok(gapAt > 30);
    assert.deepEqual(first.slice(0, gapAt), expected.slice(0, gapAt));
    assert.match(first.at(-1)!, /^2 \d+\/10000 s0 … more \d+ more items, loading…$/);
    // The records' aria-setsize counts all of them from the start.
    assert.equal(lines.setSizes[1], 10_000);

    const asked = fillGaps(lines, pages, tree);
    assert.ok(asked >= 10_000 * 6 / CHILD_PAGE_NODES, `${asked} requests`);
    assert.equal(lines.length, expected.length);
    assert.equal(lines.length, count(full.tree), 'every node is a line (all open by themselves)');
    assert.deepEqual(linesText(lines), expected);
  });

  it('a container too big to open by itself comes closed, and its children come once it is opened', () => {
    const full = message({ key: '', type: 'map', children: [leaf('id', '7'), { ...records(5000), key: 'items' }, leaf('end', '1')] });
    const pages = new DecodedPages();
    const { decoded, tree } = pages.first(full);
    assert.ok(tree !== undefined);
    const items = decoded.tree.children![1]!;
    assert.deepEqual([items.children, items.childCount], [[], 5000]);
    const lines = new DecodedLines(sections(decoded));
    lines.buildSome(Infinity);
    const whole = new DecodedLines(sections(full));
    whole.buildSome(Infinity);
    assert.deepEqual(linesText(lines), linesText(whole), 'the same four lines, items closed');
    assert.equal(lines.isContainer(2), true);
    assert.equal(lines.setExpanded(2, true), true);
    whole.setExpanded(2, true);
    assert.equal(lines.gapAt(3)?.parent, items, 'opened, it shows a gap line');
    assert.equal(lines.opensByRule(lines.gapAt(3)!), false, 'opened by the user: its records stay closed');
    fillGaps(lines, pages, tree);
    assert.deepEqual(linesText(lines), linesText(whole));
    assert.equal(lines.length, 5004);
    // Closing and opening again shows the same lines, with nothing asked for.
    lines.setExpanded(2, false);
    lines.setExpanded(2, true);
    assert.deepEqual(linesText(lines), linesText(whole));
    assert.equal(fillGaps(lines, pages, tree), 0);
  });

  it('a gap filled while its container is closed shows its lines when it is opened', () => {
    const full = message(records(3000));
    const pages = new DecodedPages();
    const { decoded, tree } = pages.first(full);
    const lines = new DecodedLines(sections(decoded));
    lines.buildSome(Infinity);
    const gapLine = lines.nodes.findIndex((_, i) => lines.gapAt(i)?.parent === decoded.tree);
    const gap = lines.gapAt(gapLine)!;
    const have = decoded.tree.children!.length;
    lines.setExpanded(0, false);
    assert.equal(lines.length, 1);
    assert.equal(lines.fill(gap, have, pages.children(tree!, 0, [], have, true)), undefined, 'nothing shown changed');
    lines.setExpanded(0, true);
    fillGaps(lines, pages, tree!);
    const whole = new DecodedLines(sections(full));
    whole.buildSome(Infinity);
    assert.deepEqual(linesText(lines), linesText(whole));
  });

  it('the payload inside is paged too, and an answer for a gap already filled changes nothing', () => {
    const full = message(records(400), records(2000));
    const pages = new DecodedPages();
    const { decoded, tree } = pages.first(full);
    assert.equal(decoded.inner!.tree.childCount, 2000);
    const lines = new DecodedLines(sections(decoded));
    lines.buildSome(Infinity);
    const innerGap = lines.nodes.findIndex((_, i) => lines.gapAt(i)?.section === 1);
    assert.ok(innerGap > 0);
    const gap = lines.gapAt(innerGap)!;
    const have = gap.parent.children!.length;
    const answer = pages.children(tree!, 1, lines.indexPath(gap.parent), have, true);
    assert.ok(lines.fill(gap, have, answer));
    assert.equal(lines.fill(gap, have, answer), undefined, 'a second answer for the same gap');
    fillGaps(lines, pages, tree!);
    const whole = new DecodedLines(sections(full));
    whole.buildSome(Infinity);
    assert.deepEqual(linesText(lines), linesText(whole));
  });

  it('a small tree goes whole, unnamed; a tree no longer kept or a path to nothing is refused', () => {
    const small = message(records(10));
    const pages = new DecodedPages();
    const first = pages.first(small);
    assert.equal(first.tree, undefined);
    assert.equal(first.decoded, small);
    const ids = Array.from({ length: 6 }, () => pages.first(message(records(1000))).tree!);
    assert.throws(() => pages.children(ids[0]!, 0, [], 0, true), (e: unknown) => e instanceof RequestError && /no longer kept/.test(e.message));
    assert.equal(pages.children(ids[5]!, 0, [], 0, true).length > 0, true);
    assert.throws(() => pages.children(ids[5]!, 0, [99_999], 0, true), RequestError);
    assert.throws(() => pages.children(ids[5]!, 1, [], 0, true), RequestError, 'no payload inside');
  });

  it('pageChildren stops at the budget, cutting the last node’s children', () => {
    const page = pageChildren(records(100).children!, 10, 1, true, 20);
    assert.equal(page.reduce((n, c) => n + count(c), 0), 20);
    assert.equal(page[0]!.key, '10');
    const last = page.at(-1)!;
    assert.ok((last.children?.length ?? 0) < (last.childCount ?? 0) || last.childCount === undefined);
  });
});
