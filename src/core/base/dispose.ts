/** Anything that holds a resource (socket, timer, listener) and can let it go. */
export interface IDisposable {
  dispose(): void;
}

/** Wraps a cleanup function as a disposable that runs it at most once. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

/**
 * Owner of child resources: everything registered is disposed with it, newest first, and anything
 * registered after disposal is disposed at once so nothing outlives its owner.
 */
export class Disposable implements IDisposable {
  private readonly children: IDisposable[] = [];
  private disposedFlag = false;

  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  protected register<T extends IDisposable>(child: T): T {
    if (this.disposedFlag) {
      child.dispose();
    } else {
      this.children.push(child);
    }
    return child;
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    for (let i = this.children.length - 1; i >= 0; i--) {
      try {
        this.children[i]!.dispose();
      } catch {
        // One failing child must not keep the others alive.
      }
    }
    this.children.length = 0;
  }
}

/** A minimal typed event: `event(listener)` subscribes and returns the subscription. */
export type Event<T> = (listener: (value: T) => void) => IDisposable;

/** Owns a listener list; `fire` calls each listener, and one that throws does not stop the rest. */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(value: T): void {
    // fire() sits on the per-frame hot path: no iterator when nobody listens, and no copy of the Set.
    if (this.listeners.size === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (e) {
        // A faulty listener is reported, never allowed to break the producer (a socket handler).
        console.error('[socket-inspector] listener failed:', e);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
