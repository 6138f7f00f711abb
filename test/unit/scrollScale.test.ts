import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  scaledWheelDelta,
  scrollKeyTarget,
  contentTopFromScrollTop,
  isScaled,
  maxContentTop,
  maxScrollTop,
  revealRow,
  scrollHeight,
  scrollTopFromContentTop,
  visibleRows,
} from '../../webview/scrollScale';

const small = { rowHeight: 22, rowCount: 1000, viewportHeight: 440 };
const huge = { rowHeight: 22, rowCount: 1_000_000, viewportHeight: 440 };
const beyondChrome = { rowHeight: 22, rowCount: 100_000_000, viewportHeight: 440 };

describe('scroll scaling', () => {
  it('is the identity while the content fits', () => {
    assert.equal(isScaled(small), false);
    assert.equal(scrollHeight(small), 22_000);
    assert.equal(contentTopFromScrollTop(small, 1234), 1234);
    assert.equal(scrollTopFromContentTop(small, 1234), 1234);
  });

  it('caps the scroll height and maps both ends exactly', () => {
    for (const g of [huge, beyondChrome]) {
      assert.equal(isScaled(g), true);
      assert.equal(scrollHeight(g), 8_000_000);
      assert.equal(contentTopFromScrollTop(g, 0), 0);
      assert.equal(contentTopFromScrollTop(g, maxScrollTop(g)), maxContentTop(g));
      assert.equal(contentTopFromScrollTop(g, maxScrollTop(g) + 50), maxContentTop(g));
      assert.equal(scrollTopFromContentTop(g, maxContentTop(g)), maxScrollTop(g));
      const mid = contentTopFromScrollTop(g, maxScrollTop(g) / 2);
      assert.ok(Math.abs(mid - maxContentTop(g) / 2) < 1);
      assert.ok(Math.abs(scrollTopFromContentTop(g, mid) - maxScrollTop(g) / 2) < 1e-6);
    }
  });

  it('shows the last row fully at the end of the scroll range', () => {
    const rows = visibleRows(huge, contentTopFromScrollTop(huge, maxScrollTop(huge)));
    assert.equal(rows.end, 1_000_000);
    const lastTop = rows.offsetY + (999_999 - rows.first) * 22;
    assert.equal(lastTop + 22, huge.viewportHeight, 'the last row ends at the viewport bottom');
  });

  it('covers the viewport with the rows it returns', () => {
    const r = visibleRows(small, 22 * 10 + 5);
    assert.equal(r.first, 10);
    assert.equal(r.offsetY, -5);
    assert.ok(r.offsetY + (r.end - r.first) * 22 >= small.viewportHeight);
    assert.deepEqual(visibleRows({ ...small, rowCount: 0 }, 0), { first: 0, end: 0, offsetY: 0 });
  });

  it('reveals a row by moving as little as possible', () => {
    assert.equal(revealRow(small, 0, 5), 0);
    assert.equal(revealRow(small, 0, 30), 31 * 22 - 440);
    assert.equal(revealRow(small, 1000, 2), 44);
  });

  it('moves a scaled view by the wheel itself, a notch a few rows; leaves unscaled, zoom and sideways moves to the browser', () => {
    const huge = { rowHeight: 18, rowCount: 10_000_000, viewportHeight: 400 };
    const wheel = (deltaY: number, more: Partial<{ deltaX: number; deltaMode: number; ctrlKey: boolean }> = {}) =>
      scaledWheelDelta(huge, { deltaX: 0, deltaMode: 0, ctrlKey: false, deltaY, ...more });
    assert.equal(wheel(100), 100, 'pixels as they are');
    assert.equal(wheel(3, { deltaMode: 1 }), 54, 'lines of the row height');
    assert.equal(wheel(-1, { deltaMode: 2 }), -400, 'a page of the viewport');
    assert.equal(wheel(100, { ctrlKey: true }), undefined, 'Ctrl+wheel zooms');
    assert.equal(wheel(10, { deltaX: 40 }), undefined, 'mostly sideways');
    assert.equal(scaledWheelDelta({ ...huge, rowCount: 100 }, { deltaX: 0, deltaY: 100, deltaMode: 0, ctrlKey: false }), undefined, 'unscaled');
  });

  it('moves a scroll-only view by keys: a row, a screen less a row, the ends; nothing for other keys', () => {
    const g = { rowHeight: 20, rowCount: 1000, viewportHeight: 200 };
    const key = (k: string, more: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {}) =>
      scrollKeyTarget(g, 500, { key: k, ctrlKey: false, altKey: false, metaKey: false, ...more });
    assert.deepEqual([key('ArrowDown'), key('ArrowUp'), key('PageDown'), key('PageUp')], [520, 480, 680, 320]);
    assert.deepEqual([key('Home', { ctrlKey: true }), key('End', { ctrlKey: true })], [0, 1000 * 20 - 200]);
    assert.deepEqual([key('Home'), key('a'), key('ArrowDown', { altKey: true }), key('PageDown', { metaKey: true })], [undefined, undefined, undefined, undefined]);
  });
});
