import type { IR } from '../ir/schema.js';
import { memberFromJSON, memberToJSON } from '../runtime/member.js';
import { checkSnapshotStates } from '../runtime/machines/stored.js';
import {
  communityFromJSON,
  createRuntime,
  type DispatchResult,
  type EngineName,
  type OutputAction,
  type Runtime,
  MemoryStore,
  type RuntimeSnapshot,
} from '../runtime/runtime.js';
import type { CommunitySnapshot, CommunityState, MemberState, Timer } from '../runtime/state.js';
import { dict } from '../stdlib/dict.js';
import { Network, type NetworkState } from '../runtime/network.js';
import { emptyCommit, type Commit, type DurableStore, type LoggedAction, type StoredCommunity } from './store.js';
import { messageOf } from '../stdlib/errors.js';

/**
 * A timer index that remembers which ids were set or deleted since it was last drained, so a
 * commit writes the timer rows an event changed instead of diffing every live timer of the
 * community (a deadline pending for each of 100,000 newcomers).
 */
export class TrackingMap<K, V> extends Map<K, V> {
  changed = new Set<K>();

  /** Only through `wrap`: Map's constructor would call `set` with its entries before `changed` exists. */
  private constructor() {
    super();
  }

  static wrap<K, V>(map: Map<K, V>): TrackingMap<K, V> {
    const t = new TrackingMap<K, V>();
    for (const [k, v] of map) Map.prototype.set.call(t, k, v);
    return t;
  }

  override set(key: K, value: V): this {
    this.changed.add(key);
    return super.set(key, value);
  }

  static isTracking<K, V>(map: Map<K, V>): map is TrackingMap<K, V> {
    return map instanceof TrackingMap;
  }

  override delete(key: K): boolean {
    this.changed.add(key);
    return super.delete(key);
  }

  override clear(): void {
    for (const k of this.keys()) this.changed.add(k);
    super.clear();
  }
}

/** The meta entry that holds the network's shared state (runtime/network.ts) as JSON. */
export const NETWORK_META = 'network';

/** An action of the log with its sequence number. */
export interface SequencedAction {
  seq: number;
  action: OutputAction;
}

export interface BatchResult {
  results: DispatchResult[];
  /** Every action of the batch, in order (the concatenation of `results[i].actions`). */
  actions: OutputAction[];
  /** The same actions as logged: sequence number, community and JSON text. */
  logged: LoggedAction[];
}

/** The store failed to commit: nothing of the batch was applied (live state was rebuilt from the store). */
export class StorageError extends Error {}

/**
 * A deferred commit was written but the disk did not confirm its flush: it may or may not survive
 * a crash, and the store refuses every later commit (src/store/wal-flush.ts).
 */
export class UnconfirmedError extends StorageError {}

export interface DurableRuntimeOptions {
  seed?: number;
  engine?: EngineName;
  /**
   * A network holder the host shares between runtimes and loads itself (a cluster owner, from a
   * locked row: src/hosting/cluster-network.ts); the store's meta entry `network` is then not read.
   */
  network?: Network;
}

/** The community row: everything but members, processed ids and timers, which have rows of their own. */
export function communityRow(c: CommunityState): string {
  const { processed: _p, timers: _t, timerIndex: _i, members: _m, ...rest } = c;
  return JSON.stringify(rest);
}

/** Rebuild the JSON snapshot of a community from its rows. */
export function snapshotFromRows(
  row: Pick<StoredCommunity, 'state' | 'members' | 'timers'> & { processed?: string[]; processedAt?: number[] },
): CommunitySnapshot {
  const rest = parseRow(row.state, 'the community row') as Omit<CommunitySnapshot, 'members' | 'processed' | 'timers'>;
  // A dict: member ids come from events, and `__proto__` is one (docs/runtime.md, "Hostile names").
  const members = dict<MemberState>();
  for (const m of row.members) members[m.id] = parseRow(m.state, `the row of member ${JSON.stringify(m.id)}`) as MemberState;
  const timers = row.timers.map((t) => parseRow(t, 'a timer row') as Timer).sort((a, b) => a.due - b.due || a.seq - b.seq);
  return { ...rest, members, processed: row.processed ?? [], ...(row.processedAt ? { processedAt: row.processedAt } : {}), timers };
}

