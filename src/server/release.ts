import type { LoggedAction } from '../store/store.js';

/**
 * Committed actions on their way to the stream and the webhooks (docs/serve.md, "Group commit"):
 * a deferred commit's actions wait here until the store's flush makes them durable (the store's
 * `lastSeq` passes them), then go out in log order, whichever commit (deferred or with the full
 * sync) made them durable. No listener ever gets an action a crash could take back.
 */
export class ReleaseQueue {
  private pending: LoggedAction[] = [];

  constructor(
    /** The last sequence number on disk. */
    private readonly durableSeq: () => number,
    private readonly out: (ready: LoggedAction[]) => void,
  ) {}

  /** Actions just committed, in log order. */
  push(logged: readonly LoggedAction[]): void {
    for (const a of logged) this.pending.push(a);
    this.release();
  }

  /** Send every queued action the disk has confirmed. */
  release(): void {
    if (this.pending.length === 0) return;
    const durable = this.durableSeq();
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.seq <= durable) n++;
    if (n === 0) return;
    const ready = n === this.pending.length ? this.pending : this.pending.slice(0, n);
    this.pending = n === this.pending.length ? [] : this.pending.slice(n);
    this.out(ready);
  }
}
