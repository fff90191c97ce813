import pg from 'pg';
import { dict } from '../stdlib/dict.js';
import { MemoryDurableStore } from './memory.js';
import type { Outbox } from './outbox.js';
import { postgresOutbox } from './postgres-outbox.js';
import { appendActions, loadCommunities, mergeCommits, migrate, PgStoreError, writeState } from './postgres.js';
import type { Commit, DurableStore, LoggedAction, StoredCommunity } from './store.js';
import { messageOf } from '../stdlib/errors.js';

/**
 * The store of `playbook bot --db postgres://…` (docs/bots.md, "PostgreSQL"). A bot is one
 * process owning its rooms' communities, so its rows need no inbox: the runtime runs on a mirror
 * in memory (the state as of every commit so far), and each commit is written behind it, in
 * order, on one session that holds an advisory lock per community. The bot carries an action
 * out only after `settle()` says the commit that logged it is in PostgreSQL, so a crash repeats
 * nothing committed and loses nothing carried out.
 *
 * The locks fence the writes as the cluster owner's do (src/hosting/cluster-owner.ts): a second
 * bot for one of the communities waits for them before it joins any room, and if the session
 * ends, the next write fails and the bot stops rather than write without them.
 */

/** The application_name of a bot's session, followed by its process id. */
export const BOT_APP = 'playbook-bot';

/** What a write failed with: every later settle fails the same way (the mirror is ahead of the database). */
export class PgBotStoreBroken extends Error {}

/** Meta keys of the cluster (src/server/cluster-server.ts): a database that has one is a cluster's. */
const CLUSTER_META = 'playbook.ir';

type Op = { kind: 'commit'; commit: Commit } | { kind: 'replace'; communities: Omit<StoredCommunity, 'processed'>[]; meta: Record<string, string> };

export interface PgBotStoreOptions {
  url: string;
  /** The communities of the bot's rooms: it locks them, and loads and logs only theirs. */
  communities: readonly string[];
  /** Told once when a community is held by another process, while the store waits for it. */
  onWait?: (community: string, holder: string) => void;
  /** Stop waiting (the bot was told to stop before it could start). */
  signal?: AbortSignal;
  /** How often a held lock is tried again. */
  retryMs?: number;
}

/** The key of a community's lock: 64 bits of PostgreSQL's hash, in the single-key space the cluster's slot locks do not use. */
const LOCK_KEY = "hashtextextended('playbook-bot ' || $1::text, 0)";

