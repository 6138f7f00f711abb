// Frames that asked for a receipt (`receipt` header), waiting for the RECEIPT (or ERROR) whose
// `receipt-id` answers them. Bounded: past MAX_PENDING_RECEIPTS the oldest request is forgotten.

export const MAX_PENDING_RECEIPTS = 1024;

/** A frame that asked for a receipt. */
export interface ReceiptRequest {
  readonly seq: number;
  readonly command: string;
  /** Monotonic time it was logged (ms). */
  readonly monoTime: number;
}

export class ReceiptBook {
  private readonly pending = new Map<string, ReceiptRequest>();
  /** Requests forgotten because too many were pending. */
  forgotten = 0;

  /** Notes a frame asking for `receipt`; a second one asking for the same id replaces the first. */
  ask(receipt: string, request: ReceiptRequest): void {
    this.pending.delete(receipt);
    this.pending.set(receipt, request);
    if (this.pending.size > MAX_PENDING_RECEIPTS) {
      const oldest = this.pending.keys().next().value as string;
      this.pending.delete(oldest);
      this.forgotten++;
    }
  }

  /** The request a receipt-id answers, taken off the book; undefined when none asked for it. */
  answer(receiptId: string): ReceiptRequest | undefined {
    const request = this.pending.get(receiptId);
    if (request) this.pending.delete(receiptId);
    return request;
  }

  get size(): number {
    return this.pending.size;
  }

  clear(): void {
    this.pending.clear();
  }
}
