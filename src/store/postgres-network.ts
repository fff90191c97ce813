import type { Sql } from './postgres.js';

/**
 * The row of a network's shared state in PostgreSQL (migration 4 of src/store/postgres-schema.ts;
 * docs/scaling.md, "Networks of groups"). The state is the JSON of `NetworkState`
 * (src/runtime/network.ts), the same text a snapshot's `network` holds.
 */

/** The scope of the serve cluster's network (one playbook per database). */
export const CLUSTER_NETWORK = 'cluster';

export interface NetworkRow {
  state: string;
  /** The playbook version whose counter ids the state uses. */
  version: number;
  epoch: number;
}

/**
 * Lock the scope's row FOR UPDATE inside the caller's transaction and read it, creating it from
 * `create()` when it is missing (a new database, or a playbook that starts counting across groups).
 * Every networked transaction calls this before it reads or writes anything else, so they queue
 * on this row in one order and cannot deadlock on the community rows behind it.
 */
export async function lockNetwork(sql: Sql, scope: string, create: () => Promise<{ state: string; version: number }>): Promise<NetworkRow> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await sql.query<{ state: string; version: number; epoch: string }>(
      'SELECT state, version, epoch FROM playbook_network WHERE scope = $1 FOR UPDATE',
      [scope],
    );
    const row = r.rows[0];
    if (row) return { state: row.state, version: row.version, epoch: Number(row.epoch) };
    const init = await create();
    // Two processes creating it together: the second inserts nothing and locks the first's row.
    await sql.query('INSERT INTO playbook_network (scope, state, version) VALUES ($1, $2, $3) ON CONFLICT (scope) DO NOTHING', [
      scope,
      init.state,
      init.version,
    ]);
  }
  throw new Error(`the network row ${JSON.stringify(scope)} cannot be created`);
}

/** Write the locked row back; `spread` bumps the epoch (rows of other owners' communities were written). */
export async function saveNetwork(sql: Sql, scope: string, row: { state: string; version: number }, spread: boolean): Promise<number> {
  const r = await sql.query<{ epoch: string }>('UPDATE playbook_network SET state = $2, version = $3, epoch = epoch + $4 WHERE scope = $1 RETURNING epoch', [
    scope,
    row.state,
    row.version,
    spread ? 1 : 0,
  ]);
  return Number(r.rows[0]!.epoch);
}

/** The communities that have rows, in id order as JavaScript sorts (a snapshot's order): the groups a network starts with when a playbook starts sharing. */
export async function storedCommunities(sql: Sql): Promise<string[]> {
  const r = await sql.query<{ id: string }>('SELECT id FROM communities');
  return r.rows.map((row) => row.id).sort();
}

/** The row's epoch, read without a lock (before loading rows outside a transaction); undefined without a row. */
export async function networkEpoch(sql: Sql, scope: string): Promise<number | undefined> {
  const r = await sql.query<{ epoch: string }>('SELECT epoch FROM playbook_network WHERE scope = $1', [scope]);
  return r.rows[0] ? Number(r.rows[0].epoch) : undefined;
}
