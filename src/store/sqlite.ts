import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import type { Commit, DurableStore, LoggedAction, StoredCommunity } from './store.js';
import { isWebhookCall, type Outbox, type OutboxRow, type OutboxStatus } from './outbox.js';
import { WalFlusher, type FsyncFn } from './wal-flush.js';

export interface SqliteStoreOptions {
  /**
   * `full` (default): every commit is on disk before it returns, even across power loss.
   * `normal`: a commit survives the process being killed, but the last ones may be lost if the
   * machine itself goes down (WAL with synchronous=NORMAL); several times faster.
   */
  sync?: 'full' | 'normal';
  /** How the WAL file of deferred commits is flushed (tests put a slow or failing disk here). */
  fsync?: FsyncFn;
}

/** A database that cannot be used, with a message for the operator. */
export class StoreOpenError extends Error {}

type Stmt = Database.Statement;

/** An outbox read: rows on disk (seq <= ?) matching `where`, of the communities in a JSON list when `among`, up to a limit. */
function outboxSelect(where: string, among: boolean, order: string): string {
  const communities = among ? ' AND community IN (SELECT value FROM json_each(?))' : '';
  return `SELECT seq, community, action, attempts, next_at, status, last_error FROM outbox WHERE seq <= ? AND ${where}${communities} ORDER BY ${order} LIMIT ?`;
}

/** 'object' for an action row that is a JSON object, another JSON type's name, or NULL when not JSON. */
const ACTION_KIND = 'CASE WHEN json_valid(action) THEN json_type(action) END AS kind';

/**
 * The SQLite store (better-sqlite3, WAL). One server owns a database: the file is locked
 * exclusively on open, so a second server on the same file fails at once instead of both
 * writing diverging state.
 */
