import pg from 'pg';
import type { DurableRuntime } from '../store/durable.js';
import { LOCK_CLASS } from '../store/postgres-schema.js';
import {
  appendActions,
  markDone,
  mergeCommits,
  pendingCommunities,
  pendingInboxOf,
  pruneInbox,
  writeState,
  type InboxOutcome,
  type InboxRow,
  type Sql,
} from '../store/postgres.js';
import { communitySlot, type OwnerTiming, DEFAULT_TIMING } from './cluster-slots.js';
import { currentVersion, setCommunityVersions } from '../store/postgres-versions.js';
import { switchVersions, type ClusterVersions } from './cluster-versions.js';
import { usesNetwork } from '../runtime/network.js';
import { ClusterNetwork } from './cluster-network.js';
import { runInbox } from './cluster-run.js';
import { wideRuntime, type WideRuntime } from './cluster-wide.js';
import { asCommunity, Quarantine, type CommunityFailure } from './cluster-quarantine.js';
import { adoptCommunity, loadInto, type LoadContext, type Owned } from './cluster-load.js';
import { messageOf } from '../stdlib/errors.js';

/** The application_name of owner sessions, then the process id: counting them in pg_stat_activity counts the live processes. */
export const OWNER_APP = 'playbook-owner';
/** The NOTIFY channel of processed work; the payload is `<last seq>:<community>`. */
export const DONE_CHANNEL = 'playbook_done';
/** The NOTIFY channel of accepted work; the payload is the community. */
export const INBOX_CHANNEL = 'playbook_inbox';

export interface ClusterOwnerOptions {
  url: string;
  /** The playbook versions (the newest first met at start); a community runs the one its rows were written by until it is carried over. */
  versions: ClusterVersions;
  seed?: number;
  clock: 'wall' | 'events';
  timing?: Partial<OwnerTiming>;
  log: (line: string) => void;
  /** Called after each commit of processed work (the same news other processes get by NOTIFY). */
  onDone: (community: string, lastSeq: number) => void;
  now?: () => number;
}

/**
 * The owner side of a cluster process (docs/scaling.md). One PostgreSQL session holds the
 * process's slots as session advisory locks and runs every processing transaction, so the locks
 * fence the writes: if the session ends (the process dies, or the database ends it), its locks
 * and any open transaction go with it, and another process takes the slots over; a process
 * never commits for a community it does not own. Live state of the owned communities is kept in
 * a `DurableRuntime` per community, loaded from the database when a slot is gained and dropped
 * when it is lost or anything fails.
 */
export class ClusterOwner {
  private readonly options: ClusterOwnerOptions;
  private readonly timing: OwnerTiming;
  private readonly now: () => number;
  private client: pg.Client | undefined;
  private readonly held = new Set<number>();
  private readonly owned = new Map<string, Owned>();
  private readonly dirty = new Set<string>();
  private stopped = false;
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private lastRebalance = 0;
  private lastPoll = 0;
  private lastPrune = 0;
  /** Processes seen at the last rebalance. */
  processes = 0;
  /** The network of groups its runtimes share, loaded from its locked row in each transaction (docs/scaling.md). */
  private readonly network = new ClusterNetwork();
  /** Communities that did not load or whose events or timers failed, waiting out a backoff while the others run, then loaded again from their (maybe repaired) rows. */
  private readonly quarantine: Quarantine;

  constructor(options: ClusterOwnerOptions) {
    this.options = options;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.now = options.now ?? Date.now;
    this.quarantine = new Quarantine({ firstMs: this.timing.rebalanceMs, maxMs: Math.max(60_000, this.timing.rebalanceMs), log: options.log });
  }

  start(): void {
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loopDone;
    await this.disconnect();
  }

  /** Work arrived for a community (from this process or a NOTIFY): process it if it is ours. */
  markDirty(community: string): void {
    if (!this.held.has(communitySlot(community, this.timing.slots))) return;
    this.dirty.add(community);
    this.wake?.();
  }

  get slots(): number[] {
    return [...this.held].sort((a, b) => a - b);
  }

  get communities(): number {
    return this.owned.size;
  }

  /** The communities this process owns now (whose webhook calls it delivers). */
  ownedCommunities(): string[] {
    return [...this.owned.keys()];
  }

