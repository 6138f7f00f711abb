// Page-side helpers of the scroll benchmark, evaluated in the page (Playwright's evaluate is not
// subject to the page's CSP). They drive scrolling from requestAnimationFrame, exactly once per frame,
// and record the time between frames.
(() => {
  const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

  function summarize(deltas, extra) {
    const sorted = [...deltas].sort((a, b) => a - b);
    return {
      frames: deltas.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1],
      over17: deltas.filter((d) => d > 17).length,
      over33: deltas.filter((d) => d > 33).length,
      ...extra,
    };
  }

  /**
   * Scrolls `scroller` for `frames` frames. `step(frame)` returns the content position (px) to show;
   * `toScrollTop(contentTop)` maps it to the scroller's scrollTop (the product scales, a plain list not).
   * Also counts frames in which some row in view still waits for its data (placeholder rows).
   */
  function scroll({ scroller, frames, step, toScrollTop, placeholderSelector }) {
    return new Promise((resolve) => {
      const deltas = [];
      let last = 0;
      let frame = 0;
      let framesWithPlaceholders = 0;
      const tick = (now) => {
        if (last) deltas.push(now - last);
        last = now;
        if (placeholderSelector && document.querySelector(placeholderSelector)) framesWithPlaceholders++;
        if (frame === frames) {
          resolve(summarize(deltas, { framesWithPlaceholders }));
          return;
        }
        scroller.scrollTop = toScrollTop(step(frame++));
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  }

  /** Waits (checking once per frame) until `check()` is true; resolves with the elapsed ms. */
  function until(check, start = performance.now(), limitMs = 60_000) {
    return new Promise((resolve, reject) => {
      const tick = () => {
        if (check()) resolve(performance.now() - start);
        else if (performance.now() - start > limitMs) reject(new Error('timed out'));
        else requestAnimationFrame(tick);
      };
      tick();
    });
  }

  /** A deterministic pseudo-random sequence, so every run jumps to the same places. */
  function random(seed) {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  window.__bench = { scroll, until, random, summarize };
})();