export class SqliteStore implements DurableStore {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  private readonly db: Database.Database;
  /** The last sequence number written. */
  private seq: number;
  /**
   * The last sequence number on disk: what readers see (lastSeq, actionsAfter, the outbox), so
   * none ever sees an action a crash could take back. Behind `seq` only while a deferred commit
   * waits for its flush.
   */
  private durableSeq: number;
  /** With sync full on a file: flushes deferred commits (commitDeferred). */
  private readonly flusher: WalFlusher | undefined;
  /** The connection's current `synchronous` level; deferred commits lower it to NORMAL. */
  private level: 'FULL' | 'NORMAL';
  private readonly fullLevel: 'FULL' | 'NORMAL';
  private readonly stmt: {
    upsertCommunity: Stmt;
    upsertMember: Stmt;
    deleteMember: Stmt;
    insertProcessed: Stmt;
    forgetProcessed: Stmt;
    deleteTimers: Stmt;
    upsertTimer: Stmt;
    deleteTimer: Stmt;
    insertAction: Stmt;
    insertOutbox: Stmt;
    setMeta: Stmt;
    getMeta: Stmt;
    totalChanges: Stmt;
    actionsAfter: Stmt;
    actionsAfterIn: Stmt;
    outboxDue: Stmt;
    outboxDueIn: Stmt;
    outboxNext: Stmt;
    outboxNextIn: Stmt;
    outboxList: Stmt;
    outboxRecord: Stmt;
    outboxCounts: Stmt;
  };
  private readonly commitTx: (commit: Commit) => void;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path;
    try {
      // No waiting on locks: the file has one owner (see below), so a busy lock means another server.
      this.db = new Database(path, { timeout: 200 });
    } catch (e) {
      throw new StoreOpenError(`cannot open database ${path}: ${(e as Error).message}`);
    }
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.sync === 'normal' ? 'NORMAL' : 'FULL'}`);
      this.db.pragma('locking_mode = EXCLUSIVE');
      // Take the write lock now: a second server on this file fails here, not at its first event.
      this.db.exec('BEGIN IMMEDIATE; COMMIT');
      this.migrate();
    } catch (e) {
      this.db.close();
      const code = (e as { code?: string }).code;
      if (code === 'SQLITE_BUSY') throw new StoreOpenError(`database ${path} is in use by another process (one server per database)`);
      if (code === 'SQLITE_NOTADB') throw new StoreOpenError(`${path} is not a SQLite database`);
      throw e instanceof StoreOpenError ? e : new StoreOpenError(`cannot open database ${path}: ${(e as Error).message}`);
    }
    const p = (sql: string) => this.db.prepare(sql);
    this.stmt = {
      upsertCommunity: p('INSERT INTO communities (id, state) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state'),
      upsertMember: p('INSERT INTO members (community, id, state) VALUES (?, ?, ?) ON CONFLICT (community, id) DO UPDATE SET state = excluded.state'),
      deleteMember: p('DELETE FROM members WHERE community = ? AND id = ?'),
      // REPLACE: an id past the horizon may come back as a new event (src/runtime/remembered.ts).
      insertProcessed: p('INSERT OR REPLACE INTO processed (community, id, at) VALUES (?, ?, ?)'),
      forgetProcessed: p('DELETE FROM processed WHERE community = ? AND at < ?'),
      deleteTimers: p('DELETE FROM timers WHERE community = ?'),
      upsertTimer: p('INSERT INTO timers (community, id, state) VALUES (?, ?, ?) ON CONFLICT (community, id) DO UPDATE SET state = excluded.state'),
      deleteTimer: p('DELETE FROM timers WHERE community = ? AND id = ?'),
      insertAction: p('INSERT INTO actions (seq, community, action) VALUES (?, ?, ?)'),
      insertOutbox: p('INSERT INTO outbox (seq, community, action, next_at) VALUES (?, ?, ?, 0)'),
      setMeta: p('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      getMeta: p('SELECT value FROM meta WHERE key = ?'),
      totalChanges: p('SELECT total_changes() AS n'),
      actionsAfter: p(`SELECT seq, community, action, ${ACTION_KIND} FROM actions WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`),
      actionsAfterIn: p(`SELECT seq, community, action, ${ACTION_KIND} FROM actions WHERE seq > ? AND seq <= ? AND community = ? ORDER BY seq LIMIT ?`),
      outboxDue: p(outboxSelect("status = 'pending' AND next_at <= ?", false, 'seq')),
      outboxDueIn: p(outboxSelect("status = 'pending' AND next_at <= ?", true, 'seq')),
      outboxNext: p(outboxSelect("status = 'pending'", false, 'next_at')),
      outboxNextIn: p(outboxSelect("status = 'pending'", true, 'next_at')),
      outboxList: p(outboxSelect('status = ?', false, 'seq DESC')),
      outboxRecord: p('UPDATE outbox SET attempts = ?, status = ?, next_at = ?, last_error = ? WHERE seq = ?'),
      outboxCounts: p('SELECT status, count(*) AS n FROM outbox WHERE seq <= ? GROUP BY status'),
    };
    this.seq = (this.db.prepare('SELECT max(seq) AS seq FROM actions').get() as { seq: number | null }).seq ?? 0;
    this.durableSeq = this.seq;
    this.fullLevel = this.level = options.sync === 'normal' ? 'NORMAL' : 'FULL';
    // A database in memory has no WAL file and nothing to flush: its commits are as durable at once as they will ever be.
    if (this.fullLevel === 'FULL' && !this.db.memory && path !== '') {
      this.flusher = new WalFlusher(
        `${this.mainFile(path)}-wal`,
        (mark) => {
          if (mark > this.durableSeq) this.durableSeq = mark;
        },
        options.fsync,
      );
    }
    this.commitTx = this.db.transaction((commit: Commit) => {
      this.write(commit);
    });
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreOpenError(`database ${this.path} has schema version ${version}, newer than this playbook (${SCHEMA_VERSION}); upgrade playbook`);
    }
    if (version === SCHEMA_VERSION) return;
    this.db.transaction(() => {
      for (let v = version; v < SCHEMA_VERSION; v++) this.db.exec(MIGRATIONS[v]!);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  /**
   * Every row, checked: a state that is not a JSON object (a damaged file, a hand edit) is
   * refused here with its table, community and id, rather than failing later as "Unexpected end
   * of JSON input" with no hint of where. SQLite checks the JSON (json_valid, json_type), which
   * costs a fraction of parsing it again in JavaScript.
   */
  load(): StoredCommunity[] {
    const byId = new Map<string, StoredCommunity>();
    const checked = (table: string, row: { community: string; id?: string; state: string; kind: string | null }) => {
      if (row.kind === 'object') return row.state;
      const which =
        table === 'communities' ? `community ${JSON.stringify(row.community)}` : `community ${JSON.stringify(row.community)}, id ${JSON.stringify(row.id)}`;
      throw new StoreOpenError(
        `database ${this.path} is damaged: the ${table} row of ${which} is ${row.kind === null ? 'not valid JSON' : `JSON ${row.kind}, not an object`}; ` +
          'restore the database from a backup (docs/serve.md#operations)',
      );
    };
    const kind = (column: string) => `CASE WHEN json_valid(${column}) THEN json_type(${column}) END AS kind`;
    type Row = { community: string; id: string; state: string; kind: string | null };
    for (const row of this.db.prepare(`SELECT id AS community, state, ${kind('state')} FROM communities ORDER BY id`).iterate() as IterableIterator<Row>) {
      byId.set(row.community, { id: row.community, state: checked('communities', row), members: [], processed: [], timers: [] });
    }
    const of = (community: string, table: string) => {
      const c = byId.get(community);
      if (!c) throw new StoreOpenError(`database ${this.path} is inconsistent: ${table} row of unknown community ${JSON.stringify(community)}`);
      return c;
    };
    for (const row of this.db.prepare(`SELECT community, id, state, ${kind('state')} FROM members`).iterate() as IterableIterator<Row>) {
      of(row.community, 'member').members.push({ id: row.id, state: checked('members', row) });
    }
    // Oldest first, as the runtime remembers them, so it forgets from the front.
    const processedRows = this.db.prepare('SELECT community, id, at FROM processed ORDER BY community, at').iterate();
    for (const row of processedRows as IterableIterator<{ community: string; id: string; at: number }>) {
      const c = of(row.community, 'processed');
      c.processed.push(row.id);
      (c.processedAt ??= []).push(row.at);
    }
    for (const row of this.db.prepare(`SELECT community, id, state, ${kind('state')} FROM timers`).iterate() as IterableIterator<Row>) {
      of(row.community, 'timer').timers.push(checked('timers', row));
    }
    return [...byId.values()];
  }

  /** Commit, on disk before it returns (with sync full): readers see it at once. */
  commit(commit: Commit): { firstSeq: number; lastSeq: number } {
    this.atLevel(this.fullLevel);
    const before = this.totalChanges();
    const out = this.apply(commit);
    this.flushedAllIfWritten(before);
    return out;
  }

  /**
   * Where SQLite keeps the database (and so its WAL): it resolves symbolic links, so the WAL of
   * `link.db` pointing to `data/real.db` is `data/real.db-wal`.
   */
  private mainFile(path: string): string {
    const main = (this.db.pragma('database_list') as { name: string; file: string }[]).find((d) => d.name === 'main');
    return main?.file || resolve(path);
  }

  private totalChanges(): number {
    return (this.stmt.totalChanges.get() as { n: number }).n;
  }

  /**
   * Commit without waiting for the disk (group commit, src/server/group-commit.ts): the frames are
   * written with synchronous=NORMAL and flushed by `sync()`, in the thread pool. Until that flush
   * completes, readers do not see the commit's actions, and nothing of it may be acknowledged.
   * Without sync full on a file this is `commit`.
   */
  commitDeferred(commit: Commit): { firstSeq: number; lastSeq: number } {
    if (!this.flusher) return this.commit(commit);
    this.atLevel('NORMAL');
    const out = this.apply(commit);
    this.flusher.written(this.seq);
    return out;
  }

  /** Resolves once every commit so far is on disk; rejects if the disk did not confirm it. */
  sync(): Promise<void> {
    return this.flusher ? this.flusher.sync() : Promise.resolve();
  }

  private apply(commit: Commit): { firstSeq: number; lastSeq: number } {
    const refused = this.refusal();
    if (refused) throw refused;
    const before = this.seq;
    try {
      this.commitTx(commit);
    } catch (e) {
      this.seq = before;
      throw e;
    }
    return { firstSeq: before + 1, lastSeq: this.seq };
  }

  /** After a failed flush the WAL may have a hole that recovery would stop at: nothing more is written. */
  private refusal(): Error | undefined {
    const broken = this.flusher?.broken;
    return broken && new Error(`${broken.message}; nothing is written after that until the server restarts`);
  }

  private atLevel(level: 'FULL' | 'NORMAL'): void {
    if (this.level === level) return;
    this.db.pragma(`synchronous = ${level}`);
    this.level = level;
  }

  /**
   * A transaction with the full level that changed rows wrote frames and synced the WAL, which
   * holds every commit before it too. One that changed nothing (an advance with nothing due)
   * wrote no frame and synced nothing: the deferred commits before it wait for their own flush.
   */
  private flushedAllIfWritten(changesBefore: number): void {
    if (this.totalChanges() === changesBefore) return;
    this.durableSeq = this.seq;
    this.flusher?.flushedInline();
  }

  private write(commit: Commit): void {
    const s = this.stmt;
    for (const c of commit.communities) s.upsertCommunity.run(c.id, c.state);
    for (const m of commit.members) {
      if (m.state === null) s.deleteMember.run(m.community, m.id);
      else s.upsertMember.run(m.community, m.id, m.state);
    }
    for (const f of commit.forget ?? []) s.forgetProcessed.run(f.community, f.before);
    for (const p of commit.processed) s.insertProcessed.run(p.community, p.id, p.at);
    for (const id of commit.timersReplaced) s.deleteTimers.run(id);
    for (const t of commit.timers) {
      if (t.state === null) s.deleteTimer.run(t.community, t.id);
      else s.upsertTimer.run(t.community, t.id, t.state);
    }
    for (const a of commit.actions) {
      s.insertAction.run(++this.seq, a.community, a.json);
      if (isWebhookCall(a.json)) s.insertOutbox.run(this.seq, a.community, a.json);
    }
    for (const [k, v] of Object.entries(commit.meta ?? {})) s.setMeta.run(k, v);
  }

  /** The outbox of webhook calls (src/store/outbox.ts), on this database. */
  readonly outbox: Outbox = {
    due: (now, limit, communities) => Promise.resolve(this.outboxRows(communities ? this.stmt.outboxDueIn : this.stmt.outboxDue, [now], communities, limit)),
    nextDue: (communities) => {
      const rows = this.outboxRows(communities ? this.stmt.outboxNextIn : this.stmt.outboxNext, [], communities, 1);
      return Promise.resolve(rows[0]?.nextAt);
    },
    record: (seq, u) => {
      const refused = this.refusal();
      if (refused) return Promise.reject(refused);
      this.atLevel(this.fullLevel);
      this.stmt.outboxRecord.run(u.attempts, u.status, u.nextAt, u.lastError ?? null, seq);
      return Promise.resolve();
    },
    list: (status, limit) => Promise.resolve(this.outboxRows(this.stmt.outboxList, [status], undefined, limit)),
    counts: () => {
      const out: Record<OutboxStatus, number> = { pending: 0, delivered: 0, failed: 0 };
      const rows = this.stmt.outboxCounts.all(this.durableSeq) as {
        status: OutboxStatus;
        n: number;
      }[];
      for (const r of rows) out[r.status] = r.n;
      return Promise.resolve(out);
    },
  };

  private outboxRows(stmt: Stmt, params: unknown[], communities: readonly string[] | undefined, limit: number): OutboxRow[] {
    const rows = stmt.all(this.durableSeq, ...params, ...(communities ? [JSON.stringify(communities)] : []), limit) as {
      seq: number;
      community: string;
      action: string;
      attempts: number;
      next_at: number;
      status: OutboxStatus;
      last_error: string | null;
    }[];
    return rows.map((r) => ({
      seq: r.seq,
      community: r.community,
      action: r.action,
      attempts: r.attempts,
      nextAt: r.next_at,
      status: r.status,
      ...(r.last_error !== null ? { lastError: r.last_error } : {}),
    }));
  }

  replaceState(communities: Omit<StoredCommunity, 'processed'>[], meta: Record<string, string>): void {
    const refused = this.refusal();
    if (refused) throw refused;
    this.atLevel(this.fullLevel);
    const before = this.totalChanges();
    this.db.transaction(() => {
      this.db.exec('DELETE FROM communities; DELETE FROM members; DELETE FROM timers');
      const s = this.stmt;
      for (const c of communities) {
        s.upsertCommunity.run(c.id, c.state);
        for (const m of c.members) s.upsertMember.run(c.id, m.id, m.state);
        for (const t of c.timers) s.upsertTimer.run(c.id, (JSON.parse(t) as { id: string }).id, t);
      }
      for (const [k, v] of Object.entries(meta)) s.setMeta.run(k, v);
    })();
    this.flushedAllIfWritten(before);
  }

  actionsAfter(after: number, limit: number, community?: string): LoggedAction[] {
    const upTo = this.durableSeq;
    const rows = (community === undefined ? this.stmt.actionsAfter.all(after, upTo, limit) : this.stmt.actionsAfterIn.all(after, upTo, community, limit)) as {
      seq: number;
      community: string;
      action: string;
      kind: string | null;
    }[];
    const out: LoggedAction[] = [];
    for (const r of rows) {
      // The log is served as stored: a damaged row would otherwise reach clients as a broken line.
      if (r.kind !== 'object') {
        throw new StoreOpenError(
          `database ${this.path} is damaged: the actions row of seq ${r.seq} (community ${JSON.stringify(r.community)}) is ` +
            `${r.kind === null ? 'not valid JSON' : `JSON ${r.kind}, not an object`}; restore the database from a backup (docs/serve.md#operations)`,
        );
      }
      out.push({ seq: r.seq, community: r.community, json: r.action });
    }
    return out;
  }

  /** The last sequence number on disk (a deferred commit's actions count once flushed). */
  lastSeq(): number {
    return this.durableSeq;
  }

  getMeta(key: string): string | undefined {
    return (this.stmt.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  close(): void {
    this.flusher?.close();
    if (this.db.open) this.db.close();
  }
}
