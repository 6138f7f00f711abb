// Events that asked for an acknowledgement, and the ACKs that answered them: both directions, keyed by
// namespace and ack id, with the round trip. Capped: a peer that never acknowledges cannot grow it.
export interface SocketIoAckPair {
  /** Who emitted the event: 'out' we (or the client, in a proxy) did, 'in' the server did. */
  readonly direction: 'in' | 'out';
  readonly namespace: string;
  readonly ackId: number;
  readonly eventSeq: number;
  readonly ackSeq: number;
  /** From the event's log time to the ACK's, in milliseconds. */
  readonly rttMs: number;
}

interface Pending {
  readonly eventSeq: number;
  readonly mono: number;
}

export const MAX_PENDING_ACKS = 1024;
export const MAX_ACK_PAIRS = 10_000;

export class AckPairs {
  private readonly pending = new Map<string, Pending>();
  private readonly pairs: SocketIoAckPair[] = [];
  private readonly bySeq = new Map<number, SocketIoAckPair>();
  /** Events that asked for an ack and were forgotten unanswered because of the cap. */
  forgotten = 0;

  constructor(
    private readonly maxPending = MAX_PENDING_ACKS,
    private readonly maxPairs = MAX_ACK_PAIRS,
  ) {}

  /** An event with an ack id went `direction` at log time `mono`. */
  expect(direction: 'in' | 'out', namespace: string, ackId: number, eventSeq: number, mono: number): void {
    const key = `${direction} ${namespace} ${ackId}`;
    this.pending.delete(key);
    this.pending.set(key, { eventSeq, mono });
    if (this.pending.size > this.maxPending) {
      this.pending.delete(this.pending.keys().next().value!);
      this.forgotten++;
    }
  }

  /** An ACK went the other way; returns the pair, or undefined when no event waits for it. */
  answer(ackDirection: 'in' | 'out', namespace: string, ackId: number, ackSeq: number, mono: number): SocketIoAckPair | undefined {
    const direction = ackDirection === 'in' ? 'out' : 'in';
    const key = `${direction} ${namespace} ${ackId}`;
    const p = this.pending.get(key);
    if (!p) return undefined;
    this.pending.delete(key);
    const pair: SocketIoAckPair = { direction, namespace, ackId, eventSeq: p.eventSeq, ackSeq, rttMs: mono - p.mono };
    this.pairs.push(pair);
    this.bySeq.set(pair.eventSeq, pair);
    this.bySeq.set(pair.ackSeq, pair);
    if (this.pairs.length > this.maxPairs) {
      const old = this.pairs.shift()!;
      this.bySeq.delete(old.eventSeq);
      this.bySeq.delete(old.ackSeq);
    }
    return pair;
  }

  /** Pairs made, oldest first (the newest MAX_ACK_PAIRS). */
  list(): readonly SocketIoAckPair[] {
    return this.pairs.slice();
  }

  /** The pair an entry (event or ACK) is part of. */
  pairOf(seq: number): SocketIoAckPair | undefined {
    return this.bySeq.get(seq);
  }

  /** Events still waiting for their ACK. */
  get waiting(): number {
    return this.pending.size;
  }
}
