// The consumer: a separate process that connects to a blaster and counts what it receives over a
// measured window. Modes:
//   sink      raw socket, counts bytes only: how fast the blaster and loopback deliver (the blaster check)
//   bare      a plain `ws` client (or a net socket with a newline splitter) counting messages: the baseline
//   recorder  the real engine: WsConnection (or TcpConnection + the newline framer) logging every message
// `panel` adds the host side of an open inspector panel (the real PanelController, posting through a
// model of VS Code's webview serialization to a stand-in webview that acknowledges each batch), as in
// the extension host during a flood. Reports one result over IPC and exits.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as net from 'node:net';
import WebSocket from 'ws';
import { Direction } from '../../shared/logModel';
import type { Connection } from '../../src/core/connection/connectionTypes';
import { createWebSocketConnection } from '../../src/core/connection/wsConnection';
import { fastReceive } from '../../src/core/receive/fastReceive';
import { PanelController } from '../../src/panel/panelController';
import { PanelDecoding } from '../../src/panel/panelDecoding';
import type { DecodeSettings } from '../../shared/decode/decodeSettings';
import { serializeWebviewMessage } from '../bridge/vscodeWebviewMessage';
import { trimProfile, type SampledProfile } from '../lib/cpuProfile';
import { createLineRecorder } from './lineRecorder';
import { upgradeRequest, wireMessage, type WireProtocol } from './wire';

/** What the runner asks of a consumer. */
export interface ConsumerConfig {
  readonly mode: 'sink' | 'bare' | 'recorder';
  readonly protocol: WireProtocol;
  readonly port: number;
  /** Payload bytes per message (to turn the sink's byte count into messages). */
  readonly size: number;
  /** Warm-up before the window, ms; with `untilEvicting`, the longest it may take. */
  readonly warmupMs: number;
  /**
   * Recorder: warm up until the log's retention cap is reached (then 300 ms more), so the window
   * measures the steady state of a flood rather than the one-off cost of growing the log.
   */
  readonly untilEvicting?: boolean;
  readonly measureMs: number;
  /** Attach a PanelController (recorder only). */
  readonly panel?: boolean;
  /** Write a CPU profile of the measured window alone (not start-up or warm-up) into this folder. */
  readonly profileDir?: string;
  /**
   * Measure in slices the runner steps through (see ingest/pairedRun.ts) instead of one window: after
   * connecting, the consumer answers 'warmup', 'snapshot' and 'finish' messages.
   */
  readonly stepped?: boolean;
  /**
   * Recorder: read the connection as a panel with these decode settings would (PanelDecoding: the
   * layer chosen and spoken, codec rules), attached before it connects.
   */
  readonly decode?: DecodeSettings;
  /** Recorder retention caps; default the extension's. */
  readonly retention?: { maxEntries?: number; maxBytes?: number };
}

/** What a consumer reports. */
export interface ConsumerResult {
  readonly messages: number;
  readonly seconds: number;
  readonly rate: number;
  /** Share of one core the consumer used during the window. */
  readonly cpuShare: number;
  /** Minor page faults per second during the window (fresh memory being touched). */
  readonly pageFaultsPerSecond: number;
  /** Event-loop delay during the window, ms. */
  readonly eventLoopDelay: { p50: number; p99: number; max: number };
  /** The warm-up (for a recorder, while its log grows): duration, messages per second, event-loop delay. */
  readonly warmup: { seconds: number; rate: number; eventLoopDelay: { p50: number; p99: number; max: number } };
  /** Entries the recorder's retention cap had evicted when the window opened (recorder only). */
  readonly evictedBeforeWindow?: number;
  /** Batches and bytes the panel posted during the window (panel only). */
  readonly panel?: { batches: number; bytesPosted: number; entriesPosted: number };
}

const config = JSON.parse(process.argv[2] ?? '{}') as ConsumerConfig;

/** A running consumer: how many messages so far. */
interface Counter {
  count(): number;
  evicted?(): number;
  close(): void;
}

function sink(): Promise<Counter> {
  const perMessage = wireMessage(config.protocol, config.size).length;
  return new Promise((resolve, reject) => {
    let bytes = 0;
    // Reads into one reused megabyte: no allocation per read, so this measures what the blaster and
    // loopback deliver, not the reader.
    const socket = net.connect({
      host: '127.0.0.1',
      port: config.port,
      onread: {
        buffer: Buffer.allocUnsafe(1 << 20),
        callback: (n: number) => {
          bytes += n;
          return true;
        },
      },
    });
    socket.on('connect', () => {
      if (config.protocol === 'ws') socket.write(upgradeRequest(config.port));
      resolve({ count: () => Math.floor(bytes / perMessage), close: () => socket.destroy() });
    });
    socket.on('error', reject);
  });
}

function bareWs(): Promise<Counter> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const ws = new WebSocket(`ws://127.0.0.1:${config.port}/`);
    ws.on('message', () => {
      n++;
    });
    ws.on('open', () => resolve({ count: () => n, close: () => ws.terminate() }));
    ws.on('error', reject);
  });
}

