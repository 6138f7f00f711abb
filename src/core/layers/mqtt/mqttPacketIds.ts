// Packet identifiers of one MQTT session (MQTT 5 §2.2.1): 1 to 65535, each in use until its flow ends.
// Allocated round-robin so a freed id is not reused at once (a late duplicate cannot be mistaken for it).

export class PacketIds {
  private readonly used = new Set<number>();
  private next = 1;

  /** A free id, now in use; undefined when all 65535 are in use. */
  allocate(): number | undefined {
    if (this.used.size >= 0xffff) return undefined;
    while (this.used.has(this.next)) this.next = (this.next % 0xffff) + 1;
    const id = this.next;
    this.used.add(id);
    this.next = (this.next % 0xffff) + 1;
    return id;
  }

  free(id: number): void {
    this.used.delete(id);
  }

  get inUse(): number {
    return this.used.size;
  }

  clear(): void {
    this.used.clear();
  }
}