  /** Read through a call: `stop()` may set it while the loop awaits. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private async loop(): Promise<void> {
    let backoff = 100;
    while (!this.stopped) {
      try {
        await this.round();
        backoff = 100;
      } catch (e) {
        if (this.isStopped()) break;
        this.options.log(`cluster owner: ${messageOf(e)}; giving up every slot and reconnecting`);
        await this.disconnect();
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.timing.rebalanceMs * 4);
      }
    }
  }

  /** One turn: rebalance when due, pick up missed work, process each dirty community once, fire due timers, then wait. */
  private async round(): Promise<void> {
    const sql = await this.connect();
    const now = this.now();
    if (now - this.lastRebalance >= this.timing.rebalanceMs) {
      await this.rebalance(sql);
      this.lastRebalance = now;
    }
    if (now - this.lastPoll >= this.timing.pollMs) {
      // A NOTIFY can be missed (a listener reconnecting): the inbox itself is the truth.
      for (const c of await pendingCommunities(sql)) this.markDirty(c);
      this.lastPoll = now;
    }
    if (now - this.lastPrune >= this.timing.keepDoneMs) {
      // Replies read a row's outcome within seconds; after that the row is only history.
      await pruneInbox(sql, this.timing.keepDoneMs);
      this.lastPrune = now;
    }
    for (const c of this.quarantine.due(now)) this.dirty.add(c);
    const work = [...this.dirty].filter((c) => this.held.has(communitySlot(c, this.timing.slots)) && !this.quarantine.isAside(c));
    this.dirty.clear();
    for (let i = 0; i < work.length && !this.stopped; i += this.timing.communitiesPerTransaction) {
      const done = await this.quarantine.isolate(work.slice(i, i + this.timing.communitiesPerTransaction), this.now, (cs) => this.processInbox(sql, cs));
      for (const c of done?.more ?? []) this.dirty.add(c);
    }
    let nextDue = this.quarantine.nextDue();
    if (this.options.clock === 'wall') {
      for (const [c, o] of this.owned) {
        const due = o.durable.nextDue();
        if (due === undefined || this.quarantine.isAside(c)) continue;
        if (due <= this.now()) await this.quarantine.isolate([c], this.now, () => this.fireTimers(sql, c).then(() => ({ ran: [c] })));
        else nextDue = Math.min(nextDue, due);
      }
    }
    if (this.dirty.size > 0 || this.stopped) return;
    const untilRebalance = this.lastRebalance + this.timing.rebalanceMs - this.now();
    await this.sleep(Math.max(1, Math.min(untilRebalance, nextDue - this.now())));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({ connectionString: this.options.url, application_name: `${OWNER_APP} ${process.pid}`, keepAlive: true });
    // A session ended from outside (pg_terminate_backend, a restart) surfaces here; the next query fails and the loop starts over.
    client.on('error', (e) => {
      this.options.log(`cluster owner: database session lost: ${e.message}`);
    });
    await client.connect();
    this.client = client;
    this.lastRebalance = 0;
    this.lastPoll = 0;
    return client;
  }

