// npm run soak [-- --seconds N]: a bounded loopback soak of the real engine (src/core). It runs connect/
// disconnect cycles, reconnecting clients against restarting listeners, TCP and WebSocket proxies under load
// and listeners broadcasting to many peers, and a listener's limits under 2,000 peers, a client that never
// reads and catastrophic patterns, one module per phase in scripts/soak/, then checks that nothing leaked (active handles
// and timers by type, process listeners, heap) and no byte was lost (SHA-256 of each leg as sent, as
// received and as the proxy logged it). Exits 1 on any failure. Loopback only; not part of npm test because it takes a minute.
import { describeFastReceive, fastReceive } from '../src/core/receive/fastReceive';
import { broadcast } from './soak/broadcast';
import { cycles } from './soak/connectionCycles';
import { listenerLimits } from './soak/listenerLimits';
import { panelsUnderTraffic } from './soak/panelsUnderTraffic';
import { sleep } from './soak/polling';
import { proxies } from './soak/proxiesUnderLoad';
import { reconnects } from './soak/reconnects';
import { check, fail, mb, report, RETENTION } from './soak/soakChecks';

function parseSeconds(argv: readonly string[]): number {
  const i = argv.indexOf('--seconds');
  if (i < 0) return 60;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n < 5 || n > 3600) {
    console.error('--seconds takes a number of seconds from 5 to 3600, e.g. --seconds 20');
    process.exit(2);
  }
  return n;
}

const seconds = parseSeconds(process.argv.slice(2));
const { failures, rows } = report;

function handleCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of process.getActiveResourcesInfo()) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

function processListenerCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.eventNames()) counts.set(String(name), process.listenerCount(name));
  return counts;
}

const fmtCounts = (m: Map<string, number>) => [...m].sort().map(([k, v]) => `${k}=${v}`).join(' ') || '(none)';

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// ---- main ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  // The self-test first (as the extension runs it at activation): its sockets are closed before the count.
  for (const line of describeFastReceive(await fastReceive.ready())) console.log(line);
  gc();
  const handlesBefore = handleCounts();
  const listenersBefore = processListenerCounts();
  const memBefore = process.memoryUsage();
  const started = Date.now();
  const budget = seconds * 1000;
  // Rounds repeat until the phase's share of the budget is used, so a longer soak moves more data.
  const bytesPerLeg = 8 * 1024 * 1024;

  console.log('(a) 1000 connect/disconnect cycles…');
  await cycles(Number(process.env.SOAK_CYCLES ?? 1000));
  console.log('(b) reconnecting clients while listeners restart…');
  const left = () => Math.max(1000, budget - (Date.now() - started));
  await reconnects(left() * 0.3);
  console.log('(c) TCP and WebSocket proxies under load…');
  await proxies(left() * 0.6, bytesPerLeg);
  console.log('(d) listeners broadcasting to many peers…');
  await broadcast(Math.max(1000, left() * 0.4), 50);
  console.log('(e) panels hidden, shown and reloaded under a flood…');
  const panelsStarted = Date.now();
  const panels = await panelsUnderTraffic(Math.max(5000, left() - 1500), 6, RETENTION);
  for (const f of panels.failures) fail(`panels: ${f}`);
  rows.push(['(e) panels hidden/shown under traffic', panels.summary, `${((Date.now() - panelsStarted) / 1000).toFixed(1)} s`]);
  // A fixed amount of work (2,000 peers), so it runs beyond the --seconds budget the phases above share.
  console.log('(f–h) a listener with 2,000 peers, a client that never reads, catastrophic patterns…');
  const limits = await listenerLimits();
  for (const f of limits.failures) fail(f);
  rows.push(...limits.rows);

  // Let closes, FIN timers and the stop timeouts run out, then compare.
  await sleep(1500);
  gc();
  await sleep(100);
  gc();
  const handlesAfter = handleCounts();
  const listenersAfter = processListenerCounts();
  const memAfter = process.memoryUsage();
  for (const [type, n] of handlesAfter) check(n <= (handlesBefore.get(type) ?? 0), `leak: ${n - (handlesBefore.get(type) ?? 0)} more active ${type} than before`);
  for (const [name, n] of listenersAfter) check(n <= (listenersBefore.get(name) ?? 0), `leak: ${n - (listenersBefore.get(name) ?? 0)} more process '${name}' listeners than before`);
  check(unhandled.length === 0, `${unhandled.length} unhandled rejections: ${unhandled.slice(0, 3).map(String).join('; ')}`);
  const heapGrowth = memAfter.heapUsed - memBefore.heapUsed;
  check(heapGrowth < 64 * 1024 * 1024, `heap grew by ${mb(heapGrowth)} after gc`);
  rows.push(['active handles/timers (by type)', `before: ${fmtCounts(handlesBefore)}; after: ${fmtCounts(handlesAfter)}`, '']);
  rows.push(['process listeners', `before: ${fmtCounts(listenersBefore)}; after: ${fmtCounts(listenersAfter)}`, '']);
  const buffersGrowth = memAfter.arrayBuffers - memBefore.arrayBuffers;
  check(buffersGrowth < 64 * 1024 * 1024, `ArrayBuffers (sockets' and logs' memory) grew by ${mb(buffersGrowth)} after gc`);
  rows.push(['memory (after forced gc)', `rss ${mb(memBefore.rss)} → ${mb(memAfter.rss)}; heapUsed ${mb(memBefore.heapUsed)} → ${mb(memAfter.heapUsed)}; ArrayBuffers ${mb(memBefore.arrayBuffers)} → ${mb(memAfter.arrayBuffers)}${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc: not forced)'}`, '']);
  rows.push(['total', failures.length === 0 ? 'PASS' : `FAIL (${failures.length})`, `${((Date.now() - started) / 1000).toFixed(1)} s`]);
  process.off('unhandledRejection', onUnhandled);

  const w0 = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nSoak (${seconds} s budget, loopback only)`);
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)} | ${c.padStart(7)} | ${b}`);
  if (failures.length > 0) {
    console.log(`\n${failures.length} failure(s):\n- ${failures.join('\n- ')}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error('soak crashed:', e);
  process.exitCode = 1;
});
