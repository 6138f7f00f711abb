// Runs in the benchmark's page before the webview's own script (Playwright init script): a stand-in for
// the `acquireVsCodeApi` VS Code injects, carrying the real protocol over a WebSocket to the benchmark
// process the way VS Code carries webview messages: JSON with every ArrayBuffer out of band, as binary
// (see bench/bridge/vscodeWebviewMessage.ts). Playwright's own bridge (JSON and base64 over the
// DevTools protocol) would make the bridge, not the panel, the bottleneck of what is measured.
// Expects `window.__siSetup = { bridgeUrl, theme }` to be defined just before it.
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
  const deserialize = (data) => {
    const dv = new DataView(data);
    const jsonLength = dv.getUint32(0, true);
    const json = decoder.decode(new Uint8Array(data, 4, jsonLength));
    let at = 4 + jsonLength;
    const count = dv.getUint32(at, true);
    at += 4;
    const buffers = [];
    for (let i = 0; i < count; i++) {
      const n = dv.getUint32(at, true);
      buffers.push(data.slice(at + 4, at + 4 + n));
      at += 4 + n;
    }
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

  const socket = new WebSocket(setup.bridgeUrl);
  socket.binaryType = 'arraybuffer';
  const outbox = [];
  socket.onopen = () => {
    for (const m of outbox.splice(0)) socket.send(m);
  };
  // Host → webview: VS Code dispatches each message as a `message` event on window.
  socket.onmessage = (e) => window.dispatchEvent(new MessageEvent('message', { data: deserialize(e.data) }));
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
