// Applies auto-reply rules to a live server session: every message any peer sends is matched, and the
// first matching rule's reply goes back to that peer (logged as Out in its log, marked as an auto-reply
// of that rule: EntryLog.autoReplying).
// Rules with a regular expression are matched on the pattern worker (src/core/patterns/patternRunner.ts),
// never on the extension host's thread: a rule that takes longer than the deadline on one message is
// switched off (kept in the list, off, with the reason) and that message goes on to the rules after it.
// Substring rules alone take linear time and are matched here, at once. Either way messages are matched
// in the order they arrived, across all peers, and replies are scheduled in that order.
import { Direction, Kind } from '../../../shared/logModel';
import { Disposable, Emitter, toDisposable, type Event, type IDisposable } from '../base/dispose';
import { sendOutgoing } from '../connection/outgoingMessage';
import { admitSend } from '../connection/sendBackpressure';
import type { ServerPeer, ServerSession } from '../connection/serverTypes';
import type { AutoReplyRule } from '../../../shared/autoReplyRules';
import { DEFAULT_PATTERN_DEADLINE_MS, PatternBatch, PatternRunner } from '../patterns/patternRunner';
import { AUTO_REPLY_MATCH_BYTES, compileAutoReplies, findAutoReply, needsPatternWorker, type CompiledAutoReply } from './autoReplyMatching';

/** Received entries that are messages: WebSocket text and binary, TCP data. */
const MESSAGE_KINDS = new Set<number>([Kind.Text, Kind.Binary, Kind.Data]);

/** Most bytes of messages waiting for the pattern worker; beyond it messages are not matched (and the log says so). */
const MAX_WAITING_BYTES = 32 * 1024 * 1024;
/** Most messages and bytes handed to the worker at once. */
const BATCH_MESSAGES = 4096;
const BATCH_BYTES = 4 * 1024 * 1024;

/** A received message waiting to be matched on the worker: a copy of its first bytes (the log reuses its memory). */
interface Waiting {
  readonly peer: ServerPeer;
  readonly seq: number;
  readonly bytes: Uint8Array;
  /** Only rules after this rule index are tried: the message was being matched when that rule was switched off. */
  after?: number;
}

/** A peer that closed (or failed) never sends again: accepted sockets do not reconnect. */
function isGone(peer: ServerPeer): boolean {
  return peer.connection.state === 'closed' || peer.connection.state === 'error';
}

/** Answers the peers of one session by the rules it is given; dispose it to stop (pending replies are dropped). */
export class AutoResponder extends Disposable {
  private active: readonly CompiledAutoReply[] = [];
  private onWorker = false;
  private current: readonly AutoReplyRule[] = [];
  private currentProblems: Array<string | undefined> = [];
  /** Why rules were switched off by themselves, by their match text; kept while such a rule stays off. */
  private readonly tooSlow = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout | NodeJS.Immediate>();
  /** What each open peer is watched with, by peer id; dropped when the peer closes, so a closed peer's log can go. */
  private readonly watched = new Map<number, IDisposable[]>();
  private readonly runner: PatternRunner;
  private readonly waiting: Waiting[] = [];
  private waitingBytes = 0;
  private waitingFull = false;
  private matching = false;
  private kick: NodeJS.Immediate | undefined;
  private readonly switchedOff = this.register(new Emitter<void>());
  /** A rule was switched off because its pattern took too long: `rules` and `problems` say which and why. */
  readonly onDidSwitchOff: Event<void> = this.switchedOff.event;

  constructor(
    private readonly session: ServerSession,
    deadlineMs = DEFAULT_PATTERN_DEADLINE_MS,
  ) {
    super();
    this.runner = this.register(new PatternRunner(deadlineMs));
    for (const peer of session.peers) this.watch(peer);
    this.register(session.onDidAcceptPeer((peer) => this.watch(peer)));
    this.register(toDisposable(() => this.cancelPending()));
    this.register(toDisposable(() => this.unwatchAll()));
  }

  /** The rules as last set, including disabled and invalid ones, and those switched off since. */
  get rules(): readonly AutoReplyRule[] {
    return this.current;
  }

