import type pg from 'pg';
import { actionsOf, outcomes, type InboxOutcome } from '../store/postgres.js';
import type { LoggedAction } from '../store/store.js';

/** A reply waits this long between looks at the inbox when no news comes (a NOTIFY missed). */
const POLL_MS = 250;

interface Waiter {
  check(): void;
}

/**
 * Requests waiting for their inbox rows to be processed by the communities' owners. News of a
 * community (its owner's commit) makes its waiters look again; each also looks now and then.
 */
export class ClusterWaiters {
  private readonly byCommunity = new Map<string, Set<Waiter>>();
  private readonly all = new Set<(deadline: number) => void>();
  /** Set by `cut`: no wait lasts past this instant (ms since the epoch). */
  private deadline = Infinity;

  constructor(private readonly pool: pg.Pool) {}

  wake(community: string): void {
    for (const w of this.byCommunity.get(community) ?? []) w.check();
  }

  /** The outcomes and actions of the rows once all are processed, or undefined after `timeoutMs` (or at the `cut` deadline). */
  wait(ids: readonly number[], communities: readonly string[], timeoutMs: number): Promise<{ outcomes: InboxOutcome[]; actions: LoggedAction[] } | undefined> {
    if (ids.length === 0) return Promise.resolve({ outcomes: [], actions: [] });
    return new Promise((resolve, reject) => {
      let busy = false;
      const state = { again: false, finished: false };
      // Read through a call: news may set `again` while a look awaits.
      const more = () => state.again && !state.finished;
      const finish = (value: { outcomes: InboxOutcome[]; actions: LoggedAction[] } | undefined, error?: unknown) => {
        if (state.finished) return;
        state.finished = true;
        clearTimeout(timeout);
        clearInterval(poll);
        for (const c of communities) {
          const set = this.byCommunity.get(c);
          set?.delete(waiter);
          if (set?.size === 0) this.byCommunity.delete(c);
        }
        this.all.delete(cut);
        if (error !== undefined) reject(error instanceof Error ? error : new Error('database error'));
        else resolve(value);
      };
      const look = async () => {
        if (busy) {
          state.again = true;
          return;
        }
        busy = true;
        try {
          do {
            state.again = false;
            const done = await outcomes(this.pool, ids);
            if (done) {
              finish({ outcomes: done, actions: await actionsOf(this.pool, ids) });
              return;
            }
          } while (more());
        } catch (e) {
          finish(undefined, e);
        } finally {
          busy = false;
        }
      };
      const waiter: Waiter = { check: () => void look() };
      const stop = () => {
        finish(undefined);
      };
      let until = Date.now() + timeoutMs;
      let timeout = setTimeout(stop, timeoutMs);
      const cut = (deadline: number) => {
        if (deadline >= until) return;
        until = deadline;
        clearTimeout(timeout);
        timeout = setTimeout(stop, Math.max(0, deadline - Date.now()));
      };
      cut(this.deadline);
      const poll = setInterval(() => void look(), POLL_MS);
      for (const c of communities) {
        let set = this.byCommunity.get(c);
        if (!set) this.byCommunity.set(c, (set = new Set()));
        set.add(waiter);
      }
      this.all.add(cut);
      void look();
    });
  }

  /**
   * Stopping (docs/serve.md, "Signals"): every wait, present or future, ends by `deadline` at the
   * latest; one whose rows are processed before then still gets them.
   */
  cut(deadline: number): void {
    this.deadline = Math.min(this.deadline, deadline);
    for (const c of [...this.all]) c(this.deadline);
  }

  /** End every wait now (undefined). */
  close(): void {
    this.cut(0);
  }
}
