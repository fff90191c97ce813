import type { Network } from '../runtime/network.js';
import { DurableRuntime } from '../store/durable.js';
import { PendingStore } from '../store/pending.js';
import { loadCommunities, type Sql } from '../store/postgres.js';
import { communityVersions } from '../store/postgres-versions.js';
import type { StoredCommunity } from '../store/store.js';
import { carryOver, type ClusterVersions } from './cluster-versions.js';
import { adoptCommunity } from './cluster-load.js';
import { messageOf } from '../stdlib/errors.js';
import { CommunityFailure } from './cluster-quarantine.js';

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
 * A group that does not load (cluster-load.ts) cannot take the goal's actions: the transaction's
 * first community, `batch[0]`, fails for it (CommunityFailure), so the owner sets that community
 * aside with its events pending, runs the others, and tries again after the backoff.
 */
export async function wideRuntime(
  sql: Sql,
  o: { batch: readonly string[]; ids: readonly string[]; latest: number; versions: ClusterVersions; seed: number | undefined; network: Network },
): Promise<WideRuntime> {
  try {
    return await loadWide(sql, o);
  } catch (e) {
    if (!(e instanceof CommunityFailure) || o.batch.includes(e.community) || o.batch[0] === undefined) throw e;
    throw new CommunityFailure(
      o.batch[0],
      new Error(`its work reaches a network goal, and group ${JSON.stringify(e.community)} of the network does not load: ${messageOf(e.error)}`),
    );
  }
}

async function loadWide(
  sql: Sql,
  o: { ids: readonly string[]; latest: number; versions: ClusterVersions; seed: number | undefined; network: Network },
): Promise<WideRuntime> {
  const ids = [...new Set(o.ids)];
  const to = await o.versions.ir(sql, o.latest);
  const versions = await communityVersions(sql, ids);
  // The holder is only read by these runtimes (a snapshot's network, which carryOver leaves aside).
  const ctx = { versions: o.versions, seed: o.seed, network: o.network };
  const rows: StoredCommunity[] = [];
  for (const row of await loadCommunities(sql, ids)) {
    const v = versions.get(row.id) ?? 1;
    if (v === o.latest) {
      rows.push(row);
      continue;
    }
    const old = await adoptCommunity(sql, ctx, row.id, [row], v);
    rows.push(...(await carryOver(sql, row.id, old.durable, await o.versions.ir(sql, v), to)).rows);
  }
  const store = new PendingStore(rows);
  try {
    const durable = new DurableRuntime(to, store, { seed: o.seed, network: o.network });
    durable.checkStoredStates();
    return { durable, store, stored: rows.map((r) => r.id) };
  } catch (e) {
    // Which community: each loaded alone as the owner loads it, the first that fails is named.
    for (const row of rows) await adoptCommunity(sql, ctx, row.id, [row], o.latest);
    throw e;
  }
}