/** The baseline of the line case: what any newline-splitting client does, with a no-op per line. */
function bareLines(): Promise<Counter> {
  return new Promise((resolve, reject) => {
    let n = 0;
    let rest: Buffer | undefined;
    const onLine = (line: Buffer): void => {
      if (line.length < 0) console.log(line);
    };
    const socket = net.connect({ host: '127.0.0.1', port: config.port }, () => resolve({ count: () => n, close: () => socket.destroy() }));
    socket.on('data', (chunk: Buffer) => {
      const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
        onLine(buf.subarray(start, nl));
        n++;
        start = nl + 1;
      }
      rest = start < buf.length ? buf.subarray(start) : undefined;
    });
    socket.on('error', reject);
  });
}

/** Stands in for the webview: gets each post after a tick, acknowledges batches as the real one does. */
function attachPanel(connection: Connection): { stats(): { batches: number; bytesPosted: number; entriesPosted: number }; dispose(): void } {
  let batches = 0;
  let bytesPosted = 0;
  let entriesPosted = 0;
  const controller: PanelController = new PanelController(
    connection,
    (message) => {
      const serialized = serializeWebviewMessage(message);
      bytesPosted += serialized.bytes;
      const m = message as { type: string; batchId?: number; batch?: ArrayBuffer };
      if (m.type === 'entries') {
        batches++;
        entriesPosted += new Uint32Array(m.batch!, 4, 1)[0]!;
        setTimeout(() => controller.handleMessage({ type: 'ack', batchId: m.batchId }), 1);
      }
    },
    { connect: () => {}, disconnect: () => {}, writeClipboard: () => {} },
    { log: () => {} },
  );
  controller.handleMessage({ type: 'ready', requestId: 1 });
  return { stats: () => ({ batches, bytesPosted, entriesPosted }), dispose: () => controller.dispose() };
}

let panel: ReturnType<typeof attachPanel> | undefined;
/** The panel's decode state, when the recorder reads with decode settings. */
let decoding: PanelDecoding | undefined;

/** The decode state a panel keeps for the connection: its layer session runs on the ingest path. */
async function attachDecoding(connection: Connection, settings: DecodeSettings): Promise<PanelDecoding> {
  const decoding = new PanelDecoding({ log: connection.log, connection, live: false, events: { sendEvent: () => {} } }, () => true);
  await decoding.setSettings(settings);
  decoding.track();
  if (settings.layer !== undefined && decoding.layerSession?.id !== settings.layer) throw new Error(`consumer: the ${settings.layer} layer did not start`);
  return decoding;
}

async function recorderWs(): Promise<Counter> {
  const connection = createWebSocketConnection({ url: `ws://127.0.0.1:${config.port}/` }, config.retention);
  decoding = config.decode ? await attachDecoding(connection, config.decode) : undefined;
  await connection.connect();
  if (config.panel) panel = attachPanel(connection);
  return {
    count: () => connection.log.totals(Direction.In).entries,
    evicted: () => connection.log.dropped.entries,
    close: () => {
      decoding?.dispose();
      decoding = undefined;
      connection.dispose();
    },
  };
}

async function recorderLines(): Promise<Counter> {
  const recorder = await createLineRecorder(config.port, config.retention);
  if (config.panel) panel = attachPanel(recorder.connection);
  return recorder;
}