  /** What is wrong with each rule (undefined: fine), including why one was switched off. */
  get problems(): ReadonlyArray<string | undefined> {
    return this.currentProblems;
  }

  /** Replaces the rules; returns what is wrong with each (undefined: fine). Valid enabled rules apply at once. */
  setRules(rules: readonly AutoReplyRule[]): ReadonlyArray<string | undefined> {
    const { active, problems } = compileAutoReplies(rules, this.session.kind);
    // A rule switched off for being too slow says so until the user turns it on again (or changes it).
    const stillOff = new Map<string, string>();
    const shown = problems.map((problem, i) => {
      const rule = rules[i]!;
      const reason = this.tooSlow.get(rule.match);
      if (problem !== undefined || rule.enabled || reason === undefined) return problem;
      stillOff.set(rule.match, reason);
      return reason;
    });
    this.tooSlow.clear();
    for (const [match, reason] of stillOff) this.tooSlow.set(match, reason);
    this.current = rules;
    this.currentProblems = shown;
    this.setActive(active);
    for (const w of this.waiting) w.after = undefined;
    return shown;
  }

  private setActive(active: readonly CompiledAutoReply[]): void {
    this.active = active;
    this.onWorker = needsPatternWorker(active);
  }

  private watch(peer: ServerPeer): void {
    if (this.watched.has(peer.id) || isGone(peer)) return;
    const log = peer.connection.log;
    const subscriptions = [
      // A closed peer sends nothing more; holding its log's listener would keep the log (and, in a listener
      // whose budget evicts closed peers, everything it evicted) reachable until the responder goes.
      peer.connection.onDidChangeState((state) => {
        if (state === 'closed' || state === 'error') this.unwatch(peer.id);
      }),
      log.onDidAppend((seq) => {
        if (this.active.length === 0 || log.direction(seq) !== Direction.In) return;
        const kind = log.kind(seq);
        if (kind === undefined || !MESSAGE_KINDS.has(kind)) return;
        const payload = log.payload(seq)!;
        if (!this.onWorker && this.waiting.length === 0 && !this.matching) {
          const rule = findAutoReply(this.active, payload);
          if (rule) this.schedule(peer, rule);
          return;
        }
        this.enqueue(peer, seq, payload);
      }),
    ];
    this.watched.set(peer.id, subscriptions);
  }

  private unwatch(peerId: number): void {
    for (const s of this.watched.get(peerId) ?? []) s.dispose();
    this.watched.delete(peerId);
  }

  private unwatchAll(): void {
    for (const id of [...this.watched.keys()]) this.unwatch(id);
  }

  /** Queues a copy of the message's first bytes for the worker; matching starts once this I/O callback is done. */
  private enqueue(peer: ServerPeer, seq: number, payload: Uint8Array): void {
    const bytes = payload.slice(0, AUTO_REPLY_MATCH_BYTES);
    if (this.waitingBytes + bytes.length > MAX_WAITING_BYTES) {
      if (!this.waitingFull) {
        this.waitingFull = true;
        this.session.log.appendText(
          Direction.Meta,
          Kind.Error,
          `Auto-replies fall behind: messages arrive faster than the rules can be matched; message #${seq} from #${peer.id} and others are not answered until they catch up`,
        );
      }
      return;
    }
    this.waiting.push({ peer, seq, bytes });
    this.waitingBytes += bytes.length;
    if (!this.matching) this.kick ??= setImmediate(() => void this.matchWaiting());
  }

  /** Matches the waiting messages in order, a batch at a time, until none wait. */
  private async matchWaiting(): Promise<void> {
    this.kick = undefined;
    if (this.matching) return;
    this.matching = true;
    try {
      while (this.waiting.length > 0 && !this.isDisposed) {
        const rules = this.active;
        if (rules.length === 0) this.take(this.waiting.length);
        else if (!this.onWorker) {
          for (const w of this.take(this.waiting.length)) {
            const rule = findAutoReply(w.after === undefined ? rules : rules.filter((r) => r.index > w.after!), w.bytes);
            if (rule) this.schedule(w.peer, rule);
          }
        } else await this.matchBatch(rules);
      }
    } finally {
      this.matching = false;
      this.waitingFull = false;
    }
  }

