import pg from 'pg';
import { LOCK_CLASS, MIGRATION_LOCK, PG_MIGRATIONS, PG_SCHEMA_VERSION } from './postgres-schema.js';
import { emptyCommit, type Commit, type LoggedAction, type StoredCommunity } from './store.js';
import { isWebhookCall } from './outbox.js';

/**
 * The PostgreSQL store of cluster mode (docs/scaling.md), through node-postgres. The state rows
 * are the SQLite store's (src/store/sqlite.ts); what differs is that many processes share them:
 * every write happens inside a transaction of the process that owns the community (see
 * src/hosting/cluster-owner.ts), and the accepted work waits in the inbox until then.
 */

export type Sql = pg.ClientBase;

/** A database that cannot be used, with a message for the operator. */
export class PgStoreError extends Error {}

export interface InboxEntry {
  community: string;
  kind: 'event' | 'advance';
  body: string;
}

export interface InboxRow extends InboxEntry {
  id: number;
}

/** What happened to an inbox row: the runtime's status ('processed', 'duplicate', ...) and lateness. */
export interface InboxOutcome {
  id: number;
  status: string;
  late: boolean;
}

/** Apply the missing migrations; refuses a database migrated by a newer playbook. */
export async function migrate(sql: Sql): Promise<void> {
  await sql.query('BEGIN');
  try {
    await sql.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]);
    await sql.query('CREATE TABLE IF NOT EXISTS playbook_schema (version integer NOT NULL)');
    const r = await sql.query<{ version: number }>('SELECT version FROM playbook_schema');
    const version = r.rows[0]?.version ?? 0;
    if (version > PG_SCHEMA_VERSION) {
      throw new PgStoreError(`the database has playbook schema version ${version}, newer than this playbook (${PG_SCHEMA_VERSION}); upgrade playbook`);
    }
    for (let v = version; v < PG_SCHEMA_VERSION; v++) await sql.query(PG_MIGRATIONS[v]!);
    if (r.rows.length === 0) await sql.query('INSERT INTO playbook_schema (version) VALUES ($1)', [PG_SCHEMA_VERSION]);
    else await sql.query('UPDATE playbook_schema SET version = $1', [PG_SCHEMA_VERSION]);
    await sql.query('COMMIT');
  } catch (e) {
    await sql.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** The stored rows of the given communities (those that have a row), in the shape of `DurableStore.load`. */
export async function loadCommunities(sql: Sql, ids: readonly string[]): Promise<StoredCommunity[]> {
  if (ids.length === 0) return [];
  const byId = new Map<string, StoredCommunity>();
  const communities = await sql.query<{ id: string; state: string }>('SELECT id, state FROM communities WHERE id = ANY($1) ORDER BY id', [ids]);
  for (const r of communities.rows) byId.set(r.id, { id: r.id, state: r.state, members: [], processed: [], processedAt: [], timers: [] });
  const found = [...byId.keys()];
  if (found.length === 0) return [];
  const members = await sql.query<{ community: string; id: string; state: string }>('SELECT community, id, state FROM members WHERE community = ANY($1)', [
    found,
  ]);
  for (const r of members.rows) byId.get(r.community)!.members.push({ id: r.id, state: r.state });
  // Oldest first, as the runtime remembers them (src/runtime/remembered.ts).
  const processed = await sql.query<{ community: string; id: string; at: string }>(
    'SELECT community, id, at FROM processed WHERE community = ANY($1) ORDER BY community, at',
    [found],
  );
  for (const r of processed.rows) {
    const c = byId.get(r.community)!;
    c.processed.push(r.id);
    c.processedAt!.push(Number(r.at));
  }
  const timers = await sql.query<{ community: string; state: string }>('SELECT community, state FROM timers WHERE community = ANY($1)', [found]);
  for (const r of timers.rows) byId.get(r.community)!.timers.push(r.state);
  return [...byId.values()];
}

/** The oldest pending inbox rows of a community, in the order they were accepted. */
export async function pendingInbox(sql: Sql, community: string, limit: number): Promise<InboxRow[]> {
  const r = await sql.query<{ id: string; community: string; kind: 'event' | 'advance'; body: string }>(
    'SELECT id, community, kind, body FROM inbox WHERE community = $1 AND status IS NULL ORDER BY id LIMIT $2',
    [community, limit],
  );
  return r.rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** The oldest pending inbox rows of each of the communities (at most `limit` each), in the order they were accepted. */
export async function pendingInboxOf(sql: Sql, communities: readonly string[], limit: number): Promise<InboxRow[]> {
  const r = await sql.query<{ id: string; community: string; kind: 'event' | 'advance'; body: string }>(
    `SELECT id, community, kind, body FROM (
       SELECT id, community, kind, body, row_number() OVER (PARTITION BY community ORDER BY id) AS n
       FROM inbox WHERE community = ANY($1) AND status IS NULL) AS t
     WHERE n <= $2 ORDER BY id`,
    [communities, limit],
  );
  return r.rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** Rows keyed by (community, id), the last of each key kept: an upsert may touch a row once. */
function lastByKey<T extends { community: string; id: string }>(rows: readonly T[]): T[] {
  const m = new Map<string, T>();
  for (const r of rows) {
    const k = JSON.stringify([r.community, r.id]);
    m.delete(k);
    m.set(k, r);
  }
  return [...m.values()];
}

/** Write (community, id, state) rows: null states delete, others upsert. */
async function writeKeyed(sql: Sql, table: 'members' | 'timers', rows: readonly { community: string; id: string; state: string | null }[]): Promise<void> {
  const unique = lastByKey(rows);
  const gone = unique.filter((r) => r.state === null);
  const kept = unique.filter((r) => r.state !== null);
  if (gone.length > 0) {
    await sql.query(`DELETE FROM ${table} t USING unnest($1::text[], $2::text[]) AS d (c, i) WHERE t.community = d.c AND t.id = d.i`, [
      gone.map((r) => r.community),
      gone.map((r) => r.id),
    ]);
  }
  if (kept.length > 0) {
    await sql.query(
      `INSERT INTO ${table} (community, id, state) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (community, id) DO UPDATE SET state = excluded.state`,
      [kept.map((r) => r.community), kept.map((r) => r.id), kept.map((r) => r.state)],
    );
  }
}

/** Write the state rows of one commit (no actions) inside the caller's transaction, in the order the SQLite store applies them. */
export async function writeState(sql: Sql, commit: Commit): Promise<void> {
  const communities = new Map(commit.communities.map((c) => [c.id, c.state]));
  if (communities.size > 0) {
    await sql.query('INSERT INTO communities (id, state) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (id) DO UPDATE SET state = excluded.state', [
      [...communities.keys()],
      [...communities.values()],
    ]);
  }
  await writeKeyed(sql, 'members', commit.members);
  const forget = commit.forget ?? [];
  if (forget.length > 0) {
    await sql.query('DELETE FROM processed p USING unnest($1::text[], $2::bigint[]) AS f (c, b) WHERE p.community = f.c AND p.at < f.b', [
      forget.map((f) => f.community),
      forget.map((f) => Math.floor(f.before)),
    ]);
  }
  const processed = lastByKey(commit.processed);
  if (processed.length > 0) {
    // An id past the horizon may come back as a new event: the upsert dates it anew (remembered.ts).
    await sql.query(
      'INSERT INTO processed (community, id, at) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT (community, id) DO UPDATE SET at = excluded.at',
      [processed.map((p) => p.community), processed.map((p) => p.id), processed.map((p) => Math.floor(p.at))],
    );
  }
  if (forget.length > 0 && processed.length > 0) {
    // Commits merged by `mergeCommits`: a later one's horizon may drop ids an earlier one wrote.
    await sql.query('DELETE FROM processed p USING unnest($1::text[], $2::bigint[]) AS f (c, b) WHERE p.community = f.c AND p.at < f.b', [
      forget.map((f) => f.community),
      forget.map((f) => Math.floor(f.before)),
    ]);
  }
  if (commit.timersReplaced.length > 0) await sql.query('DELETE FROM timers WHERE community = ANY($1)', [commit.timersReplaced]);
  await writeKeyed(sql, 'timers', commit.timers);
  const meta = Object.entries(commit.meta ?? {});
  if (meta.length > 0) {
    await sql.query(
      'INSERT INTO playbook_meta (key, value) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [meta.map(([k]) => k), meta.map(([, v]) => v)],
    );
  }
}

/**
 * One commit with the rows of several, in order, so a transaction writes them with one statement
 * per table: later rows of a key win (`lastByKey`), forgetting is applied again after the
 * processed ids (`writeState`), and a later full rewrite of a community's timers drops the
 * earlier commits' timer rows of that community.
 */
export function mergeCommits(commits: readonly Commit[]): Commit {
  if (commits.length === 1) return commits[0]!;
  const out = emptyCommit();
  out.forget = [];
  for (const c of commits) {
    out.communities.push(...c.communities);
    out.members.push(...c.members);
    out.forget.push(...(c.forget ?? []));
    out.processed.push(...c.processed);
    for (const id of c.timersReplaced) {
      out.timers = out.timers.filter((t) => t.community !== id);
      if (!out.timersReplaced.includes(id)) out.timersReplaced.push(id);
    }
    out.timers.push(...c.timers);
    out.actions.push(...c.actions);
    if (c.meta) out.meta = { ...out.meta, ...c.meta };
  }
  return out;
}

/**
 * Append actions to the log inside the caller's transaction. `inboxOf[i]` is the inbox row whose
 * processing logged `actions[i]` (null for a timer fired by the wall clock). The sequence numbers
 * are taken under the row lock of `log_head`: call this last, so the lock is held only while the
 * transaction commits. Returns the sequence numbers used (0, 0 for no actions).
 */
export async function appendActions(
  sql: Sql,
  actions: readonly { community: string; json: string }[],
  inboxOf: readonly (number | null)[] = [],
): Promise<{ firstSeq: number; lastSeq: number }> {
  const n = actions.length;
  if (n === 0) return { firstSeq: 0, lastSeq: 0 };
  const head = await sql.query<{ last: string }>('UPDATE log_head SET seq = seq + $1 RETURNING seq AS last', [n]);
  const last = Number(head.rows[0]!.last);
  const first = last - n + 1;
  await sql.query('INSERT INTO actions (seq, community, action, inbox) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[])', [
    actions.map((_, i) => first + i),
    actions.map((a) => a.community),
    actions.map((a) => a.json),
    actions.map((_, i) => inboxOf[i] ?? null),
  ]);
  // The outbox row of each webhook call, in the same transaction as its action (src/store/outbox.ts).
  const calls = actions.map((a, i) => ({ ...a, seq: first + i })).filter((a) => isWebhookCall(a.json));
  if (calls.length > 0) {
    await sql.query('INSERT INTO outbox (seq, community, action) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])', [
      calls.map((c) => c.seq),
      calls.map((c) => c.community),
      calls.map((c) => c.json),
    ]);
  }
  return { firstSeq: first, lastSeq: last };
}

/** One commit of a runtime, state and actions, inside the caller's transaction. */
export async function writeCommit(sql: Sql, commit: Commit, inboxOf: readonly (number | null)[] = []): Promise<{ firstSeq: number; lastSeq: number }> {
  await writeState(sql, commit);
  return appendActions(sql, commit.actions, inboxOf);
}

/** Mark inbox rows done with how they were processed (inside the owner's transaction). */
export async function markDone(sql: Sql, outcomes: readonly InboxOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await sql.query(
    'UPDATE inbox SET status = o.s, late = o.l, done_at = now() FROM unnest($1::bigint[], $2::text[], $3::boolean[]) AS o (i, s, l) WHERE inbox.id = o.i',
    [outcomes.map((o) => o.id), outcomes.map((o) => o.status), outcomes.map((o) => o.late)],
  );
}

/** Commit work to the inbox (autocommit: the rows are durable when this returns); their ids, in order. */
export async function accept(sql: Sql | pg.Pool, entries: readonly InboxEntry[]): Promise<number[]> {
  if (entries.length === 0) return [];
  const r = await sql.query<{ id: string }>(
    'INSERT INTO inbox (community, kind, body) SELECT c, k, b FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS e (c, k, b, n) ORDER BY n RETURNING id',
    [entries.map((e) => e.community), entries.map((e) => e.kind), entries.map((e) => e.body)],
  );
  return r.rows.map((row) => Number(row.id)).sort((a, b) => a - b);
}

/** The logged actions after `after`, oldest first, as the SQLite store's `actionsAfter`. */
export async function actionsAfter(sql: Sql | pg.Pool, after: number, limit: number, community?: string): Promise<LoggedAction[]> {
  const r =
    community === undefined
      ? await sql.query<{ seq: string; community: string; action: string }>('SELECT seq, community, action FROM actions WHERE seq > $1 ORDER BY seq LIMIT $2', [
          after,
          limit,
        ])
      : await sql.query<{ seq: string; community: string; action: string }>(
          'SELECT seq, community, action FROM actions WHERE community = $3 AND seq > $1 ORDER BY seq LIMIT $2',
          [after, limit, community],
        );
  return r.rows.map((row) => ({ seq: Number(row.seq), community: row.community, json: row.action }));
}

export async function lastSeq(sql: Sql | pg.Pool): Promise<number> {
  const r = await sql.query<{ seq: string }>('SELECT seq FROM log_head');
  return Number(r.rows[0]?.seq ?? 0);
}

export async function getMeta(sql: Sql | pg.Pool, key: string): Promise<string | undefined> {
  const r = await sql.query<{ value: string }>('SELECT value FROM playbook_meta WHERE key = $1', [key]);
  return r.rows[0]?.value;
}

/** Set a meta entry unless one is there; returns the value stored afterwards. */
export async function initMeta(sql: Sql | pg.Pool, key: string, value: string): Promise<string> {
  await sql.query('INSERT INTO playbook_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
  return (await getMeta(sql, key)) ?? value;
}

/** Outcomes of inbox rows, or undefined while any is still pending. */
export async function outcomes(sql: Sql | pg.Pool, ids: readonly number[]): Promise<InboxOutcome[] | undefined> {
  const r = await sql.query<{ id: string; status: string | null; late: boolean | null }>(
    'SELECT id, status, late FROM inbox WHERE id = ANY($1::bigint[]) ORDER BY id',
    [ids],
  );
  if (r.rows.some((row) => row.status === null)) return undefined;
  return r.rows.map((row) => ({ id: Number(row.id), status: row.status!, late: row.late === true }));
}

/** The actions logged by processing the given inbox rows, in log order. */
export async function actionsOf(sql: Sql | pg.Pool, ids: readonly number[]): Promise<LoggedAction[]> {
  const r = await sql.query<{ seq: string; community: string; action: string }>(
    'SELECT seq, community, action FROM actions WHERE inbox = ANY($1::bigint[]) ORDER BY seq',
    [ids],
  );
  return r.rows.map((row) => ({ seq: Number(row.seq), community: row.community, json: row.action }));
}

/** Every community with a row or with work waiting (the communities an advance reaches). */
export async function knownCommunities(sql: Sql | pg.Pool): Promise<string[]> {
  const r = await sql.query<{ id: string }>('SELECT id FROM communities UNION SELECT DISTINCT community FROM inbox WHERE status IS NULL ORDER BY 1');
  return r.rows.map((row) => row.id);
}

/** Communities with pending inbox rows. */
export async function pendingCommunities(sql: Sql | pg.Pool): Promise<string[]> {
  const r = await sql.query<{ community: string }>('SELECT DISTINCT community FROM inbox WHERE status IS NULL');
  return r.rows.map((row) => row.community);
}

/** Forget inbox rows processed more than `olderThanMs` ago (their replies were sent long since). */
export async function pruneInbox(sql: Sql | pg.Pool, olderThanMs: number): Promise<void> {
  await sql.query("DELETE FROM inbox WHERE status IS NOT NULL AND done_at < now() - $1 * interval '1 millisecond'", [olderThanMs]);
}