/** A stored row's JSON; one that does not parse (a damaged or hand-edited row) is named, so an operator can find and repair it. */
function parseRow(json: string, what: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (e) {
    throw new SyntaxError(`${what} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** The rows of a community snapshot (for rewriting all state, as a reload does). */
export function rowsFromSnapshot(c: CommunitySnapshot): Omit<StoredCommunity, 'processed'> {
  const { processed: _p, processedAt: _pa, timers, members, ...rest } = c;
  return {
    id: c.id,
    state: JSON.stringify(rest),
    members: Object.keys(members).map((id) => ({ id, state: JSON.stringify(memberToJSON(memberFromJSON(members[id]!))) })),
    timers: timers.map((t) => JSON.stringify(t)),
  };
}

/**
 * A runtime whose state lives in a `DurableStore`. Each batch of events (or an advance) runs on
 * the live state in memory, then its changes are written as one commit: the community rows it
 * touched, the members that changed, the processed ids, the timers set or cancelled and the
 * actions, all or nothing. If processing or the commit fails, live state is rebuilt from the
 * store, so memory never runs ahead of what is durable.
 */
export class DurableRuntime {
  private runtime!: Runtime;
  private live!: MemoryStore;
  /** What the communities share (runtime/network.ts), kept in the meta entry `network`, written in the commit that changes it. */
  private network!: Network;
  private irValue: IR;
  private readonly options: DurableRuntimeOptions;
  readonly store: DurableStore;
  /** The last sequence number written by this runtime's latest commit (flushed or not). */
  private written = 0;

  constructor(ir: IR, store: DurableStore, options: DurableRuntimeOptions = {}) {
    this.irValue = ir;
    this.store = store;
    this.options = options;
    this.written = store.lastSeq();
    this.build();
  }

  get ir(): IR {
    return this.irValue;
  }

  get rt(): Runtime {
    return this.runtime;
  }

  /** Rebuild live state from the store, closing the runtime it replaces. */
  private rebuild(): void {
    this.runtime.close();
    this.build();
  }

  /** Live state read from the store, and a runtime on it. */
  private build(): void {
    this.live = new MemoryStore();
    for (const row of this.store.load()) {
      const c = communityFromJSON(snapshotFromRows(row));
      c.timerIndex = TrackingMap.wrap(c.timerIndex);
      this.live.put(c);
    }
    this.network = this.options.network ?? new Network();
    const shared = this.options.network ? undefined : this.store.getMeta(NETWORK_META);
    if (shared !== undefined) this.network.load(JSON.parse(shared) as NetworkState);
    this.runtime = createRuntime(this.irValue, {
      store: this.live,
      seed: this.options.seed,
      engine: this.options.engine,
      trackChanges: true,
      network: this.network,
    });
  }

  /**
   * Dispatch events in order and commit all their changes together. `deferred`: commit without
   * waiting for the disk where the store can (DurableStore.commitDeferred); the result counts only
   * once `synced()` resolves.
   */
  dispatchBatch(events: readonly unknown[], deferred = false): BatchResult {
    const results: DispatchResult[] = [];
    const processed: { community: string; id: string; at: number }[] = [];
    return this.run(() => {
      for (const raw of events) {
        const r = this.runtime.dispatchDetailed(raw);
        results.push(r);
        // `processed` means the runtime validated the envelope: id and community are strings. A
        // duplicate is written too: a later redelivery moves the id's time (remembered.ts).
        if (r.status === 'processed' || r.status === 'duplicate') {
          const ev = raw as { id: string; community: string };
          processed.push({ community: ev.community, id: ev.id, at: this.live.get(ev.community)!.processed.get(ev.id)! });
        }
      }
      const actions: OutputAction[] = [];
      for (const r of results) for (const a of r.actions) actions.push(a);
      return { results, actions, processed };
    }, deferred);
  }

  /** Resolves once every commit so far is on disk; rejects with UnconfirmedError if the disk failed. */
  synced(): Promise<void> {
    const p = this.store.sync?.();
    if (!p) return Promise.resolve();
    return p.catch((e: unknown) => {
      throw new UnconfirmedError(messageOf(e));
    });
  }

  /**
   * Group commit (src/server/group-commit.ts): dispatch several requests' events in order, as
   * `dispatchBatch` would one after the other, and commit them all in one transaction. Returns
   * each request's share of the results and actions, and the log's last sequence number right
   * after its actions, which is what a commit of its own would have left.
   */
  dispatchGroup(batches: readonly (readonly unknown[])[], deferred = false): { result: BatchResult; lastSeq: number }[] {
    const events = batches.length === 1 ? batches[0]! : batches.flat();
    const all = this.dispatchBatch(events, deferred);
    const out: { result: BatchResult; lastSeq: number }[] = [];
    let r = 0;
    let a = 0;
    let seq = all.logged.length > 0 ? all.logged[0]!.seq - 1 : this.written;
    for (const batch of batches) {
      const results = all.results.slice(r, r + batch.length);
      r += batch.length;
      let n = 0;
      for (const x of results) n += x.actions.length;
      const logged = all.logged.slice(a, a + n);
      out.push({ result: { results, actions: all.actions.slice(a, a + n), logged }, lastSeq: (seq += n) });
      a += n;
    }
    return out;
  }

  /** Fire every timer due up to `to` (ms since the epoch), in every community or in `only`, and commit. */
  advance(to: number, only?: string): BatchResult {
    return this.run(() => ({ results: [], actions: this.runtime.advance(to, only), processed: [] }));
  }

  private run(
    work: () => { results: DispatchResult[]; actions: OutputAction[]; processed: { community: string; id: string; at: number }[] },
    deferred = false,
  ): BatchResult {
    let commit: Commit;
    let out: ReturnType<typeof work>;
    try {
      out = work();
      commit = this.changes();
      commit.processed = out.processed;
      if (this.network.changed) {
        commit.meta = { ...commit.meta, [NETWORK_META]: JSON.stringify(this.network.state) };
        this.network.changed = false;
      }
      // The store forgets what the runtime forgot: ids past the horizon of each touched community.
      commit.forget = commit.communities.map((c) => ({ community: c.id, before: this.live.get(c.id)!.clock - this.runtime.horizonMs }));
      for (const a of out.actions) commit.actions.push({ community: a.community, json: JSON.stringify(a) });
    } catch (e) {
      try {
        this.recover();
      } catch {
        // A store that cannot be read back (a cluster owner's PendingStore): its owner drops this
        // runtime; the work's own error (e.g. a StoredStateError) is what the operator must see.
      }
      throw e;
    }
    let firstSeq: number;
    try {
      const seqs = deferred && this.store.commitDeferred ? this.store.commitDeferred(commit) : this.store.commit(commit);
      firstSeq = seqs.firstSeq;
      // The PostgreSQL bot store numbers actions later (settle) and gives 0 here.
      this.written = Math.max(seqs.lastSeq, this.store.lastSeq());
    } catch (e) {
      try {
        this.recover();
      } catch {
        // The store cannot even be read back; the commit's error says more.
      }
      throw new StorageError(messageOf(e));
    }
    const logged = commit.actions.map((a, i) => ({ seq: firstSeq + i, community: a.community, json: a.json }));
    return { results: out.results, actions: out.actions, logged };
  }

  /** Drop live state that may be ahead of the store. */
  private recover(): void {
    this.runtime.takeChanges();
    this.rebuild();
  }

  /** The rows changed since the last commit. */
  private changes(): Commit {
    const commit = emptyCommit();
    for (const [cid, members] of this.runtime.takeChanges()) {
      const c = this.live.get(cid);
      if (!c) continue;
      commit.communities.push({ id: cid, state: communityRow(c) });
      for (const mid of members) {
        const m = c.members[mid];
        // Members are plain JSON whose absent collections are undefined, which JSON.stringify
        // leaves out: the same text as memberToJSON's copy, without making the copy.
        commit.members.push({ community: cid, id: mid, state: m ? JSON.stringify(m) : null });
      }
      // Each community's timer index is swapped for a TrackingMap once it is written; one whose
      // index is not tracked (new, or replaced by the runtime) has all its timer rows rewritten,
      // so correctness never depends on the tracking, only the cost does.
      const index = c.timerIndex;
      if (TrackingMap.isTracking(index)) {
        for (const id of index.changed) {
          const t = index.get(id);
          commit.timers.push({ community: cid, id, state: t ? JSON.stringify(t) : null });
        }
        index.changed = new Set();
      } else {
        commit.timersReplaced.push(cid);
        for (const t of index.values()) commit.timers.push({ community: cid, id: t.id, state: JSON.stringify(t) });
        c.timerIndex = TrackingMap.wrap(index);
      }
    }
    return commit;
  }

  communityIds(): string[] {
    return this.live.communities();
  }

  /**
   * Refuse (StoredStateError) live state holding a ritual or lifecycle state the playbook does
   * not have: a damaged or hand-edited row, found on loading rather than at the member's next
   * event (src/runtime/machines/stored.ts). Call it once the state is of this playbook's version.
   */
  checkStoredStates(): void {
    checkSnapshotStates(this.irValue, { communities: this.live.communities().map((id) => this.live.get(id)!) });
  }

  nextDue(): number | undefined {
    return this.runtime.nextDue();
  }

  actionsAfter(after: number, limit: number, community?: string): SequencedAction[] {
    return this.store.actionsAfter(after, limit, community).map((a: LoggedAction) => ({ seq: a.seq, action: JSON.parse(a.json) as OutputAction }));
  }

  lastSeq(): number {
    return this.store.lastSeq();
  }

  snapshot(): RuntimeSnapshot {
    return this.runtime.snapshot();
  }

  /**
   * Switch to another version of the playbook with state already migrated to it (see
   * src/hosting/reload.ts): the state is written first, then live state is rebuilt from it.
   */
  replace(ir: IR, snapshot: RuntimeSnapshot, meta: Record<string, string>): void {
    const shared = snapshot.network ? { [NETWORK_META]: JSON.stringify(snapshot.network) } : undefined;
    this.store.replaceState(snapshot.communities.map(rowsFromSnapshot), shared ? { ...meta, ...shared } : meta);
    this.irValue = ir;
    this.runtime.takeChanges();
    this.rebuild();
  }

  close(): void {
    this.runtime.close();
    this.store.close();
  }
}
