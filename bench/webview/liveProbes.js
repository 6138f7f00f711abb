// Page-side probes of the delivery benchmark, evaluated in the page once it has loaded. They watch the
// `entries` batches the webview receives (before the webview handles them) and, once per animation
// frame, how old the newest entry drawn with its data is when that frame has been painted.
(() => {
  /** Per batch: first seq, count, and its time runs as [first index, wall time]. */
  const batches = [];
  const readVarint = (bytes, at) => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at.i++];
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  };
  window.addEventListener('message', (e) => {
    const m = e.data;
    if (!m || m.type !== 'entries' || !(m.batch instanceof ArrayBuffer)) return;
    const header = new Uint32Array(m.batch, 0, 8);
    const count = header[1];
    const runs = header[5];
    const first = new Float64Array(m.batch, 32, 1)[0];
    const times = new Float64Array(m.batch, 40, runs);
    const bytes = new Uint8Array(m.batch);
    const at = { i: 40 + runs * 8 + (header[4] & 1 ? count * 8 : 0) };
    const starts = [];
    let k = 0;
    for (let r = 0; r < runs; r++) {
      starts.push([k, times[r]]);
      k += readVarint(bytes, at);
    }
    batches.push({ first, count, starts, at: Date.now() });
  });

  /** Wall time (host clock) at which `seq` was read from the socket, if it came in a batch. */
  const arrival = (seq) => {
    for (let b = batches.length - 1; b >= 0; b--) {
      const x = batches[b];
      if (seq < x.first || seq >= x.first + x.count) continue;
      const i = seq - x.first;
      let t = x.starts[0][1];
      for (const [start, time] of x.starts) {
        if (start > i) break;
        t = time;
      }
      return t;
    }
    return undefined;
  };

  let sampling = false;
  const latencies = [];
  // Runs in a task queued from the frame's animation callbacks, so after that frame's style, layout and
  // paint: it reads the rows as just painted, at about the time they were. (Read from the callback
  // itself, it would see the previous frame's rows a frame late: ours runs before the log view's redraw,
  // which is requested later in the frame.)
  const sample = () => {
    if (!sampling) return;
    let newest = -1;
    for (const row of document.querySelectorAll('[data-testid=log-row][data-direction]')) {
      const id = Number(row.getAttribute('data-id'));
      if (id > newest) newest = id;
    }
    const t = newest >= 0 ? arrival(newest) : undefined;
    if (t !== undefined) latencies.push(Date.now() - t);
  };
  const tick = () => {
    if (!sampling) return;
    setTimeout(sample, 0);
    requestAnimationFrame(tick);
  };

  window.__delivery = {
    /** Starts sampling the age of the newest drawn entry once per frame. */
    start() {
      latencies.length = 0;
      sampling = true;
      requestAnimationFrame(tick);
    },
    /** Stops sampling; returns the ages (ms). */
    stop() {
      sampling = false;
      return latencies.slice();
    },
    /** Entries received in live batches with seqs in [from, to). */
    delivered(from, to) {
      let n = 0;
      for (const b of batches) n += Math.max(0, Math.min(to, b.first + b.count) - Math.max(from, b.first));
      return n;
    },
    batchCount: () => batches.length,
  };
})();
