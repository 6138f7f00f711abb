// Kills a process together with everything it started. code-server forks an extension host, a file
// watcher, a pty host, an agent host and language servers; killing only the pid we spawned would leave
// those running (and holding ports) after a test run.
import { readdirSync, readFileSync } from 'node:fs';

/** Returns the parent pid of every live process, read from /proc (Linux only). */
function parentPids() {
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name (2nd field) may contain spaces and parentheses; fields after the last ')' are fixed.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(name), Number(fields[1]));
    } catch {
      // The process ended while we were looking; it has no children to worry about.
    }
  }
  return parents;
}

/** Returns pid and all its descendants (children first-level before deeper ones). */
export function processTree(pid) {
  const parents = parentPids();
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalAll(pids, signal) {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Sends SIGTERM to pid's whole tree (and its process group, which catches children that re-parented to
 * init), waits up to graceMs, then SIGKILLs whatever is left.
 */
export async function killProcessTree(pid, { graceMs = 5000 } = {}) {
  const pids = processTree(pid);
  signalAll(pids, 'SIGTERM');
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // Not a group leader, or the group is already empty.
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(isAlive)) await new Promise((r) => setTimeout(r, 100));
  // Children may have been forked after the snapshot, so take another one before the hard kill.
  const left = [...new Set([...pids.filter(isAlive), ...(isAlive(pid) ? processTree(pid) : [])])];
  signalAll(left, 'SIGKILL');
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Group already empty.
  }
}

/** Synchronous last-resort kill for process 'exit' handlers, where no await is possible. */
export function killProcessTreeSync(pid) {
  signalAll(processTree(pid), 'SIGKILL');
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Group already empty.
  }
}

const guarded = new Set();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killGuarded() {
  for (const pid of guarded) killProcessTreeSync(pid);
  guarded.clear();
}

function onSignal(signal) {
  killGuarded();
  uninstallGuards();
  // With our listener gone, either another listener (playwright's) handles the signal, or re-raising it
  // ends this process the default way, as if we had never listened.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installGuards() {
  process.on('exit', killGuarded);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstallGuards() {
  process.off('exit', killGuarded);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/**
 * Kills pid's tree if this process exits or is interrupted before the returned release() is called. A detached
 * child leads its own process group, so a terminal's Ctrl+C would not reach it otherwise.
 */
export function killTreeOnExit(pid) {
  if (guarded.size === 0) installGuards();
  guarded.add(pid);
  return () => {
    guarded.delete(pid);
    if (guarded.size === 0) uninstallGuards();
  };
}
