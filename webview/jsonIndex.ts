// A structural index of a JSON document of any size, built a slice at a time as its bytes arrive, so the
// JSON tab never parses tens of MiB in one task. One pass over the bytes records each value in document
// order (preorder): where it starts, its kind, depth, where its subtree ends in the order, its key's
// offset (object members) or its index (array items), and for containers their child count. Nothing is
// decoded: a view reads keys and scalars from the bytes for the rows it draws.
import { t } from './l10n';

/** Kinds of value, as stored. */
export const enum JsonKind {
  Object = 1,
  Array = 2,
  String = 3,
  Number = 4,
  Literal = 5,
}

/** What comes next in the document. */
const enum Expect {
  Value = 0,
  /** After '[': a value or ']'. */
  ValueOrEnd = 1,
  /** After '{': a key or '}'. */
  KeyOrEnd = 2,
  Key = 3,
  Colon = 4,
  CommaOrEnd = 5,
  Done = 6,
}

/** Kind bit of an object member. */
const MEMBER = 0x80;

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/** One column of the index in chunks of 65,536 values: growing never copies what is there (no long task). */
class Column<T extends Uint32Array | Uint16Array | Uint8Array> {
  private readonly chunks: T[] = [];
  constructor(private readonly make: (n: number) => T) {}
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]![i & MASK]!;
  }
  set(i: number, v: number): void {
    const k = i >>> CHUNK_BITS;
    if (k === this.chunks.length) this.chunks.push(this.make(CHUNK));
    this.chunks[k]![i & MASK] = v;
  }
}

/** The index's columns. */
class Columns {
  readonly start = new Column((n) => new Uint32Array(n));
  /** Index after this value's subtree (this + 1 for scalars); 0 while a container is open. */
  readonly next = new Column((n) => new Uint32Array(n));
  /** Object member: its key's offset; array item: its index in the array; the root: 0. */
  readonly label = new Column((n) => new Uint32Array(n));
  /** Containers: children so far. */
  readonly count = new Column((n) => new Uint32Array(n));
  readonly kind = new Column((n) => new Uint8Array(n));
  readonly depth = new Column((n) => new Uint16Array(n));
  size = 0;
}

/** A JSON document indexed so far; feed() it bytes as they arrive. */
export class JsonIndex {
  private readonly c = new Columns();
  /** Open containers, innermost last. */
  private readonly stack: number[] = [];
  private expect = Expect.Value;
  private pos = 0;
  /** Inside a string that started at `tokenStart` (a key when `inKey`). */
  private inString = false;
  private inKey = false;
  private escaped = false;
  /** Inside a number or literal that started at `tokenStart`. */
  private inScalar = false;
  private tokenStart = 0;
  private pendingKey = 0;
  /** Set when the bytes are not JSON: what and where. */
  error: string | undefined;

  /**
   * @param bytes the whole payload's buffer, filled up to `available` as pages arrive
   */
  constructor(private readonly bytes: Uint8Array) {}

  /** Values indexed. */
  get size(): number {
    return this.c.size;
  }
  /** Bytes read so far. */
  get offset(): number {
    return this.pos;
  }
  /** Whether the whole document was read and is well-formed. */
  get complete(): boolean {
    return this.expect === Expect.Done && this.error === undefined && this.pos === this.bytes.length;
  }

  start(i: number): number {
    return this.c.start.get(i);
  }
  kind(i: number): JsonKind {
    return (this.c.kind.get(i) & 0x7f) as JsonKind;
  }
  depth(i: number): number {
    return this.c.depth.get(i);
  }
  /** Index after i's subtree; `size` while i is a container still open. */
  next(i: number): number {
    return this.c.next.get(i) || this.c.size;
  }
  /** Whether i is a container still being read. */
  isOpen(i: number): boolean {
    return this.c.next.get(i) === 0;
  }
  /** Object member: its key's offset; array item: its index. */
  label(i: number): number {
    return this.c.label.get(i);
  }
  /** Children of a container so far. */
  count(i: number): number {
    return this.c.count.get(i);
  }
  /** Whether i is an object member (its label is its key's offset), not an array item or the root. */
  isMember(i: number): boolean {
    return (this.c.kind.get(i) & MEMBER) !== 0;
  }

  /**
   * Reads bytes [offset, available) for at most `budgetMs`; returns whether it stopped for the budget
   * (more to do with the bytes there) rather than for want of bytes, the end, or an error.
   */
  feed(available: number, budgetMs: number, now: () => number = () => performance.now()): boolean {
    const deadline = now() + budgetMs;
    while (this.pos < available && this.error === undefined) {
      // Check the clock every 8 KiB: cheap, and a slice overruns its budget by well under a millisecond.
      this.run(Math.min(available, this.pos + 8192));
      if (this.pos < available && now() >= deadline) return true;
    }
    if (this.pos === this.bytes.length && this.error === undefined) this.finish();
    return false;
  }

  private fail(what: string, at = this.pos): void {
    this.error ??= t('not valid JSON at byte {0}: {1}', at, what);
  }

  private finish(): void {
    if (this.inScalar) this.endScalar(this.pos);
    if (this.error) return;
    if (this.inString) this.fail(t('a string is not closed'), this.tokenStart);
    else if (this.stack.length > 0) {
      const open = this.stack.at(-1)!;
      this.fail((this.c.kind.get(open) & 0x7f) === JsonKind.Object ? t('an object is not closed') : t('an array is not closed'), this.c.start.get(open));
    }
    else if (this.expect !== Expect.Done) this.fail(t('no value'));
  }