async function start(): Promise<Counter> {
  // The recorder measures the fast receive paths, which a connection gets once the self-test passed.
  if (config.mode === 'recorder') {
    for (const off of (await fastReceive.ready()).filter((s) => !s.on)) console.error(`consumer: fast receive path ${off.path} is off: ${off.why}`);
  }
  switch (config.mode) {
    case 'sink':
      return sink();
    case 'bare':
      return config.protocol === 'ws' ? bareWs() : bareLines();
    case 'recorder':
      return config.protocol === 'ws' ? recorderWs() : recorderLines();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the CPU profiler (before the flood: see trimProfile for why not at the window). The returned
 * function stops it and writes the part from `fromMs` to `toMs` (performance.now()) into `dir`.
 */
async function startProfile(dir: string): Promise<(fromMs: number, toMs: number) => Promise<void>> {
  const session = new Session();
  session.connect();
  const post = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, (e, r) => (e ? reject(e) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.start');
  const startedAt = performance.now();
  return async (fromMs, toMs) => {
    const { profile } = (await post('Profiler.stop')) as { profile: SampledProfile };
    writeFileSync(join(dir, `window-${process.pid}.cpuprofile`), JSON.stringify(trimProfile(profile, fromMs - startedAt, toMs - startedAt)));
    session.disconnect();
  };
}

const ms = (ns: number): number => Math.round(ns / 1e4) / 100;

function delays(h: ReturnType<typeof monitorEventLoopDelay>): { p50: number; p99: number; max: number } {
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

/** What a stepped consumer reports at each end of a slice. */
export interface ConsumerSnapshot {
  readonly messages: number;
  /** performance.now() */
  readonly time: number;
  /** CPU time used so far, µs. */
  readonly cpuMicros: number;
  readonly pageFaults: number;
  readonly evicted?: number;
}

/** A stepped consumer's closing report: the event-loop delay over its slices, and the panel's posts. */
export interface SteppedSummary {
  readonly eventLoopDelay: { p50: number; p99: number; max: number };
  readonly panel?: { batches: number; bytesPosted: number; entriesPosted: number };
  /** The layer session's status at the end (that it got through its handshake and kept up). */
  readonly layerStatus?: string;
}

/** Warms up as main() does; returns the warm-up's figures. */
async function warmUp(counter: Counter, histogram: ReturnType<typeof monitorEventLoopDelay>): Promise<ConsumerResult['warmup']> {
  const warmStart = performance.now();
  const evicted = counter.evicted;
  if (config.untilEvicting && evicted) {
    while (evicted() === 0 && performance.now() - warmStart < config.warmupMs) await sleep(50);
    await sleep(300);
  } else {
    await sleep(config.warmupMs);
  }
  histogram.disable();
  const warmSeconds = (performance.now() - warmStart) / 1000;
  return { seconds: warmSeconds, rate: counter.count() / warmSeconds, eventLoopDelay: delays(histogram) };
}

/** The stepped consumer: the runner decides when it warms up and where its slices begin and end. */
async function stepped(): Promise<void> {
  const counter = await start();
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  const snapshot = (): ConsumerSnapshot => {
    const cpu = process.cpuUsage();
    const evicted = counter.evicted?.();
    return {
      messages: counter.count(),
      time: performance.now(),
      cpuMicros: cpu.user + cpu.system,
      pageFaults: process.resourceUsage().minorPageFault,
      ...(evicted !== undefined ? { evicted } : {}),
    };
  };
  process.on('message', (m: { type: string; phase?: 'start' | 'end' }) => {
    if (m.type === 'warmup') {
      const warmupHistogram = monitorEventLoopDelay({ resolution: 5 });
      warmupHistogram.enable();
      void warmUp(counter, warmupHistogram).then((warmup) => process.send?.({ type: 'warm', warmup }));
    } else if (m.type === 'snapshot') {
      // The delay is measured inside slices only: between them the consumer idles.
      if (m.phase === 'end') histogram.disable();
      process.send?.({ type: 'snapshot', snapshot: snapshot() });
      if (m.phase === 'start') histogram.enable();
    } else if (m.type === 'finish') {
      const layerStatus = decoding?.layerSession?.status;
      counter.close();
      const summary: SteppedSummary = {
        eventLoopDelay: delays(histogram),
        ...(panel ? { panel: panel.stats() } : {}),
        ...(layerStatus !== undefined ? { layerStatus } : {}),
      };
      panel?.dispose();
      process.send?.({ type: 'summary', summary }, () => process.exit(0));
    }
  });
  process.send?.({ type: 'connected' });
}

async function main(): Promise<void> {
  const stopProfile = config.profileDir ? await startProfile(config.profileDir) : undefined;
  const warmupHistogram = monitorEventLoopDelay({ resolution: 5 });
  warmupHistogram.enable();
  const counter = await start();
  const warmup = await warmUp(counter, warmupHistogram);
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  const evictedBeforeWindow = counter.evicted?.();
  const panelBefore = panel?.stats();
  const n0 = counter.count();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const faults0 = process.resourceUsage().minorPageFault;
  histogram.enable();
  await sleep(config.measureMs);
  const n1 = counter.count();
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const faults = process.resourceUsage().minorPageFault - faults0;
  histogram.disable();
  await stopProfile?.(t0, t1);
  const panelAfter = panel?.stats();
  counter.close();
  panel?.dispose();
  const seconds = (t1 - t0) / 1000;
  const result: ConsumerResult = {
    messages: n1 - n0,
    seconds,
    rate: (n1 - n0) / seconds,
    cpuShare: (cpu.user + cpu.system) / 1000 / (t1 - t0),
    pageFaultsPerSecond: Math.round(faults / seconds),
    eventLoopDelay: delays(histogram),
    warmup,
    ...(evictedBeforeWindow !== undefined ? { evictedBeforeWindow } : {}),
    ...(panelBefore && panelAfter
      ? {
          panel: {
            batches: panelAfter.batches - panelBefore.batches,
            bytesPosted: panelAfter.bytesPosted - panelBefore.bytesPosted,
            entriesPosted: panelAfter.entriesPosted - panelBefore.entriesPosted,
          },
        }
      : {}),
  };
  process.send?.({ type: 'result', result }, () => process.exit(0));
}

(config.stepped ? stepped() : main()).catch((e: unknown) => {
  process.send?.({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () => process.exit(1));
});
