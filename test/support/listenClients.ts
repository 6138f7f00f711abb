// Clients for listener tests: a recording `ws` client, and waiting for a server session to reach a state.
import WebSocket from 'ws';
import type { ServerPeer, ServerSession } from '../../src/core/connection/serverTypes';

/** A `ws` client and everything it received. */
export interface RecordingClient {
  readonly ws: WebSocket;
  readonly messages: Array<{ data: Buffer; binary: boolean }>;
  readonly texts: string[];
  readonly closes: Array<{ code: number; reason: string }>;
  /** Resolves once open. */
  readonly opened: Promise<void>;
  /** Resolves with the close code and reason once closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** Connects a `ws` client to `url` and records what arrives. */
export function recordingClient(url: string, protocols: string[] = []): RecordingClient {
  const ws = new WebSocket(url, protocols);
  const messages: RecordingClient['messages'] = [];
  const texts: string[] = [];
  const closes: RecordingClient['closes'] = [];
  ws.on('message', (data: Buffer, binary: boolean) => {
    messages.push({ data, binary });
    if (!binary) texts.push(data.toString('utf8'));
  });
  ws.on('error', () => {});
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code: number, reason: Buffer) => {
      const c = { code, reason: reason.toString('utf8') };
      closes.push(c);
      resolve(c);
    });
  });
  return { ws, messages, texts, closes, opened, closed };
}

const WAIT_LIMIT_MS = 10_000;

/** Resolves once `check` holds for the session (checked on every change); a guard against hangs only. */
export function waitForSession(session: ServerSession, what: string, check: (s: ServerSession) => boolean): Promise<void> {
  if (check(session)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`The session never reached: ${what} (state ${session.state}, ${session.peers.length} peers)`));
    }, WAIT_LIMIT_MS);
    const sub = session.onDidChange(() => {
      if (!check(session)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

/** Resolves with peer #id once the session has accepted it. */
export async function peerNumber(session: ServerSession, id: number): Promise<ServerPeer> {
  await waitForSession(session, `peer #${id} accepted`, (s) => s.peers.some((p) => p.id === id));
  return session.peers.find((p) => p.id === id)!;
}
