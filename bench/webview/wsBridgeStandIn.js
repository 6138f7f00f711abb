// Runs in the benchmark's page before the webview's own script (Playwright init script): a stand-in for
// the `acquireVsCodeApi` VS Code injects, carrying the real protocol to the benchmark process the way
// VS Code carries webview messages: JSON with every ArrayBuffer out of band, as binary (see
// bench/bridge/vscodeWebviewMessage.ts). Playwright's own bridge (JSON and base64 over the DevTools
// protocol) would make the bridge, not the panel, the bottleneck of what is measured. Messages come
// down one streamed HTTP response, each frame preceded by its u32 length, and go up a WebSocket
// (benchPanel.ts says why).
// Expects `window.__siSetup = { upUrl, downUrl, theme }` to be defined just before it.
(() => {
  const setup = window.__siSetup;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  /** One binary frame: u32 JSON length, the JSON, u32 buffer count, then each buffer with its u32 length. */
  const serialize = (message) => {
    const buffers = [];
    const indexOf = (b) => {
      let i = buffers.indexOf(b);
      if (i < 0) i = buffers.push(b) - 1;
      return i;
    };
    const json = encoder.encode(
      JSON.stringify(message, (_k, v) => {
        if (v instanceof ArrayBuffer) return { $$vscode_array_buffer_reference$$: true, index: indexOf(v) };
        if (ArrayBuffer.isView(v)) {
          return { $$vscode_array_buffer_reference$$: true, index: indexOf(v.buffer), view: { type: v.constructor.name, byteOffset: v.byteOffset, byteLength: v.byteLength } };
        }
        return v;
      }),
    );
    let size = 8 + json.length;
    for (const b of buffers) size += 4 + b.byteLength;
    const out = new Uint8Array(size);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, json.length, true);
    out.set(json, 4);
    let at = 4 + json.length;
    dv.setUint32(at, buffers.length, true);
    at += 4;
    for (const b of buffers) {
      dv.setUint32(at, b.byteLength, true);
      out.set(new Uint8Array(b), at + 4);
      at += 4 + b.byteLength;
    }
    return out;
  };

  const VIEWS = { Uint8Array, Uint16Array, Uint32Array, Float64Array, Int32Array, Float32Array };

  /** The bytes streamed down so far and not yet read: the response's chunks, read from the front. */
  class ByteQueue {
    chunks = [];
    head = 0;
    offset = 0;
    size = 0;
    push(chunk) {
      this.chunks.push(chunk);
      this.size += chunk.length;
    }
    /** The next `n` bytes, copied once into a new ArrayBuffer of exactly that size (as a structured clone would be). */
    bytes(n) {
      const out = new Uint8Array(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[this.head];
        const k = Math.min(c.length - this.offset, n - at);
        out.set(c.subarray(this.offset, this.offset + k), at);
        at += k;
        this.offset += k;
        if (this.offset === c.length) {
          this.chunks[this.head++] = undefined;
          this.offset = 0;
        }
      }
      if (this.head > 256) {
        this.chunks = this.chunks.slice(this.head);
        this.head = 0;
      }
      this.size -= n;
      return out.buffer;
    }
    u32() {
      return new DataView(this.bytes(4)).getUint32(0, true);
    }
  }

  /** Reads one message (its u32 length already read): JSON, then each out-of-band buffer into its own ArrayBuffer. */
  const deserialize = (queue) => {
    const json = decoder.decode(queue.bytes(queue.u32()));
    const buffers = [];
    for (let i = queue.u32(); i > 0; i--) buffers.push(queue.bytes(queue.u32()));
    return JSON.parse(json, (_k, v) => {
      if (v && typeof v === 'object' && v.$$vscode_array_buffer_reference$$ === true) {
        const buffer = buffers[v.index];
        if (!v.view) return buffer;
        const View = VIEWS[v.view.type];
        return new View(buffer, v.view.byteOffset, v.view.byteLength / View.BYTES_PER_ELEMENT);
      }
      return v;
    });
  };

  const socket = new WebSocket(setup.upUrl);
  socket.binaryType = 'arraybuffer';
  const outbox = [];
  socket.onopen = () => {
    for (const m of outbox.splice(0)) socket.send(m);
  };

  // Host → webview: VS Code dispatches each message as a `message` event on window.
  const readDown = async () => {
    const reader = (await fetch(setup.downUrl, { cache: 'no-store' })).body.getReader();
    const queue = new ByteQueue();
    let need = -1;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      queue.push(value);
      for (;;) {
        if (need < 0) {
          if (queue.size < 4) break;
          need = queue.u32();
        }
        if (queue.size < need) break;
        need = -1;
        window.dispatchEvent(new MessageEvent('message', { data: deserialize(queue) }));
      }
    }
  };
  readDown().catch((e) => console.error(`bench bridge: ${e}`));
  const post = (message) => {
    const bytes = serialize(message);
    if (socket.readyState === WebSocket.OPEN) socket.send(bytes);
    else outbox.push(bytes);
  };

  let state = null;
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({ postMessage: post, getState: () => state, setState: (s) => (state = s) });
  };

  if (setup.theme) {
    const applyRoot = () => {
      for (const [k, v] of Object.entries(setup.theme.variables)) document.documentElement.style.setProperty(k, v);
    };
    if (document.documentElement) applyRoot();
    else new MutationObserver((_m, o) => document.documentElement && (o.disconnect(), applyRoot())).observe(document, { childList: true });
    const applyBody = () => {
      document.body.classList.add(setup.theme.bodyClass);
      document.body.dataset.vscodeThemeKind = setup.theme.bodyClass;
    };
    if (document.body) applyBody();
    else document.addEventListener('DOMContentLoaded', applyBody);
  }
})();
