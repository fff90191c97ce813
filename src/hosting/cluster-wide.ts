import type { Network } from '../runtime/network.js';
import { DurableRuntime } from '../store/durable.js';
import { PendingStore } from '../store/pending.js';
import { loadCommunities, type Sql } from '../store/postgres.js';
import { communityVersions } from '../store/postgres-versions.js';
import type { StoredCommunity } from '../store/store.js';
import { carryOver, type ClusterVersions } from './cluster-versions.js';

/** One runtime holding several communities, and the store whose commits the owner writes. */
export interface WideRuntime {
  durable: DurableRuntime;
  store: PendingStore;
  /** The communities it holds that have rows (written by the newest version from now on). */
  stored: string[];
}

/**
 * The runtime of a transaction whose event reaches a network goal (src/hosting/cluster-network.ts):
 * every group of the network and the transaction's communities, loaded from the database inside
 * the locked transaction, each carried over to the newest version first, so the goal's actions
 * run in every group as one process running them all would (docs/language.md, "Networks of groups").
 */
export async function wideRuntime(
  sql: Sql,
  o: { ids: readonly string[]; latest: number; versions: ClusterVersions; seed: number | undefined; network: Network },
): Promise<WideRuntime> {
  const ids = [...new Set(o.ids)];
  const to = await o.versions.ir(sql, o.latest);
  const versions = await communityVersions(sql, ids);
  const rows: StoredCommunity[] = [];
  for (const row of await loadCommunities(sql, ids)) {
    const v = versions.get(row.id) ?? 1;
    if (v === o.latest) {
      rows.push(row);
      continue;
    }
    const from = await o.versions.ir(sql, v);
    // The holder is only read here (a snapshot's network, which carryOver leaves aside).
    const old = new DurableRuntime(from, new PendingStore([row]), { seed: o.seed, network: o.network });
    rows.push(...(await carryOver(sql, row.id, old, from, to)).rows);
  }
  const store = new PendingStore(rows);
  return { durable: new DurableRuntime(to, store, { seed: o.seed, network: o.network }), store, stored: rows.map((r) => r.id) };
}