export class PgBotStore implements DurableStore {
  readonly kind = 'postgres' as const;
  private readonly mirror = new MemoryDurableStore();
  private readonly client: pg.Client;
  private readonly communities: string[];
  private readonly scope: string;
  private rows: StoredCommunity[] | undefined;
  private queue: Op[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  private broken: Error | undefined;
  private closed = false;
  private lastSeqSeen: number;
  /** The webhook calls its commits logged (appendActions writes their rows), on the same session. */
  readonly outbox: Outbox;

  private constructor(client: pg.Client, communities: string[], rows: StoredCommunity[], meta: Map<string, string>, lastSeq: number) {
    this.client = client;
    this.communities = communities;
    this.scope = scopeOf(communities);
    this.rows = rows;
    this.lastSeqSeen = lastSeq;
    this.outbox = postgresOutbox(client);
    // The mirror holds the rows as loaded: a runtime that must rebuild after a failed event reads them back from it.
    for (const r of rows) {
      this.mirror.commit({
        communities: [{ id: r.id, state: r.state }],
        members: r.members.map((m) => ({ community: r.id, id: m.id, state: m.state })),
        processed: r.processed.map((id, i) => ({ community: r.id, id, at: r.processedAt?.[i] ?? 0 })),
        timersReplaced: [],
        timers: r.timers.map((t) => ({ community: r.id, id: (JSON.parse(t) as { id: string }).id, state: t })),
        actions: [],
      });
    }
    const stored = dict<string>();
    for (const [k, v] of meta) stored[k] = v;
    this.mirror.commit({ communities: [], members: [], processed: [], timersReplaced: [], timers: [], actions: [], meta: stored });
  }

  /**
   * Connect, migrate the schema, take every community's lock (waiting while another process
   * holds one), and load the communities' rows and this bot's bookkeeping.
   */
  static async open(options: PgBotStoreOptions): Promise<PgBotStore> {
    const communities = [...new Set(options.communities)].sort();
    const client = new pg.Client({ connectionString: options.url, application_name: `${BOT_APP} ${process.pid}`, keepAlive: true });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await migrate(client);
      const cluster = await client.query('SELECT 1 FROM playbook_meta WHERE key = $1', [CLUSTER_META]);
      if (cluster.rows.length > 0) {
        throw new PgStoreError('this database holds a cluster of playbook serve (docs/scaling.md); give the bot a database of its own');
      }
      const told = new Set<string>();
      for (const c of communities) {
        for (;;) {
          const r = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`, [c]);
          if (r.rows[0]!.ok) break;
          if (options.signal?.aborted) throw new PgStoreError('stopped while waiting for the communities');
          if (!told.has(c)) {
            told.add(c);
            options.onWait?.(c, await holderOf(client, c));
          }
          await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 250));
        }
      }
      const rows = await loadCommunities(client, communities);
      const scope = scopeOf(communities);
      const meta = new Map<string, string>();
      const m = await client.query<{ key: string; value: string }>('SELECT key, value FROM playbook_meta WHERE right(key, length($1)) = $1', [scope]);
      for (const r of m.rows) if (r.key.endsWith(scope)) meta.set(r.key.slice(0, -scope.length), r.value);
      const head = await client.query<{ seq: string }>('SELECT seq FROM log_head');
      return new PgBotStore(client, communities, rows, meta, Number(head.rows[0]?.seq ?? 0));
    } catch (e) {
      await client.end().catch(() => undefined);
      if (e instanceof PgStoreError) throw e;
      throw new PgStoreError(`cannot use the database: ${messageOf(e)}`);
    }
  }

  load(): StoredCommunity[] {
    const rows = this.rows;
    this.rows = undefined;
    return rows ?? this.mirror.load();
  }

  commit(commit: Commit): { firstSeq: number; lastSeq: number } {
    this.mirror.commit(commit);
    this.queue.push({ kind: 'commit', commit });
    // The sequence numbers are PostgreSQL's, known once `settle()` wrote the commit.
    return { firstSeq: 0, lastSeq: 0 };
  }

  replaceState(communities: Omit<StoredCommunity, 'processed'>[], meta: Record<string, string>): void {
    this.mirror.replaceState(communities, meta);
    this.queue.push({ kind: 'replace', communities, meta });
  }

  /**
   * Write every commit made so far, in one transaction after those of earlier calls; resolves
   * with the actions they logged, numbered. Fails if any write failed (this one or an earlier):
   * the bot must stop then, since its state in memory is ahead of the database.
   */
  settle(): Promise<LoggedAction[]> {
    const ops = this.queue;
    this.queue = [];
    const done = this.tail.then(async () => {
      if (this.broken) throw this.broken;
      if (ops.length === 0) return [];
      try {
        return await this.write(ops);
      } catch (e) {
        this.broken = new PgBotStoreBroken(`PostgreSQL: ${messageOf(e)}`);
        throw this.broken;
      }
    });
    this.tail = done.catch(() => undefined);
    return done;
  }

  private async write(ops: readonly Op[]): Promise<LoggedAction[]> {
    const sql = this.client;
    const logged: LoggedAction[] = [];
    await sql.query('BEGIN');
    try {
      for (let i = 0; i < ops.length;) {
        const op = ops[i]!;
        if (op.kind === 'replace') {
          await this.writeReplace(op.communities, op.meta);
          i++;
          continue;
        }
        let j = i;
        while (j < ops.length && ops[j]!.kind === 'commit') j++;
        const commit = mergeCommits(ops.slice(i, j).map((o) => (o as { commit: Commit }).commit));
        await writeState(sql, { ...commit, meta: this.scoped(commit.meta) });
        const { firstSeq } = await appendActions(sql, commit.actions);
        commit.actions.forEach((a, k) => logged.push({ seq: firstSeq + k, community: a.community, json: a.json }));
        i = j;
      }
      await sql.query('COMMIT');
    } catch (e) {
      await sql.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
    if (logged.length > 0) this.lastSeqSeen = logged[logged.length - 1]!.seq;
    return logged;
  }

  /** A reload's state, as the SQLite store's `replaceState` writes it, for this bot's communities only. */
  private async writeReplace(communities: Omit<StoredCommunity, 'processed'>[], meta: Record<string, string>): Promise<void> {
    const sql = this.client;
    for (const table of ['communities', 'members', 'timers'] as const) {
      await sql.query(`DELETE FROM ${table} WHERE ${table === 'communities' ? 'id' : 'community'} = ANY($1)`, [this.communities]);
    }
    await writeState(sql, {
      communities: communities.map((c) => ({ id: c.id, state: c.state })),
      members: communities.flatMap((c) => c.members.map((m) => ({ community: c.id, id: m.id, state: m.state }))),
      processed: [],
      timersReplaced: [],
      timers: communities.flatMap((c) => c.timers.map((t) => ({ community: c.id, id: (JSON.parse(t) as { id: string }).id, state: t }))),
      actions: [],
      meta: this.scoped(meta),
    });
  }

  /** Bookkeeping keys carry the bot's communities: bots of other rooms on the same database keep their own. */
  private scoped(meta: Record<string, string> | undefined): Record<string, string> | undefined {
    if (!meta) return undefined;
    const out = dict<string>();
    for (const [k, v] of Object.entries(meta)) out[k + this.scope] = v;
    return out;
  }

  /** The log is read from the database (`readActionsAfter`): nothing of it is in memory. */
  actionsAfter(): LoggedAction[] {
    throw new Error('the PostgreSQL bot store reads the log with readActionsAfter');
  }

  /** The logged actions of the bot's communities after `after`, oldest first. */
  async readActionsAfter(after: number): Promise<LoggedAction[]> {
    await this.tail;
    const r = await this.client.query<{ seq: string; community: string; action: string }>(
      'SELECT seq, community, action FROM actions WHERE community = ANY($1) AND seq > $2 ORDER BY seq',
      [this.communities, after],
    );
    return r.rows.map((row) => ({ seq: Number(row.seq), community: row.community, json: row.action }));
  }

  /** The last sequence number of the shared log, as of the last read or write. */
  lastSeq(): number {
    return this.lastSeqSeen;
  }

  getMeta(key: string): string | undefined {
    return this.mirror.getMeta(key);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Writes under way finish first; ending the session releases the locks.
    void this.tail.then(() => this.client.end()).catch(() => undefined);
  }

  /** Close and wait until the session is gone (its locks released). */
  async end(): Promise<void> {
    this.closed = true;
    await this.tail;
    await this.client.end().catch(() => undefined);
  }
}

function scopeOf(communities: readonly string[]): string {
  return `@bot${JSON.stringify(communities)}`;
}

/** Who holds a community's lock, for the operator: the session's application_name and address. */
async function holderOf(sql: pg.Client, community: string): Promise<string> {
  const r = await sql.query<{ app: string | null; addr: string | null }>(
    `SELECT a.application_name AS app, a.client_addr::text AS addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
       AND ((l.classid::bigint << 32) | l.objid::bigint) = ${LOCK_KEY}`,
    [community],
  );
  const row = r.rows[0];
  if (!row) return 'another process';
  return `${row.app || 'a session'}${row.addr ? ` at ${row.addr}` : ''}`;
}
