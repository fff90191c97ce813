import type pg from 'pg';
import { compile } from '../compiler/compile.js';
import type { IR } from '../ir/schema.js';
import { rowsFromSnapshot, type DurableRuntime } from '../store/durable.js';
import type { Sql } from '../store/postgres.js';
import { clearCommunityRows, readVersion } from '../store/postgres-versions.js';
import { writeState } from '../store/postgres.js';
import type { StoredCommunity } from '../store/store.js';
import { migrateSnapshot, type ReloadNote } from './migrate.js';
import { asCommunity } from './cluster-quarantine.js';

/**
 * A stored playbook version that this process cannot run: missing from the database, or not
 * compiling. Met while loading a community whose row names it, it is that community's failure
 * (src/hosting/cluster-load.ts); a query's own error is not one.
 */
export class VersionError extends Error {}

/**
 * The playbook versions a cluster process meets (docs/scaling.md, "Reloading the playbook"):
 * each is compiled from its stored source the first time it is needed, the way `SIGHUP` compiles
 * FILE, and kept. A version that was stored was checked then, so it compiles without errors here
 * too (the same program); one that does not is a database from a newer playbook, and an error.
 */
export class ClusterVersions {
  private readonly irs = new Map<number, IR>();
  /** The newest version this process has seen. */
  latest: number;

  constructor(first: { version: number; ir: IR }) {
    this.irs.set(first.version, first.ir);
    this.latest = first.version;
  }

  /** Add a version this process compiled itself (a reload it took). */
  known(version: number, ir: IR): void {
    this.irs.set(version, ir);
    if (version > this.latest) this.latest = version;
  }

  async ir(sql: Sql | pg.Pool, version: number): Promise<IR> {
    const cached = this.irs.get(version);
    if (cached) return cached;
    const stored = await readVersion(sql, version);
    if (!stored) throw new VersionError(`playbook version ${version} is not in the database`);
    const compiled = compile(stored.source, { file: stored.file });
    if (!compiled.ir) throw new VersionError(`playbook version ${version} (${stored.file}) does not compile with this playbook program`);
    this.irs.set(version, compiled.ir);
    return compiled.ir;
  }
}

/** One community's state carried over to another version: its rows, and what could not carry over. */
export interface Carried {
  rows: StoredCommunity[];
  dropped: ReloadNote[];
  changed: ReloadNote[];
}

/**
 * Carry one community's live state over from `from` to `to` as a single-process reload does
 * (src/hosting/reload.ts, migrate.ts), and write it inside the caller's transaction: its member
 * and timer rows are rewritten, its processed ids stay. Returns the rows to load the new runtime from.
 */
export async function carryOver(sql: Sql, community: string, durable: DurableRuntime, from: IR, to: IR): Promise<Carried> {
  // Whatever the carrying over throws is this community's (cluster-quarantine.ts); the writes below are the database's.
  const { migration, rows } = asCommunity(community, () => {
    const migration = migrateSnapshot(from, to, durable.snapshot());
    const rows: StoredCommunity[] = migration.snapshot.communities.map((c) => ({
      ...rowsFromSnapshot(c),
      processed: c.processed,
      ...(c.processedAt ? { processedAt: c.processedAt } : {}),
    }));
    return { migration, rows };
  });
  await clearCommunityRows(sql, [community]);
  await writeState(sql, {
    communities: rows.map((r) => ({ id: r.id, state: r.state })),
    members: rows.flatMap((r) => r.members.map((m) => ({ community: r.id, id: m.id, state: m.state }))),
    processed: [],
    timersReplaced: [],
    timers: rows.flatMap((r) => r.timers.map((t) => ({ community: r.id, id: (JSON.parse(t) as { id: string }).id, state: t }))),
    actions: [],
  });
  return { rows, dropped: migration.dropped, changed: migration.changed };
}

/**
 * Inside a processing transaction, before any of its work: carry each community whose state
 * follows an older version over to `latest`, the newest one stored (src/hosting/cluster-owner.ts).
 * A reload committed before the work was accepted is seen (the version is read after the inbox
 * rows), so every event accepted after a reload's reply runs on the new version.
 */
export async function switchVersions(
  sql: Sql,
  o: {
    communities: readonly string[];
    latest: number;
    versions: ClusterVersions;
    owned: ReadonlyMap<string, { durable: DurableRuntime; version: number }>;
    /** Replace a community's runtime by one on `latest` loaded from `rows`. */
    adopt: (community: string, rows: StoredCommunity[]) => Promise<unknown>;
    log: (line: string) => void;
  },
): Promise<void> {
  const to = await o.versions.ir(sql, o.latest);
  for (const c of o.communities) {
    const owned = o.owned.get(c)!;
    if (owned.version === o.latest) continue;
    const carried = await carryOver(sql, c, owned.durable, await o.versions.ir(sql, owned.version), to);
    await o.adopt(c, carried.rows);
    const notes = [...carried.dropped.map((n) => `dropped: ${n.what} (${n.count})`), ...carried.changed.map((n) => `changed: ${n.what} (${n.count})`)];
    o.log(`cluster owner: community ${JSON.stringify(c)} carried over to playbook version ${o.latest}${notes.length ? `; ${notes.join('; ')}` : ''}`);
  }
}
