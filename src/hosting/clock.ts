/**
 * The wall-clock timer loop of `serve --clock wall`. The runtime keeps every timer in its own
 * durable queue; this loop holds exactly one host timer, for the earliest due entry, and re-arms
 * after each firing and whenever the queue may have changed. A host timer never waits longer
 * than `maxDelayMs` (Node's setTimeout overflows past 2^31-1 ms, about 24.8 days, and fires at
 * once): a far deadline is reached by waking up, finding it not yet due, and sleeping again.
 */

export const MAX_TIMER_DELAY_MS = 60 * 60 * 1000;

/** After a failed firing (a storage error), wait this long before trying again. */
export const RETRY_DELAY_MS = 5_000;

export interface TimerHost {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimerHost: TimerHost = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending timer alone should not keep a process alive that is otherwise shutting down.
    t.unref();
    return t;
  },
  clearTimeout: (h) => {
    clearTimeout(h as NodeJS.Timeout);
  },
};

export class TimerLoop {
  private handle: unknown;
  private armedFor: number | undefined;
  private stopped = false;

  constructor(
    /** The earliest pending timer, or undefined. */
    private readonly nextDue: () => number | undefined,
    /** Fire every timer due up to `now`; may throw (storage errors), the loop retries later. */
    private readonly fire: (now: number) => void,
    private readonly onError: (e: unknown) => void = () => {},
    private readonly host: TimerHost = realTimerHost,
    private readonly maxDelayMs: number = MAX_TIMER_DELAY_MS,
  ) {}

  /** The delay of the host timer currently armed (for tests), or undefined. */
  get armedDelay(): number | undefined {
    return this.armedFor;
  }

  /** Look at the queue again: call after anything that may have added an earlier timer. */
  arm(): void {
    if (this.stopped) return;
    const due = this.nextDue();
    if (due === undefined) {
      this.clear();
      return;
    }
    this.schedule(Math.min(Math.max(0, due - this.host.now()), this.maxDelayMs));
  }

  private schedule(delay: number): void {
    this.clear();
    this.armedFor = delay;
    this.handle = this.host.setTimeout(() => {
      this.wake();
    }, delay);
  }

  private wake(): void {
    this.handle = undefined;
    this.armedFor = undefined;
    if (this.stopped) return;
    const now = this.host.now();
    const due = this.nextDue();
    if (due !== undefined && due <= now) {
      try {
        this.fire(now);
      } catch (e) {
        this.onError(e);
        this.schedule(RETRY_DELAY_MS);
        return;
      }
    }
    this.arm();
  }

  private clear(): void {
    if (this.handle !== undefined) this.host.clearTimeout(this.handle);
    this.handle = undefined;
    this.armedFor = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }
}
