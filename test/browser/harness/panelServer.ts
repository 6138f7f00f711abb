// Serves the panel the way VS Code does: the document from renderPanelHtml (same CSP, same nonce rule)
// and the built assets from dist/, over HTTP on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { renderPanelHtml } from '../../../src/panel/panelHtml';
import { ROOT } from './bundle';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/** A running panel server. */
export interface PanelServer {
  readonly origin: string;
  /** URL of a fresh panel document (a new nonce each time). */
  readonly url: string;
  close(): Promise<void>;
}

/** What the document carries besides its assets: the translations VS Code would hand the panel. */
export interface PanelServerOptions {
  readonly l10nBundle?: Readonly<Record<string, string>>;
  readonly language?: string;
}

/** Starts the server on an ephemeral loopback port. */
export async function startPanelServer(options: PanelServerOptions = {}): Promise<PanelServer> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/' || path === '/index.html') {
      const html = renderPanelHtml({
        cspSource: origin,
        nonce: randomBytes(18).toString('base64'),
        scriptUri: `${origin}/dist/webview.js`,
        codiconUri: `${origin}/dist/codicon.css`,
        ...options,
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = normalize(join(ROOT, path));
    if (!path.startsWith('/dist/') || !file.startsWith(join(ROOT, 'dist'))) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: `${origin}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
