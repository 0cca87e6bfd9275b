import { HeraldError } from '@herald/protocol';

/**
 * Items handed from background loops (one per partition) to one reader: push() gives an item to
 * a waiting next() or buffers it; next() takes the oldest, or waits. fail() makes the next
 * next() throw, end() makes it report done. The async iterators of the consumers are this.
 */
export class Handoff<T> {
  private items: T[] = [];
  private head = 0;
  private reader: { resolve: (r: IteratorResult<T>) => void; reject: (e: HeraldError) => void } | undefined;
  private failure: HeraldError | undefined;
  private ended = false;

  /** `onTake` runs after each item taken (for a loop waiting for room). */
  constructor(private readonly onTake: () => void = () => {}) {}

  /** Items buffered and not taken yet. */
  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    const reader = this.reader;
    if (reader !== undefined) {
      this.reader = undefined;
      reader.resolve({ done: false, value: item });
    } else {
      this.items.push(item);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.head < this.items.length) {
      const item = this.items[this.head++]!;
      // Drop the taken prefix once it is the larger part.
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      this.onTake();
      return Promise.resolve({ done: false, value: item });
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    if (this.reader !== undefined) return Promise.reject(new HeraldError('InvalidArgument', 'next() called again before the previous call resolved'));
    return new Promise((resolve, reject) => {
      this.reader = { resolve, reject };
    });
  }

  /** Drops what is buffered. */
  clear(): void {
    this.items = [];
    this.head = 0;
  }

  /** From now on next() throws `err` once the buffer is empty; a waiting next() throws now. */
  fail(err: HeraldError): void {
    if (this.failure !== undefined || this.ended) return;
    this.failure = err;
    const reader = this.reader;
    this.reader = undefined;
    reader?.reject(err);
  }

  /** Once the buffer is empty, next() reports done; a waiting next() does now. */
  end(): void {
    this.ended = true;
    const reader = this.reader;
    this.reader = undefined;
    reader?.resolve({ done: true, value: undefined });
  }
}
