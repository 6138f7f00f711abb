// Applies auto-reply rules to a live server session: every message any peer sends is matched, and the
// first matching rule's reply goes back to that peer (logged as Out in its log, as if typed).
import { Direction, Kind } from '../../../shared/logModel';
import { Disposable, toDisposable } from '../base/dispose';
import { sendOutgoing } from '../connection/outgoingMessage';
import type { ServerPeer, ServerSession } from '../connection/serverTypes';
import type { AutoReplyRule } from '../../../shared/autoReplyRules';
import { compileAutoReplies, findAutoReply, type CompiledAutoReply } from './autoReplyMatching';

/** Received entries that are messages: WebSocket text and binary, TCP data. */
const MESSAGE_KINDS = new Set<number>([Kind.Text, Kind.Binary, Kind.Data]);

/** Answers the peers of one session by the rules it is given; dispose it to stop (pending replies are dropped). */
export class AutoResponder extends Disposable {
  private active: readonly CompiledAutoReply[] = [];
  private current: readonly AutoReplyRule[] = [];
  private readonly timers = new Set<NodeJS.Timeout | NodeJS.Immediate>();
  private readonly watched = new Set<number>();

  constructor(private readonly session: ServerSession) {
    super();
    for (const peer of session.peers) this.watch(peer);
    this.register(session.onDidAcceptPeer((peer) => this.watch(peer)));
    this.register(toDisposable(() => this.cancelPending()));
  }

  /** The rules as last set, including disabled and invalid ones. */
  get rules(): readonly AutoReplyRule[] {
    return this.current;
  }

  /** Replaces the rules; returns what is wrong with each (undefined: fine). Valid enabled rules apply at once. */
  setRules(rules: readonly AutoReplyRule[]): ReadonlyArray<string | undefined> {
    const { active, problems } = compileAutoReplies(rules, this.session.kind);
    this.current = rules;
    this.active = active;
    return problems;
  }

  private watch(peer: ServerPeer): void {
    if (this.watched.has(peer.id)) return;
    this.watched.add(peer.id);
    const log = peer.connection.log;
    this.register(
      log.onDidAppend((seq) => {
        if (this.active.length === 0 || log.direction(seq) !== Direction.In) return;
        const kind = log.kind(seq);
        if (kind === undefined || !MESSAGE_KINDS.has(kind)) return;
        const rule = findAutoReply(this.active, log.payload(seq)!);
        if (rule) this.schedule(peer, rule);
      }),
    );
  }

  /**
   * Replies after the rule's delay; never inside the log's append notification, so the message that
   * triggered it is announced to every listener before the reply is logged.
   */
  private schedule(peer: ServerPeer, rule: CompiledAutoReply): void {
    const send = () => {
      this.timers.delete(handle);
      if (peer.connection.state !== 'open') return;
      try {
        sendOutgoing(peer.connection, rule.reply);
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
  }
}
