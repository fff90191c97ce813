import { LOCK_CLASS, RELOAD_LOCK } from './postgres-schema.js';
import type { Sql } from './postgres.js';
import type pg from 'pg';

/**
 * The playbook versions of a cluster (docs/scaling.md, "Reloading the playbook"): each reload
 * stores the new source as the next version, and each community row says which version wrote
 * it. Owners carry a community's state over to the newest version in the transaction that next
 * processes it, so every community switches at one point of its own stream.
 */

export interface StoredVersion {
  version: number;
  source: string;
  file: string;
}

/** The newest version's number (0 before the first process stored one). */
export async function currentVersion(sql: Sql | pg.Pool): Promise<number> {
  const r = await sql.query<{ v: number | null }>('SELECT max(version) AS v FROM playbook_versions');
  return r.rows[0]?.v ?? 0;
}

export async function readVersion(sql: Sql | pg.Pool, version: number): Promise<StoredVersion | undefined> {
  const r = await sql.query<{ source: string; file: string }>('SELECT source, file FROM playbook_versions WHERE version = $1', [version]);
  const row = r.rows[0];
  return row ? { version, source: row.source, file: row.file } : undefined;
}

/**
 * Store a version unless the newest one has the same key (`key` compares versions: the IR
 * without its file name). Under the reload lock, in one transaction with the meta key that a
 * starting process checks. Returns the newest version afterwards, and whether it is new.
 */
export async function storeVersion(
  sql: Sql,
  v: { source: string; file: string; key: string },
  metaKey: string,
): Promise<{ version: number; created: boolean }> {
  await sql.query('BEGIN');
  try {
    await sql.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, RELOAD_LOCK]);
    const current = await currentVersion(sql);
    const stored = await sql.query<{ value: string }>('SELECT value FROM playbook_meta WHERE key = $1', [metaKey]);
    if (current > 0 && stored.rows[0]?.value === v.key) {
      await sql.query('COMMIT');
      return { version: current, created: false };
    }
    const version = current + 1;
    await sql.query('INSERT INTO playbook_versions (version, source, file) VALUES ($1, $2, $3)', [version, v.source, v.file]);
    await sql.query('INSERT INTO playbook_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [metaKey, v.key]);
    await sql.query('COMMIT');
    return { version, created: true };
  } catch (e) {
    await sql.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** The version that wrote each community's row. */
export async function communityVersions(sql: Sql, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const r = await sql.query<{ id: string; version: number }>('SELECT id, version FROM communities WHERE id = ANY($1)', [ids]);
  return new Map(r.rows.map((row) => [row.id, row.version]));
}

/** Mark the communities' rows as written by `version` (inside the owner's transaction, after their state). */
export async function setCommunityVersions(sql: Sql, ids: readonly string[], version: number): Promise<void> {
  if (ids.length === 0) return;
  await sql.query('UPDATE communities SET version = $2 WHERE id = ANY($1) AND version <> $2', [ids, version]);
}

/** Delete the communities' member and timer rows, before their migrated state is written. */
export async function clearCommunityRows(sql: Sql, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql.query('DELETE FROM members WHERE community = ANY($1)', [ids]);
  await sql.query('DELETE FROM timers WHERE community = ANY($1)', [ids]);
}

/**
 * At a process's start: the version its playbook is, storing it as version 1 when the database
 * has none (a new database, or one from before versions were kept whose state is this
 * playbook's). Undefined when the database runs another version.
 */
export async function startVersion(sql: Sql, v: { source: string; file: string; key: string }, metaKey: string): Promise<number | undefined> {
  await sql.query('BEGIN');
  try {
    await sql.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, RELOAD_LOCK]);
    const current = await currentVersion(sql);
    const stored = (await sql.query<{ value: string }>('SELECT value FROM playbook_meta WHERE key = $1', [metaKey])).rows[0]?.value;
    let version: number | undefined;
    if (stored !== undefined && stored !== v.key) version = undefined;
    else if (current > 0) version = current;
    else {
      version = 1;
      await sql.query('INSERT INTO playbook_versions (version, source, file) VALUES (1, $1, $2)', [v.source, v.file]);
      await sql.query('INSERT INTO playbook_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [metaKey, v.key]);
    }
    await sql.query('COMMIT');
    return version;
  } catch (e) {
    await sql.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
