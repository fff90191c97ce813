import { forgetBefore } from '../runtime/remembered.js';
import type { Commit, DurableStore, LoggedAction, StoredCommunity } from './store.js';

interface Community {
  state: string;
  members: Map<string, string>;
  /** Event id -> the event's `at`, oldest first. */
  processed: Map<string, number>;
  timers: Map<string, string>;
}

/**
 * The store interface kept in memory: nothing survives the process, but it holds the same rows
 * as the SQLite store, so tests and `serve --db :memory:` exercise the same write path.
 */
export class MemoryDurableStore implements DurableStore {
  readonly kind = 'memory' as const;
  private readonly communities = new Map<string, Community>();
  private readonly log: LoggedAction[] = [];
  private readonly meta = new Map<string, string>();

  load(): StoredCommunity[] {
    return [...this.communities].map(([id, c]) => ({
      id,
      state: c.state,
      members: [...c.members].map(([mid, state]) => ({ id: mid, state })),
      processed: [...c.processed.keys()],
      processedAt: [...c.processed.values()],
      timers: [...c.timers.values()],
    }));
  }

  commit(commit: Commit): { firstSeq: number; lastSeq: number } {
    // Validate before changing anything, so a bad commit leaves the store as it was.
    const known = new Set(this.communities.keys());
    for (const c of commit.communities) known.add(c.id);
    // Each list on its own rather than one spread copy: a commit has rows per event and per member.
    for (const rows of [commit.members, commit.processed, commit.timers, commit.actions]) {
      for (const row of rows) {
        if (!known.has(row.community)) throw new Error(`commit refers to community ${JSON.stringify(row.community)} without its row`);
      }
    }
    for (const c of commit.communities) {
      const existing = this.communities.get(c.id);
      if (existing) existing.state = c.state;
      else this.communities.set(c.id, { state: c.state, members: new Map(), processed: new Map(), timers: new Map() });
    }
    for (const m of commit.members) {
      const c = this.communities.get(m.community)!;
      if (m.state === null) c.members.delete(m.id);
      else c.members.set(m.id, m.state);
    }
    for (const f of commit.forget ?? []) {
      const ids = this.communities.get(f.community)?.processed;
      if (ids) forgetBefore(ids, f.before);
    }
    for (const p of commit.processed) {
      const ids = this.communities.get(p.community)!.processed;
      ids.delete(p.id); // re-inserted at the end: a comeback past the horizon is the newest
      ids.set(p.id, p.at);
    }
    for (const id of commit.timersReplaced) this.communities.get(id)?.timers.clear();
    for (const t of commit.timers) {
      const c = this.communities.get(t.community)!;
      if (t.state === null) c.timers.delete(t.id);
      else c.timers.set(t.id, t.state);
    }
    const firstSeq = this.log.length + 1;
    for (const a of commit.actions) this.log.push({ seq: this.log.length + 1, community: a.community, json: a.json });
    for (const [k, v] of Object.entries(commit.meta ?? {})) this.meta.set(k, v);
    return { firstSeq, lastSeq: this.log.length };
  }

  replaceState(communities: Omit<StoredCommunity, 'processed'>[], meta: Record<string, string>): void {
    const processed = new Map<string, Map<string, number>>([...this.communities].map(([id, c]) => [id, c.processed]));
    this.communities.clear();
    for (const c of communities) {
      const timers = new Map<string, string>();
      for (const t of c.timers) timers.set((JSON.parse(t) as { id: string }).id, t);
      this.communities.set(c.id, {
        state: c.state,
        members: new Map(c.members.map((m) => [m.id, m.state])),
        processed: processed.get(c.id) ?? new Map<string, number>(),
        timers,
      });
    }
    for (const [k, v] of Object.entries(meta)) this.meta.set(k, v);
  }

  actionsAfter(after: number, limit: number, community?: string): LoggedAction[] {
    const out: LoggedAction[] = [];
    for (let i = Math.max(0, after); i < this.log.length && out.length < limit; i++) {
      const a = this.log[i]!;
      if (community === undefined || a.community === community) out.push(a);
    }
    return out;
  }

  lastSeq(): number {
    return this.log.length;
  }

  getMeta(key: string): string | undefined {
    return this.meta.get(key);
  }

  close(): void {}
}