  private async matchBatch(rules: readonly CompiledAutoReply[]): Promise<void> {
    const first = this.waiting[0]!;
    // A message that was being matched when a rule was switched off goes on alone, with the rules after it.
    const after = first.after;
    const tried = after === undefined ? rules : rules.filter((r) => r.index > after);
    let n = 1;
    if (after === undefined) {
      let bytes = first.bytes.length;
      while (n < this.waiting.length && n < BATCH_MESSAGES && this.waiting[n]!.after === undefined && bytes < BATCH_BYTES) bytes += this.waiting[n++]!.bytes.length;
    }
    const batch = this.take(n);
    const items = new PatternBatch();
    for (const w of batch) items.add(w.bytes);
    let result;
    try {
      result = await this.runner.run(
        tried.map((r) => r.pattern),
        items.take(),
        true,
      );
    } catch (e) {
      if (!this.isDisposed) this.session.log.appendText(Direction.Meta, Kind.Error, `Auto-replies could not be matched: ${(e as Error).message}`);
      return;
    }
    if (this.isDisposed) return;
    if (this.active !== rules) {
      // The rules changed meanwhile: these messages are matched by the new ones, all of them.
      for (const w of batch) w.after = undefined;
      this.putBack(batch);
      return;
    }
    const upTo = result.ok ? batch.length : result.item;
    for (let i = 0; i < upTo; i++) {
      const m = result.firstMatch[i]!;
      if (m >= 0) this.schedule(batch[i]!.peer, tried[m]!);
    }
    if (result.ok) return;
    const slow = tried[result.pattern]!;
    const culprit = batch[result.item]!;
    this.switchOff(slow, culprit);
    this.putBack([{ ...culprit, after: slow.index }, ...batch.slice(result.item + 1)]);
  }

  private take(n: number): Waiting[] {
    const taken = this.waiting.splice(0, n);
    for (const w of taken) this.waitingBytes -= w.bytes.length;
    return taken;
  }

  private putBack(messages: Waiting[]): void {
    this.waiting.unshift(...messages);
    for (const w of messages) this.waitingBytes += w.bytes.length;
  }

  /** Turns `rule` off: it stays in the list, off, with the reason; the server's log says so too. */
  private switchOff(rule: CompiledAutoReply, on: Waiting): void {
    const reason = `This pattern took too long on message #${on.seq} of peer #${on.peer.id}; it is off.`;
    const match = this.current[rule.index]!.match;
    this.tooSlow.set(match, reason);
    this.current = this.current.map((r, i) => (i === rule.index ? { ...r, enabled: false } : r));
    this.currentProblems = this.currentProblems.map((p, i) => (i === rule.index ? reason : p));
    this.setActive(this.active.filter((r) => r !== rule));
    const shown = match.length > 80 ? `${match.slice(0, 80)}…` : match;
    this.session.log.appendText(Direction.Meta, Kind.Error, `Auto-reply rule ${rule.index + 1} (${shown}): ${reason}`);
    this.switchedOff.fire();
  }

  /**
   * Replies after the rule's delay; never inside the log's append notification, so the message that
   * triggered it is announced to every listener before the reply is logged.
   */
  private schedule(peer: ServerPeer, rule: CompiledAutoReply): void {
    const send = () => {
      this.timers.delete(handle);
      if (peer.connection.state !== 'open') return;
      if (!admitSend(this.session, peer)) return;
      try {
        peer.connection.log.autoReplying(rule.origin, () => sendOutgoing(peer.connection, rule.reply));
      } catch (e) {
        this.session.log.appendText(Direction.Meta, Kind.Error, `Auto-reply ${rule.index + 1} to #${peer.id} was not sent: ${(e as Error).message}`);
      }
    };
    const handle = rule.delayMs > 0 ? setTimeout(send, rule.delayMs) : setImmediate(send);
    this.timers.add(handle);
  }

  private cancelPending(): void {
    for (const t of this.timers) {
      clearTimeout(t as NodeJS.Timeout);
      clearImmediate(t as NodeJS.Immediate);
    }
    this.timers.clear();
    if (this.kick) clearImmediate(this.kick);
    this.kick = undefined;
    this.take(this.waiting.length);
  }
}