  /** Drop the session (its locks go with it) and every live community: nothing is trusted after a failure. */
  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.held.clear();
    this.owned.clear();
    this.dirty.clear();
    this.network.forget();
    if (client) await client.end().catch(() => undefined);
  }

  /**
   * Each process holds its share of the slots: ceil(slots / live processes). A process over its
   * share releases the extra slots; one under it takes free ones. Released slots are taken by the
   * next rebalance of another process, so joining and leaving converge within a few rounds.
   */
  private async rebalance(sql: pg.Client): Promise<void> {
    const r = await sql.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $1', [
      `${OWNER_APP} %`,
    ]);
    this.processes = Math.max(1, Number(r.rows[0]!.n));
    const share = Math.ceil(this.timing.slots / this.processes);
    if (this.held.size > share) {
      const extra = this.slots.slice(share);
      for (const s of extra) {
        this.held.delete(s);
        for (const c of [...this.owned.keys()]) if (communitySlot(c, this.timing.slots) === s) this.owned.delete(c);
        await sql.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, s]);
      }
      this.options.log(`cluster owner: released ${extra.length} slot(s) (${this.processes} processes)`);
    } else if (this.held.size < share) {
      // Slots no session holds, then one lock call each: a lock function in a query with LIMIT
      // may be run on more rows than the query returns, taking locks nobody would know of.
      const free = await sql.query<{ s: number }>(
        `SELECT s FROM generate_series(0, $1::int - 1) AS s
         WHERE s NOT IN (SELECT objid::int FROM pg_locks WHERE locktype = 'advisory' AND classid = $2::int::oid AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))`,
        [this.timing.slots, LOCK_CLASS],
      );
      const got: number[] = [];
      for (const { s } of free.rows) {
        if (this.held.size + got.length >= share) break;
        const r = await sql.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_CLASS, s]);
        if (r.rows[0]!.ok) got.push(s);
      }
      if (got.length === 0) return;
      const gained = new Set(got);
      for (const s of gained) this.held.add(s);
      await this.loadSlots(sql, gained);
      this.options.log(`cluster owner: took ${gained.size} slot(s), holding ${this.held.size} of ${this.timing.slots} (${this.processes} processes)`);
    }
  }

  /** Load every community of the gained slots (their timers must fire here now) and look for their waiting work. */
  private async loadSlots(sql: pg.Client, gained: Set<number>): Promise<void> {
    const inSlots = (c: string) => gained.has(communitySlot(c, this.timing.slots));
    await this.network.beforeLoad(sql);
    this.retryLoad(await this.load(sql, (await sql.query<{ id: string }>('SELECT id FROM communities')).rows.map((row) => row.id).filter(inSlots)));
    for (const c of await pendingCommunities(sql)) if (inSlots(c)) this.dirty.add(c);
  }

  /** Load (again) the communities; one without rows starts on the newest version this process knows. Returns those that did not load (cluster-load.ts). */
  private load(sql: Sql, ids: readonly string[]): Promise<CommunityFailure[]> {
    return loadInto(sql, this.loading(), ids, this.owned, this.options.versions.latest);
  }

  private loading(): LoadContext {
    return { versions: this.options.versions, seed: this.options.seed, network: this.network.holder };
  }

  /** Communities that did not load outside processInbox: it loads them again, and sets them aside as it does a community whose events fail. */
  private retryLoad(failures: readonly CommunityFailure[]): void {
    for (const f of failures) this.dirty.add(f.community);
  }

  /**
   * Reload every owned community from the database, and `also` (communities with work): another
   * transaction wrote some of them (a network goal's actions in every group). Returns the failures of `also`.
   */
  private async reloadOwned(sql: Sql, also: readonly string[]): Promise<CommunityFailure[]> {
    this.owned.clear();
    const stored = (await sql.query<{ id: string }>('SELECT id FROM communities')).rows.map((row) => row.id);
    const failures = await this.load(sql, [...new Set([...stored.filter((c) => this.held.has(communitySlot(c, this.timing.slots))), ...also])]);
    this.retryLoad(failures);
    return failures.filter((f) => also.includes(f.community));
  }

  /**
   * Process the oldest pending inbox rows of the communities in one transaction: their state,
   * processed ids, timers, actions and the rows' outcomes commit together or not at all (one
   * WAL flush for all of them). Returns the communities that ran and those that may have more rows waiting.
   */
  private async processInbox(sql: pg.Client, communities: readonly string[]): Promise<{ ran: string[]; more: string[] }> {
    const missing = communities.filter((c) => !this.owned.has(c));
    // A community that does not load is set aside by the caller (Quarantine.isolate); its rows stay pending.
    const failed = missing.length > 0 ? await this.load(sql, missing) : [];
    if (failed[0]) throw failed[0];
    const rows = await pendingInboxOf(sql, communities, this.timing.batch);
    if (rows.length === 0) return { ran: [], more: [] };
    const byCommunity = new Map<string, InboxRow[]>();
    for (const r of rows) {
      let list = byCommunity.get(r.community);
      if (!list) byCommunity.set(r.community, (list = []));
      list.push(r);
    }
    await this.transaction(sql, [...byCommunity.keys()], async (runtimeOf) => {
      const outcomes: InboxOutcome[] = [];
      const inboxOf: (number | null)[] = [];
      // runInbox throws a CommunityFailure naming the community whose rows failed; markDone's errors are the database's.
      for (const [c, list] of byCommunity) runInbox(runtimeOf(c), c, list, outcomes, inboxOf);
      await markDone(sql, outcomes);
      return inboxOf;
    });
    return { ran: [...byCommunity.keys()], more: [...byCommunity].filter(([, list]) => list.length === this.timing.batch).map(([c]) => c) };
  }

  /** Fire the due timers of a community (wall clock) in one transaction. */
  private async fireTimers(sql: pg.Client, community: string): Promise<void> {
    await this.transaction(sql, [community], (runtimeOf) => {
      // Looked up here: switching versions may have replaced the runtime.
      asCommunity(community, () => runtimeOf(community).advance(this.now(), community));
      return Promise.resolve([]);
    });
  }

  /**
   * Run `work` on the communities' runtimes inside a transaction, then write the commits it made
   * (merged, in order) and their actions. On any failure the runtimes are dropped (they may be
   * ahead of the database) and the error goes up: a CommunityFailure (thrown by `work`) sets that
   * community aside (cluster-quarantine.ts), any other error ends the session and the next round
   * starts from the database. A playbook with a network locks its row first (src/hosting/cluster-network.ts):
   * the lock order is the slot (held by the session), the network row, then the log head, so
   * networked transactions queue on one row and cannot deadlock. `wide`: run on one runtime
   * holding every group, because an event reaches a network goal (`ClusterNetwork.spreads`).
   */
  private async transaction(sql: pg.Client, communities: readonly string[], work: Work, wide = false): Promise<void> {
    const stores = () => (w ? [w.store] : communities.map((c) => this.owned.get(c)?.store).filter((o) => o !== undefined));
    let w: WideRuntime | undefined;
    let spread = false;
    await sql.query('BEGIN');
    try {
      const versions = this.options.versions;
      const latest = Math.max(versions.latest, await currentVersion(sql));
      versions.latest = latest;
      const ir = await versions.ir(sql, latest);
      const networked = usesNetwork(ir);
      if (networked && (await this.network.lock(sql, latest, ir, (v) => versions.ir(sql, v)))) {
        const failed = await this.reloadOwned(sql, communities);
        if (failed[0]) throw failed[0];
        this.network.loaded();
      }
      if (wide) {
        const ids = [...communities, ...this.network.holder.state.groups];
        w = await wideRuntime(sql, { batch: communities, ids, latest, versions, seed: this.options.seed, network: this.network.holder });
      } else
        await switchVersions(sql, {
          communities,
          latest,
          versions,
          owned: this.owned,
          adopt: async (c, rows) => this.owned.set(c, await adoptCommunity(sql, this.loading(), c, rows, latest)),
          log: this.options.log,
        });
      const runtimeOf = (c: string) => w?.durable ?? this.owned.get(c)!.durable;
      const inboxOf = await work(runtimeOf);
      spread = !wide && networked && this.network.spreads();
      if (spread) throw new Error('running again with every group');
      // Community by community, as `work` ran them: the actions line up with `inboxOf`.
      const commit = mergeCommits(stores().flatMap((s) => s.take()));
      if (networked) await this.network.save(sql, commit, wide);
      await writeState(sql, commit);
      const written = w ? [...new Set([...communities, ...w.stored])] : communities;
      // New rows get the column's default, version 1: a cluster that never reloaded writes nothing more.
      if (latest !== 1) await setCommunityVersions(sql, written, latest);
      const { lastSeq } = await appendActions(sql, commit.actions, inboxOf);
      await sql.query('SELECT pg_notify($1, $2::text || c) FROM unnest($3::text[]) AS c', [DONE_CHANNEL, `${lastSeq}:`, written]);
      await sql.query('COMMIT');
      if (w) {
        // Its own runtimes are behind what it wrote, like every other owner's: load them again.
        this.network.committedWide();
        await this.reloadOwned(sql, communities);
      }
      for (const c of written) this.options.onDone(c, lastSeq);
    } catch (e) {
      for (const c of communities) this.owned.delete(c);
      for (const s of stores()) s.take();
      await sql.query('ROLLBACK').catch(() => undefined);
      if (!spread) throw e;
    }
    if (spread) await this.transaction(sql, communities, work, true);
  }
}

/** The work of a transaction, given the runtime of each community; returns the inbox row of each action logged. */
type Work = (runtimeOf: (community: string) => DurableRuntime) => Promise<(number | null)[]>;
