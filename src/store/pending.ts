import type { Commit, DurableStore, LoggedAction, StoredCommunity } from './store.js';

/**
 * The store a `DurableRuntime` of the cluster runs on (docs/scaling.md): it hands the runtime the
 * rows loaded from PostgreSQL once, then keeps each commit the runtime makes instead of writing
 * it, so the owner can write them inside the transaction that also marks the inbox rows done.
 * When that transaction fails, the runtime is dropped and loaded again from PostgreSQL, never
 * rebuilt from here: this store holds no state of its own after the first load.
 */
export class PendingStore implements DurableStore {
  readonly kind = 'memory' as const;
  private rows: StoredCommunity[] | undefined;
  private pending: Commit[] = [];

  constructor(rows: StoredCommunity[]) {
    this.rows = rows;
  }

  load(): StoredCommunity[] {
    const rows = this.rows;
    // A second load would mean the runtime is rebuilding from here after a failure: refuse, the
    // owner reloads from the database instead.
    if (!rows) throw new Error('the runtime must be reloaded from PostgreSQL');
    this.rows = undefined;
    return rows;
  }

  commit(commit: Commit): { firstSeq: number; lastSeq: number } {
    this.pending.push(commit);
    // The sequence numbers come from PostgreSQL when the commit is written (src/store/postgres.ts).
    return { firstSeq: 0, lastSeq: 0 };
  }

  /** The commits made since the last call, oldest first. */
  take(): Commit[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  replaceState(): void {
    throw new Error('cluster owners carry state over to a new version themselves (src/hosting/cluster-versions.ts)');
  }

  actionsAfter(): LoggedAction[] {
    return [];
  }

  lastSeq(): number {
    return 0;
  }

  getMeta(): string | undefined {
    return undefined;
  }

  close(): void {}
}
