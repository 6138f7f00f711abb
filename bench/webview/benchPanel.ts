// Opens the real webview bundle in Chromium wired to a real PanelController in this process over a
// bridge that carries messages as VS Code does (JSON plus binary buffers). The page is served with the
// panel's real HTML; CSP is bypassed only so the bridge may connect.
//
// Host → page goes down one streamed HTTP response, page → host up a WebSocket. Not a WebSocket both
// ways: Playwright keeps the DevTools Network domain on, and Chromium then base64-encodes every
// WebSocket frame the page receives into a DevTools event that Playwright decodes in this process. At
// 100k entries/s that was 27 MB of base64 in 5 s, a quarter of a core on a 2-core machine taken from
// the page being measured. A streamed response body is reported to DevTools by its sizes only.
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { PanelController, type PanelControllerOptions } from '../../src/panel/panelController';
import { ROOT } from '../../test/browser/harness/bundle';
import { loadTheme } from '../../test/browser/harness/panelPage';
import type { PanelServer } from '../../test/browser/harness/panelServer';
import { serializeWebviewMessage } from '../bridge/vscodeWebviewMessage';

const STAND_IN = readFileSync(join(ROOT, 'bench', 'webview', 'wsBridgeStandIn.js'), 'utf8');

/** An open benchmark panel. */
export interface BenchPanel {
  readonly page: Page;
  readonly controller: PanelController;
  /** Problems the controller or the page reported. */
  readonly problems: string[];
  /** Bytes the host posted to the page so far. */
  readonly bytesPosted: () => number;
  close(): Promise<void>;
}

/** Encodes a serialized message as one binary frame, preceded by its length (see wsBridgeStandIn.js). */
function frame(message: unknown): Buffer {
  const { json, buffers } = serializeWebviewMessage(message);
  const parts: Buffer[] = [];
  const jsonBytes = Buffer.from(json, 'utf8');
  const size = Buffer.alloc(4);
  parts.push(size);
  const head = Buffer.alloc(4);
  head.writeUInt32LE(jsonBytes.length);
  const count = Buffer.alloc(4);
  count.writeUInt32LE(buffers.length);
  parts.push(head, jsonBytes, count);
  for (const b of buffers) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.byteLength);
    parts.push(len, Buffer.from(b as ArrayBuffer));
  }
  const out = Buffer.concat(parts);
  out.writeUInt32LE(out.length - 4, 0);
  return out;
}

/** Decodes a frame from the page. */
function unframe(data: Buffer): unknown {
  const jsonLength = data.readUInt32LE(0);
  const json = data.toString('utf8', 4, 4 + jsonLength);
  let at = 4 + jsonLength;
  const count = data.readUInt32LE(at);
  at += 4;
  const buffers: ArrayBuffer[] = [];
  for (let i = 0; i < count; i++) {
    const n = data.readUInt32LE(at);
    buffers.push(data.buffer.slice(data.byteOffset + at + 4, data.byteOffset + at + 4 + n) as ArrayBuffer);
    at += 4 + n;
  }
  const views: Record<string, new (b: ArrayBuffer, o: number, n: number) => ArrayBufferView> = { Uint8Array, Uint16Array, Uint32Array, Float64Array };
  return JSON.parse(json, (_k, v: unknown) => {
    const ref = v as { $$vscode_array_buffer_reference$$?: boolean; index: number; view?: { type: string; byteOffset: number; byteLength: number } };
    if (ref && typeof ref === 'object' && ref.$$vscode_array_buffer_reference$$ === true) {
      const buffer = buffers[ref.index]!;
      if (!ref.view) return buffer;
      const View = views[ref.view.type]!;
      return new View(buffer, ref.view.byteOffset, ref.view.byteLength / (View as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT);
    }
    return v;
  });
}

/** Opens the panel for `connection` in a new page. */
export async function openBenchPanel(
  browser: Browser,
  server: PanelServer,
  connection: Connection,
  options: { controller?: PanelControllerOptions; onPost?: (message: unknown) => void; onReceive?: (message: unknown) => void } = {},
): Promise<BenchPanel> {
  let down: ServerResponse | undefined;
  const queue: Buffer[] = [];
  const http = createServer((req, res) => {
    if (req.url !== '/down') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store', 'access-control-allow-origin': '*' });
    down = res;
    for (const b of queue.splice(0)) res.write(b);
  });
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const problems: string[] = [];
  let bytesPosted = 0;
  const controller = new PanelController(
    connection,
    (message) => {
      options.onPost?.(message);
      const bytes = frame(message);
      bytesPosted += bytes.length - 4;
      if (down) down.write(bytes);
      else queue.push(bytes);
    },
    { connect: () => connection.connect(), disconnect: () => connection.close(), writeClipboard: () => {} },
    { ...options.controller, log: (line) => problems.push(line) },
  );
  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data: Buffer) => {
      const message = unframe(data);
      options.onReceive?.(message);
      controller.handleMessage(message);
    });
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, bypassCSP: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  const port = (http.address() as AddressInfo).port;
  const setup = { upUrl: `ws://127.0.0.1:${port}/`, downUrl: `http://127.0.0.1:${port}/down`, theme: loadTheme('dark-modern') };
  await page.addInitScript({ content: `window.__siSetup = ${JSON.stringify(setup)};\n${STAND_IN}` });
  await page.goto(server.url);
  return {
    page,
    controller,
    problems,
    bytesPosted: () => bytesPosted,
    async close() {
      controller.dispose();
      await context.close();
      for (const c of wss.clients) c.terminate();
      down?.destroy();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
