// Binary events and their attachments: a BINARY_EVENT/BINARY_ACK text message says how many binary
// messages follow; those are its attachments, in order. Only seqs are kept (the bytes stay in the log),
// and both the joins and the attachments per join are capped.

export interface AttachmentJoin {
  readonly packetSeq: number;
  readonly direction: 'in' | 'out';
  /** The event name ('' for a BINARY_ACK). */
  readonly event: string;
  readonly expected: number;
  readonly attachmentSeqs: number[];
}

export const MAX_JOINS = 1000;
/** A packet claiming more attachments is not joined (its binary messages stay stray attachments). */
export const MAX_ATTACHMENTS_PER_JOIN = 10_000;

export class AttachmentJoins {
  private readonly joins = new Map<number, AttachmentJoin>();
  private readonly ofAttachment = new Map<number, number>();
  private readonly open = { in: undefined as AttachmentJoin | undefined, out: undefined as AttachmentJoin | undefined };

  constructor(private readonly maxJoins = MAX_JOINS) {}

  /**
   * A binary packet arrived: its next `expected` binary messages of that direction are its attachments.
   * False when it claims more than MAX_ATTACHMENTS_PER_JOIN.
   */
  begin(direction: 'in' | 'out', packetSeq: number, event: string, expected: number): boolean {
    this.open[direction] = undefined;
    if (expected > MAX_ATTACHMENTS_PER_JOIN) return false;
    const join: AttachmentJoin = { packetSeq, direction, event, expected, attachmentSeqs: [] };
    this.joins.set(packetSeq, join);
    if (this.joins.size > this.maxJoins) this.forget(this.joins.keys().next().value!);
    if (expected > 0) this.open[direction] = join;
    return true;
  }

  /** A binary message arrived; returns its join once it completes it (undefined otherwise). */
  attach(direction: 'in' | 'out', seq: number): { join: AttachmentJoin; complete: boolean } | undefined {
    const join = this.open[direction];
    if (!join) return undefined;
    join.attachmentSeqs.push(seq);
    this.ofAttachment.set(seq, join.packetSeq);
    const complete = join.attachmentSeqs.length === join.expected;
    if (complete) this.open[direction] = undefined;
    return { join, complete };
  }

  /** The join of a binary packet (by its seq) or of one of its attachments. */
  joinOf(seq: number): AttachmentJoin | undefined {
    const packetSeq = this.ofAttachment.get(seq) ?? seq;
    return this.joins.get(packetSeq);
  }

  private forget(packetSeq: number): void {
    const join = this.joins.get(packetSeq);
    if (!join) return;
    for (const s of join.attachmentSeqs) this.ofAttachment.delete(s);
    this.joins.delete(packetSeq);
    if (this.open.in === join) this.open.in = undefined;
    if (this.open.out === join) this.open.out = undefined;
  }
}