  private value(kind: JsonKind, at: number): number {
    const c = this.c;
    const i = c.size++;
    c.start.set(i, at);
    c.next.set(i, kind === JsonKind.Object || kind === JsonKind.Array ? 0 : i + 1);
    c.count.set(i, 0);
    const parent = this.stack.at(-1);
    c.kind.set(i, parent !== undefined && (c.kind.get(parent) & 0x7f) === JsonKind.Object ? kind | MEMBER : kind);
    if (parent === undefined) {
      c.depth.set(i, 0);
      c.label.set(i, 0);
    } else {
      const siblings = c.count.get(parent);
      c.depth.set(i, Math.min(0xffff, this.stack.length));
      c.label.set(i, (c.kind.get(parent) & 0x7f) === JsonKind.Object ? this.pendingKey : siblings);
      c.count.set(parent, siblings + 1);
    }
    return i;
  }

  /** After a complete value: a comma or the container's end next, or the document is done. */
  private afterValue(): void {
    this.expect = this.stack.length === 0 ? Expect.Done : Expect.CommaOrEnd;
  }

  private endScalar(end: number): void {
    this.inScalar = false;
    const b = this.bytes;
    let text = '';
    // Scalars are short; a run of 40+ characters cannot be a literal and is checked as a number below.
    for (let k = this.tokenStart; k < end && k < this.tokenStart + 400; k++) text += String.fromCharCode(b[k]!);
    if (end - this.tokenStart > 400) this.fail(t('a number too long to read'), this.tokenStart);
    else if (text !== 'true' && text !== 'false' && text !== 'null' && !NUMBER.test(text)) this.fail(t('unexpected {0}', JSON.stringify(text.slice(0, 20))), this.tokenStart);
    this.afterValue();
  }

  /** The byte loop over [pos, limit): a state machine that can stop at any byte and resume. */
  private run(limit: number): void {
    const b = this.bytes;
    let i = this.pos;
    while (i < limit) {
      if (this.inString) {
        // Scan to the closing quote; escapes skip one byte; raw control characters are not allowed.
        for (; i < limit; i++) {
          const x = b[i]!;
          if (this.escaped) this.escaped = false;
          else if (x === 0x5c) this.escaped = true;
          else if (x === 0x22) break;
          else if (x < 0x20) {
            this.pos = i;
            return this.fail(t('a control character inside a string'));
          }
        }
        if (i === limit) break;
        i++;
        this.inString = false;
        if (this.inKey) this.expect = Expect.Colon;
        else this.afterValue();
        continue;
      }
      if (this.inScalar) {
        for (; i < limit; i++) {
          const x = b[i]!;
          if (x === 0x2c || x === 0x5d || x === 0x7d || x === 0x20 || x === 0x0a || x === 0x0d || x === 0x09) break;
        }
        if (i === limit) break;
        this.endScalar(i);
        if (this.error) break;
        continue;
      }
      const x = b[i]!;
      if (x === 0x20 || x === 0x0a || x === 0x0d || x === 0x09) {
        i++;
        continue;
      }
      const e = this.expect;
      if (e === Expect.Value || e === Expect.ValueOrEnd) {
        if (x === 0x5d && e === Expect.ValueOrEnd) {
          this.close(i);
          i++;
          continue;
        }
        if (x === 0x7b || x === 0x5b) {
          const node = this.value(x === 0x7b ? JsonKind.Object : JsonKind.Array, i);
          this.stack.push(node);
          this.expect = x === 0x7b ? Expect.KeyOrEnd : Expect.ValueOrEnd;
          i++;
          continue;
        }
        if (x === 0x22) {
          this.value(JsonKind.String, i);
          this.inString = true;
          this.inKey = false;
          this.tokenStart = i++;
          continue;
        }
        if (x === 0x2d || (x >= 0x30 && x <= 0x39) || x === 0x74 || x === 0x66 || x === 0x6e) {
          this.value(x >= 0x61 ? JsonKind.Literal : JsonKind.Number, i);
          this.inScalar = true;
          this.tokenStart = i++;
          continue;
        }
        this.pos = i;
        return this.fail(t('unexpected {0} where a value belongs', JSON.stringify(String.fromCharCode(x))));
      }
      if (e === Expect.Key || e === Expect.KeyOrEnd) {
        if (x === 0x7d && e === Expect.KeyOrEnd) {
          this.close(i);
          i++;
          continue;
        }
        if (x !== 0x22) {
          this.pos = i;
          return this.fail(t('expected a key in quotes'));
        }
        this.pendingKey = i;
        this.inString = true;
        this.inKey = true;
        this.tokenStart = i++;
        continue;
      }
      if (e === Expect.Colon) {
        if (x !== 0x3a) {
          this.pos = i;
          return this.fail(t("expected ':' after a key"));
        }
        this.expect = Expect.Value;
        i++;
        continue;
      }
      if (e === Expect.CommaOrEnd) {
        const top = this.stack.at(-1)!;
        const object = (this.c.kind.get(top) & 0x7f) === JsonKind.Object;
        if (x === 0x2c) this.expect = object ? Expect.Key : Expect.Value;
        else if (x === (object ? 0x7d : 0x5d)) this.close(i);
        else {
          this.pos = i;
          return this.fail(object ? t("expected ',' or '}'") : t("expected ',' or ']'"));
        }
        i++;
        continue;
      }
      this.pos = i;
      return this.fail(t('more after the document'));
    }
    this.pos = i;
  }

  private close(_at: number): void {
    const node = this.stack.pop()!;
    this.c.next.set(node, this.c.size);
    this.afterValue();
  }
}
