// The pure parts of the panel's keyboard and screen reader support: grid numbering and movement,
// tab-list keys, the F6 cycle, and when new entries are announced.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gridKeyTarget, gridRowCount, gridRowIndex, spokenDirection } from '../../webview/ariaGrid';
import { connectionStateText, NewEntryCounter, newEntriesText } from '../../webview/announcementText';
import { nextRegion, tabKeyTarget } from '../../webview/focusMoves';

describe('log grid numbering', () => {
  it('counts the header row, as ARIA does', () => {
    assert.equal(gridRowCount(0), 1);
    assert.equal(gridRowCount(10_000), 10_001);
    assert.equal(gridRowIndex(0), 2, 'the first entry is the row after the header');
    assert.equal(gridRowIndex(9_999), 10_001, 'the last entry is the last row');
  });

  it('names directions in words', () => {
    assert.deepEqual([0, 1, 2].map(spokenDirection), ['received', 'sent', 'connection event']);
  });
});

describe('log grid keys', () => {
  const at = (active: number | undefined, count = 10_000) => ({ count, active, firstVisible: 40, pageRows: 19 });

  it('moves one row, a page, or to either end, clamped', () => {
    assert.equal(gridKeyTarget('ArrowDown', at(5)), 6);
    assert.equal(gridKeyTarget('ArrowUp', at(5)), 4);
    assert.equal(gridKeyTarget('ArrowUp', at(0)), 0);
    assert.equal(gridKeyTarget('ArrowDown', at(9_999)), 9_999);
    assert.equal(gridKeyTarget('PageDown', at(5)), 24);
    assert.equal(gridKeyTarget('PageUp', at(5)), 0);
    assert.equal(gridKeyTarget('PageDown', at(9_990)), 9_999);
    assert.equal(gridKeyTarget('Home', at(5)), 0);
    assert.equal(gridKeyTarget('End', at(5)), 9_999);
  });

  it('starts at the first row in view when no row is active', () => {
    assert.equal(gridKeyTarget('ArrowDown', at(undefined)), 40);
    assert.equal(gridKeyTarget('ArrowUp', at(undefined)), 40);
    assert.equal(gridKeyTarget('PageDown', at(undefined)), 59);
    assert.equal(gridKeyTarget('ArrowDown', { count: 3, active: undefined, firstVisible: 40, pageRows: 19 }), 2);
  });

  it('ignores other keys and an empty grid; a page is at least one row', () => {
    assert.equal(gridKeyTarget('a', at(5)), undefined);
    assert.equal(gridKeyTarget('Enter', at(5)), undefined);
    assert.equal(gridKeyTarget('End', at(undefined, 0)), undefined);
    assert.equal(gridKeyTarget('PageDown', { count: 10, active: 2, firstVisible: 0, pageRows: 0 }), 3);
  });
});

describe('tab list keys', () => {
  // Text, Hex, JSON (hidden), Close (hidden), Connection.
  const visible = [true, true, false, false, true];

  it('skips hidden tabs and wraps around', () => {
    assert.equal(tabKeyTarget('ArrowRight', 1, visible), 4);
    assert.equal(tabKeyTarget('ArrowRight', 4, visible), 0);
    assert.equal(tabKeyTarget('ArrowLeft', 0, visible), 4);
    assert.equal(tabKeyTarget('ArrowLeft', 4, visible), 1);
    assert.equal(tabKeyTarget('Home', 4, visible), 0);
    assert.equal(tabKeyTarget('End', 0, visible), 4);
  });

  it('shows the focused tab on Enter or Space and ignores other keys', () => {
    assert.equal(tabKeyTarget('Enter', 1, visible), 1);
    assert.equal(tabKeyTarget(' ', 4, visible), 4);
    assert.equal(tabKeyTarget('ArrowDown', 1, visible), undefined);
    assert.equal(tabKeyTarget('ArrowRight', 0, [false, false]), undefined);
  });
});

describe('F6 regions', () => {
  it('steps through the regions and lets the key go past either end', () => {
    assert.equal(nextRegion(undefined, 1, 5), 0);
    assert.equal(nextRegion(undefined, -1, 5), 4);
    assert.equal(nextRegion(2, 1, 5), 3);
    assert.equal(nextRegion(2, -1, 5), 1);
    assert.equal(nextRegion(4, 1, 5), undefined, 'on to VS Code after the composer');
    assert.equal(nextRegion(0, -1, 5), undefined, 'back to VS Code before the toolbar');
    assert.equal(nextRegion(undefined, 1, 0), undefined);
  });
});

describe('new entry announcements', () => {
  it('says nothing about the log as first loaded', () => {
    const c = new NewEntryCounter(5000);
    assert.equal(c.update(10_000, true, 0), undefined);
    assert.equal(c.take(0), undefined);
  });

  it('sums a flood and says it at most once per interval', () => {
    const c = new NewEntryCounter(5000);
    c.update(100, true, 0);
    assert.equal(c.update(103, true, 1000), 0, 'the first news is said at once');
    assert.equal(c.take(1000), '3 new entries');
    assert.equal(c.update(104, true, 1500), 4500, 'then not before the interval is over');
    assert.equal(c.take(1500), undefined);
    assert.equal(c.update(2104, true, 3000), 3000);
    assert.equal(c.take(6000), '2,001 new entries');
    assert.equal(c.take(20_000), undefined, 'nothing twice');
    assert.equal(c.update(2105, true, 20_000), 0);
    assert.equal(c.take(20_000), '1 new entry');
  });

  it('says nothing while the view is away from the tail, nor about what came meanwhile', () => {
    const c = new NewEntryCounter(5000);
    c.update(100, true, 0);
    c.update(150, true, 10);
    assert.equal(c.update(160, false, 20), undefined, 'the user scrolled up');
    assert.equal(c.take(10_000), undefined);
    assert.equal(c.update(500, true, 10_000), undefined, 'back at the tail: the entries read meanwhile are no news');
    assert.equal(c.update(502, true, 10_001), 0);
    assert.equal(c.take(10_001), '2 new entries');
  });

  it('starts over on another log (fewer seqs)', () => {
    const c = new NewEntryCounter(5000);
    c.update(100, true, 0);
    assert.equal(c.update(20, true, 1), undefined);
    assert.equal(c.update(25, true, 2), 0);
    assert.equal(c.take(2), '5 new entries');
  });

  it('describes connection states in words', () => {
    assert.equal(connectionStateText('open', undefined), 'Connection open');
    assert.equal(connectionStateText('closed', undefined), 'Connection closed');
    assert.equal(connectionStateText('error', { code: 'CONNECT_FAILED', message: 'Connection refused by 127.0.0.1:9' }), 'Connection error: Connection refused by 127.0.0.1:9');
    assert.equal(newEntriesText(1), '1 new entry');
  });
});
