import type { TimerHost } from '../../src/hosting/clock.js';

/** A clock and host timers that move only when a test says so. */
export class FakeHost implements TimerHost {
  t: number;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  readonly delays: number[] = [];
  constructor(start: number) {
    this.t = start;
  }
  now() {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number) {
    this.delays.push(ms);
    const id = ++this.ids;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown) {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  get pending() {
    return this.timers.length;
  }
  /** Move time forward to `to`, running host timers in order as they come due. */
  runTo(to: number) {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > to) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = to;
  }
  /** Move time forward by `ms`. */
  advance(ms: number) {
    this.runTo(this.t + ms);
  }
}
